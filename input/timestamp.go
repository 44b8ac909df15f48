package input

import (
	"fmt"
	"strings"
	"time"
)

// timeLayouts are the layouts that ParseTime tries, in order. Layouts without a zone
// are read as UTC.
var timeLayouts = []string{
	time.RFC3339, // also accepts fractional seconds when parsing
	"2006-01-02",
	"2006-01-02 15:04",
	"2006-01-02 15:04:05",
	"2006/01/02 15:04",
	"2006/01/02 15:04:05",
	"2006/01/02",
}

// hintTime lists the accepted layouts for error messages.
const hintTime = "write RFC 3339 such as 2012-01-01T08:30:00Z, " +
	"or a UTC date and time such as 2012-01-01, 2012-01-01 08:30, 2012-01-01 08:30:00, " +
	"2012/01/01, 2012/01/01 08:30 or 2012/01/01 08:30:00"

// ParseTime parses a timestamp in RFC 3339 (such as 2012-01-01T08:30:00Z or
// 2012-01-01T08:30:00.5+01:00), or a date with an optional time and no zone, read as
// UTC: 2012-01-01, 2012-01-01 08:30, 2012-01-01 08:30:00, 2012/01/01,
// 2012/01/01 08:30 or 2012/01/01 08:30:00. Surrounding spaces are ignored. The result
// is in UTC, so the same instant always yields the same time.Time value.
func ParseTime(s string) (time.Time, error) {
	text := strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, text); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid timestamp %q; %s", s, hintTime)
}

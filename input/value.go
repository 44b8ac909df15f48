package input

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// Value is one argument value and the place where it starts in the input.
//
// Raw is a string for every CSV cell. For JSON input it is the decoded value:
// json.Number for a number (so that large integers stay exact), string, bool, nil
// for null, and, in JSON Lines arguments only, map[string]any or []any whose
// numbers are also json.Number.
type Value struct {
	Raw  any
	File string
	Line int // 1-based line number
	Col  int // 1-based byte column
}

// String returns the value as text: a string unquoted, a number as written, a bool
// as true or false, null as null, and an object or array as compact JSON.
func (v Value) String() string {
	switch raw := v.Raw.(type) {
	case string:
		return raw
	case json.Number:
		return string(raw)
	case bool:
		return strconv.FormatBool(raw)
	case nil:
		return "null"
	}
	b, err := json.Marshal(v.Raw)
	if err != nil {
		return "<unprintable value>"
	}
	return string(b)
}

// Float converts a JSON number or a decimal string such as "12.5" or "-3e2".
// Surrounding spaces in a string are ignored. NaN and infinities are rejected.
func (v Value) Float() (float64, error) {
	f, err := v.decimal(hintFloat)
	if err != nil {
		return 0, err
	}
	if math.IsInf(f, 0) {
		return 0, v.errorf(hintFloat, "number out of range for a 64-bit float")
	}
	return f, nil
}

// Int converts a JSON number or a decimal string whose value is integral, such as
// "42", "-7", "12.0" or "1e3", to a 64-bit integer.
func (v Value) Int() (int64, error) {
	text, ok := v.numberText()
	if ok {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
	}
	f, err := v.decimal(hintInt)
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) {
		return 0, v.errorf(hintInt, "invalid integer: the number has a fractional part")
	}
	// 2^63 is exact as a float64, and every integral float64 below it fits an int64.
	if f < -(1<<63) || f >= 1<<63 {
		return 0, v.errorf(hintInt, "integer out of range for a 64-bit integer")
	}
	return int64(f), nil
}

// Bool converts a JSON boolean or the string "true" or "false" (in any letter case,
// surrounding spaces ignored).
func (v Value) Bool() (bool, error) {
	switch raw := v.Raw.(type) {
	case bool:
		return raw, nil
	case string:
		word := strings.TrimSpace(raw)
		if strings.EqualFold(word, "true") {
			return true, nil
		}
		if strings.EqualFold(word, "false") {
			return false, nil
		}
	}
	return false, v.errorf("write true or false", "invalid boolean")
}

// Text returns a string value unchanged. Every CSV cell is a string. A JSON number,
// bool, null, object or array is rejected, so a number never silently becomes text.
func (v Value) Text() (string, error) {
	s, ok := v.Raw.(string)
	if !ok {
		return "", v.errorf("quote the value to pass it as a string",
			"invalid string: found %s", kindOf(v.Raw))
	}
	return s, nil
}

// Time parses a string value with [ParseTime].
func (v Value) Time() (time.Time, error) {
	s, ok := v.Raw.(string)
	if !ok {
		return time.Time{}, v.errorf(hintTime, "invalid timestamp: found %s", kindOf(v.Raw))
	}
	t, err := ParseTime(s)
	if err != nil {
		return time.Time{}, v.errorf(hintTime, "invalid timestamp")
	}
	return t, nil
}

const (
	hintFloat = "write a decimal number such as 12.5"
	hintInt   = "write a whole number such as 42"
)

// decimal parses the value as a float64, rejecting anything but decimal notation.
func (v Value) decimal(hint string) (float64, error) {
	text, ok := v.numberText()
	if !ok {
		return 0, v.errorf(hint, "invalid number: found %s", kindOf(v.Raw))
	}
	if !isDecimal(text) {
		return 0, v.errorf(hint, "invalid number")
	}
	// ParseFloat cannot fail on decimal notation: it returns ±Inf with ErrRange on
	// overflow, which the callers check.
	f, _ := strconv.ParseFloat(text, 64)
	return f, nil
}

// numberText returns the text of a JSON number or of a string with its surrounding
// spaces removed.
func (v Value) numberText() (string, bool) {
	switch raw := v.Raw.(type) {
	case json.Number:
		return string(raw), true
	case string:
		return strings.TrimSpace(raw), true
	}
	return "", false
}

func (v Value) errorf(hint, format string, args ...any) *Error {
	p := position{file: v.File, line: v.Line, col: v.Col}
	return p.errorf(v.String(), hint, format, args...)
}

// isDecimal reports whether s is a number in decimal notation: an optional sign,
// digits with an optional fraction (or a fraction alone, such as ".5"), and an
// optional exponent. It rejects what strconv also accepts, such as "Inf", "NaN",
// hexadecimal and underscores.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	intDigits := countDigits(s[i:])
	i += intDigits
	fracDigits := 0
	if i < len(s) && s[i] == '.' {
		i++
		fracDigits = countDigits(s[i:])
		i += fracDigits
	}
	if intDigits+fracDigits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		expDigits := countDigits(s[i:])
		if expDigits == 0 {
			return false
		}
		i += expDigits
	}
	return i == len(s)
}

func countDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// kindOf names the JSON kind of a decoded value for error messages.
func kindOf(raw any) string {
	switch raw.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return "an unsupported value"
}

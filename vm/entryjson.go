package vm

import (
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// AppendJSON appends the entry's JSON form to b. It writes the same
// bytes as encoding/json would for the entry (see MarshalJSON), several
// times faster, which matters because every committed change is
// encoded once for the lineage sink.
func (e *Entry) AppendJSON(b []byte) []byte {
	b = append(b, `{"object":`...)
	b = appendJSONString(b, e.Object)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, e.Seq, 10)
	b = append(b, `,"time":`...)
	b = appendJSONString(b, e.Time.UTC().Format(time.RFC3339Nano))
	b = append(b, `,"step":`...)
	b = appendJSONString(b, e.Step)
	b = append(b, `,"cause":`...)
	b = appendJSONString(b, e.Cause)
	b = appendOptionalString(b, "sender", e.Sender)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, e.Kind)
	b = appendOptionalString(b, "field", e.Field)
	b = appendOptionalValue(b, "old", e.Old)
	b = appendOptionalValue(b, "new", e.New)
	b = appendOptionalString(b, "reason", e.Reason)
	b = appendOptionalString(b, "constraint", e.Constraint)
	b = appendOptionalString(b, "error", e.Error)
	b = appendOptionalValue(b, "value", e.Value)
	if e.Count != 0 {
		b = append(b, `,"count":`...)
		b = strconv.AppendInt(b, int64(e.Count), 10)
	}
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, int64(e.Version), 10)
	return append(b, '}')
}

func appendOptionalString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendJSONString(b, s)
}

func appendOptionalValue(b []byte, key string, v any) []byte {
	v = jsonValue(v)
	if isEmptyJSON(v) {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendJSONValue(b, v)
}

// isEmptyJSON reports what encoding/json's omitempty leaves out of an
// interface field: only nil.
func isEmptyJSON(v any) bool { return v == nil }

func appendJSONValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return appendJSONString(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case bool:
		return strconv.AppendBool(b, x)
	case float64:
		return appendJSONFloat(b, x)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, data...)
}

// appendJSONFloat formats f as encoding/json does.
func appendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Shorten e-09 to e-9, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendJSONString quotes s as encoding/json does, HTML escaping
// included; strings that need escapes other than the plain ones take
// the encoding/json path.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= utf8.RuneSelf {
			data, _ := json.Marshal(s)
			return append(b, data...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

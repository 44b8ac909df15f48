package compiler

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Convert checks that v is a value of type t and returns it in its
// canonical Go form: an int for Int (from any integral number), a
// float64 for Float, and element-wise conversion for lists, maps and
// records.
func Convert(v any, t *Type) (any, error) {
	if v == nil {
		if t.Optional {
			return nil, nil
		}
		return nil, fmt.Errorf("nil is not a value of non-optional type %s", t)
	}
	switch t.Kind {
	case Int:
		return toInt(v)
	case Float:
		return toFloat(v)
	case Bool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case String:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case Enum:
		if s, ok := v.(string); ok {
			if !t.HasValue(s) {
				return nil, fmt.Errorf("%q is not a value of %s", s, t)
			}
			return s, nil
		}
	case Time:
		if tm, ok := v.(time.Time); ok {
			return tm, nil
		}
	case Duration:
		if d, ok := v.(time.Duration); ok {
			return d, nil
		}
	case List:
		return convertList(v, t)
	case Map:
		return convertMap(v, t)
	case Record:
		return convertRecord(v, t.Record)
	}
	return nil, fmt.Errorf("%s is not a value of type %s", Format(v), t)
}

func toInt(v any) (any, error) {
	switch n := v.(type) {
	case int:
		return n, nil
	case int64:
		return int(n), nil
	case float64:
		if n != math.Trunc(n) || math.IsInf(n, 0) || math.IsNaN(n) {
			return nil, fmt.Errorf("%s is not an integer", Format(n))
		}
		if n < -(1<<63) || n >= 1<<63 {
			return nil, fmt.Errorf("%s is out of the int range", Format(n))
		}
		return int(n), nil
	}
	return nil, fmt.Errorf("%s is not an int", Format(v))
}

func toFloat(v any) (any, error) {
	switch n := v.(type) {
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return nil, fmt.Errorf("%v is not a finite number", n)
		}
		return n, nil
	case int:
		return float64(n), nil
	case int64:
		return float64(n), nil
	}
	return nil, fmt.Errorf("%s is not a float", Format(v))
}

func convertList(v any, t *Type) (any, error) {
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s is not a list", Format(v))
	}
	out := make([]any, len(items))
	for i, item := range items {
		c, err := Convert(item, t.Elem)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		out[i] = c
	}
	return out, nil
}

func convertMap(v any, t *Type) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s is not a map", Format(v))
	}
	out := make(map[string]any, len(m))
	for k, item := range m {
		c, err := Convert(item, t.Elem)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
		out[k] = c
	}
	return out, nil
}

func convertRecord(v any, rec *RecordType) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s is not a %s record", Format(v), rec.Name)
	}
	for k := range m {
		if _, ok := rec.Index[k]; !ok {
			return nil, fmt.Errorf("record %s has no field %q", rec.Name, k)
		}
	}
	out := make(map[string]any, len(rec.Fields))
	for _, f := range rec.Fields {
		item, present := m[f.Name]
		if !present {
			item = f.Type.Zero()
			if f.Default != nil && f.Default.HasConst {
				item = f.Default.Const
			}
		}
		c, err := Convert(item, f.Type)
		if err != nil {
			return nil, fmt.Errorf("field %s.%s: %w", rec.Name, f.Name, err)
		}
		if msg := CheckValue(f, c); msg != "" {
			return nil, fmt.Errorf("field %s.%s: %s", rec.Name, f.Name, msg)
		}
		out[f.Name] = c
	}
	return out, nil
}

// Compare orders two values of the same ordered kind: numbers (ints and
// floats mix), strings, times and durations. Values of other kinds
// compare as equal.
func Compare(a, b any) int {
	switch x := a.(type) {
	case int:
		if y, ok := b.(int); ok {
			return cmpOrdered(x, y)
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y)
		}
	case time.Duration:
		if y, ok := b.(time.Duration); ok {
			return cmpOrdered(x, y)
		}
	}
	fa, okA := number(a)
	fb, okB := number(b)
	if okA && okB {
		return cmpOrdered(fa, fb)
	}
	return 0
}

func cmpOrdered[T int | float64 | time.Duration](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// Equal reports whether two run-time values are the same value. Numbers
// compare by value, so 0 and 0.0 are equal; lists, maps and records
// compare element by element.
func Equal(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, present := y[k]
			if !present || !Equal(v, w) {
				return false
			}
		}
		return true
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case nil:
		return b == nil
	case int:
		if y, ok := b.(int); ok {
			return x == y // exact beyond 2^53, where float64 is not
		}
	}
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		return ok && fa == fb
	}
	if a != nil && !reflect.TypeOf(a).Comparable() {
		return reflect.DeepEqual(a, b)
	}
	return a == b
}

// Clone returns a deep copy of a list, map or record value; other values
// are immutable and returned as they are.
func Clone(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = Clone(item)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = Clone(item)
		}
		return out
	}
	return v
}

// Format renders a value for messages and printed events: strings
// quoted, floats in their shortest form, times in RFC 3339.
func Format(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		return strconv.Quote(x)
	case float64:
		return formatFloat(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case time.Duration:
		return FormatDuration(x)
	case []any:
		parts := make([]string, len(x))
		for i, item := range x {
			parts[i] = Format(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + Format(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

func formatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEnI") {
		s += ".0"
	}
	return s
}

// FormatDuration writes a duration with the largest whole units mor
// accepts, such as 3d, 1h30m or 90s, so it reads back with
// ParseDuration.
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	var b strings.Builder
	if d == math.MinInt64 {
		return "-106751d23h47m16s854ms775us808ns"
	}
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	units := []struct {
		name string
		size time.Duration
	}{{"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second},
		{"ms", time.Millisecond}, {"us", time.Microsecond}, {"ns", time.Nanosecond}}
	for _, u := range units {
		if d >= u.size {
			fmt.Fprintf(&b, "%d%s", d/u.size, u.name)
			d %= u.size
		}
	}
	return b.String()
}

package input

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

func valueOf(raw any) Value {
	return Value{Raw: raw, File: "in.csv", Line: 7, Col: 3}
}

func TestValueFloat(t *testing.T) {
	tests := []struct {
		raw  any
		want float64
	}{
		{"12.5", 12.5},
		{" -3 ", -3},
		{"+.5", 0.5},
		{"1e3", 1000},
		{"7.", 7},
		{json.Number("-0.25"), -0.25},
		{json.Number("12345678901234567890"), 12345678901234567890},
	}
	for _, tt := range tests {
		got, err := valueOf(tt.raw).Float()
		if err != nil {
			t.Errorf("Float(%#v) error: %v", tt.raw, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Float(%#v) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}

func TestValueInt(t *testing.T) {
	tests := []struct {
		raw  any
		want int64
	}{
		{"42", 42},
		{" -7 ", -7},
		{"12.0", 12},
		{"1e3", 1000},
		{json.Number("9223372036854775807"), math.MaxInt64},
		{json.Number("-9223372036854775808"), math.MinInt64},
		{json.Number("-19"), -19},
	}
	for _, tt := range tests {
		got, err := valueOf(tt.raw).Int()
		if err != nil {
			t.Errorf("Int(%#v) error: %v", tt.raw, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Int(%#v) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}

func TestValueBoolTextTime(t *testing.T) {
	for raw, want := range map[any]bool{true: true, false: false, "true": true, " FALSE": false} {
		if got, err := valueOf(raw).Bool(); err != nil || got != want {
			t.Errorf("Bool(%#v) = %v, %v; want %v", raw, got, err, want)
		}
	}
	if got, err := valueOf("LAX").Text(); err != nil || got != "LAX" {
		t.Errorf(`Text("LAX") = %q, %v; want "LAX"`, got, err)
	}
	got, err := valueOf("2012-01-01 08:30").Time()
	if want := time.Date(2012, 1, 1, 8, 30, 0, 0, time.UTC); err != nil || !got.Equal(want) {
		t.Errorf("Time() = %v, %v; want %v", got, err, want)
	}
}

func TestValueString(t *testing.T) {
	tests := []struct {
		raw  any
		want string
	}{
		{"a b", "a b"},
		{json.Number("1e3"), "1e3"},
		{true, "true"},
		{nil, "null"},
		{map[string]any{"k": json.Number("1")}, `{"k":1}`},
		{[]any{"x", nil}, `["x",null]`},
	}
	for _, tt := range tests {
		if got := valueOf(tt.raw).String(); got != tt.want {
			t.Errorf("String(%#v) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestValueConversionErrors(t *testing.T) {
	long := strings.Repeat("9", 100)
	tests := []struct {
		name    string
		raw     any
		convert func(Value) error
		value   string
		msg     string
	}{
		{"float from text", "abc", floatOf, "abc", "invalid number"},
		{"float from empty", "", floatOf, "", "invalid number"},
		{"float rejects NaN", "NaN", floatOf, "NaN", "invalid number"},
		{"float rejects Inf", "Inf", floatOf, "Inf", "invalid number"},
		{"float rejects hex", "0x10", floatOf, "0x10", "invalid number"},
		{"float rejects underscore", "1_000", floatOf, "1_000", "invalid number"},
		{"float rejects bare exponent", "1e", floatOf, "1e", "invalid number"},
		{"float overflow", "1e999", floatOf, "1e999", "out of range"},
		{"float from bool", true, floatOf, "true", "found a boolean"},
		{"float from null", nil, floatOf, "null", "found null"},
		{"int with fraction", "12.5", intOf, "12.5", "fractional part"},
		{"int overflow", json.Number("9223372036854775808"), intOf, "9223372036854775808",
			"out of range"},
		{"int long value shortened", long, intOf, long[:77] + "...", "out of range"},
		{"int from text", "twelve", intOf, "twelve", "invalid number"},
		{"bool from text", "yes", boolOf, "yes", "invalid boolean"},
		{"bool from number", json.Number("1"), boolOf, "1", "invalid boolean"},
		{"text from number", json.Number("7"), textOf, "7", "found a number"},
		{"text from null", nil, textOf, "null", "found null"},
		{"time from text", "noon", timeOf, "noon", "invalid timestamp"},
		{"time from number", json.Number("0"), timeOf, "0", "found a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.convert(valueOf(tt.raw))
			want := wantError{line: 7, col: 3, value: tt.value, msg: tt.msg}
			checkError(t, err, "in.csv", "", want)
		})
	}
}

func floatOf(v Value) error { _, err := v.Float(); return err }
func intOf(v Value) error   { _, err := v.Int(); return err }
func boolOf(v Value) error  { _, err := v.Bool(); return err }
func textOf(v Value) error  { _, err := v.Text(); return err }
func timeOf(v Value) error  { _, err := v.Time(); return err }

func TestParseTime(t *testing.T) {
	tests := []struct {
		text string
		want time.Time
	}{
		{"2012-01-01T08:30:00Z", time.Date(2012, 1, 1, 8, 30, 0, 0, time.UTC)},
		{"2012-01-01T08:30:00.5-02:00", time.Date(2012, 1, 1, 10, 30, 0, 5e8, time.UTC)},
		{"2012-01-01", time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)},
		{" 2012-01-01 08:30 ", time.Date(2012, 1, 1, 8, 30, 0, 0, time.UTC)},
		{"2012-01-01 08:30:15", time.Date(2012, 1, 1, 8, 30, 15, 0, time.UTC)},
		{"2001/01/01 06:55", time.Date(2001, 1, 1, 6, 55, 0, 0, time.UTC)},
		{"2001/01/01 06:55:01", time.Date(2001, 1, 1, 6, 55, 1, 0, time.UTC)},
		{"2001/03/31", time.Date(2001, 3, 31, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.text)
		if err != nil {
			t.Errorf("ParseTime(%q) error: %v", tt.text, err)
			continue
		}
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, want %v in UTC", tt.text, got, tt.want)
		}
	}
	for _, text := range []string{"", "2012-02-30", "01/02/2012", "2012-01-01T08:30", "12:00"} {
		if _, err := ParseTime(text); err == nil {
			t.Errorf("ParseTime(%q) returned no error", text)
		} else if !strings.Contains(err.Error(), "RFC 3339") {
			t.Errorf("ParseTime(%q) error %q does not list the accepted layouts", text, err)
		}
	}
}

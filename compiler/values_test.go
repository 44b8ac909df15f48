package compiler

import (
	"math"
	"math/rand"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const day = 24 * time.Hour

func TestParseDuration(t *testing.T) {
	tests := []struct {
		text string
		want time.Duration
	}{
		{"0s", 0},
		{"10ns", 10},
		{"250us", 250 * time.Microsecond},
		{"250µs", 250 * time.Microsecond},
		{"500ms", 500 * time.Millisecond},
		{"90s", 90 * time.Second},
		{"5m", 5 * time.Minute},
		{"1h30m", 90 * time.Minute},
		{"1.5h", 90 * time.Minute},
		{"0.5s", 500 * time.Millisecond},
		{".5s", 500 * time.Millisecond},
		{"3d", 3 * day},
		{"1d12h", 36 * time.Hour},
		{"2w", 14 * day},
		{"1w1d1h1m1s1ms1us1ns", 8*day + time.Hour + time.Minute + time.Second +
			time.Millisecond + time.Microsecond + time.Nanosecond},
		{"1h1h", 2 * time.Hour},
		{"106751d", 106751 * day},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.text)
		if err != nil {
			t.Errorf("ParseDuration(%q) error: %v", tt.text, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestParseDurationErrors(t *testing.T) {
	tests := []struct {
		text string
		want string
	}{
		{"s", `invalid duration "s": expected a number before "s"`},
		{"1y", `invalid duration "1y": unknown unit "y" (use ns, us, ms, s, m, h, d or w)`},
		{"1e3s", `invalid duration "1e3s": unknown unit "e" (use ns, us, ms, s, m, h, d or w)`},
		{"1 s", `invalid duration "1 s": unknown unit " s" (use ns, us, ms, s, m, h, d or w)`},
		{"106752d", `duration "106752d" is out of range (the maximum is about 292 years)`},
		{"400000d", `duration "400000d" is out of range (the maximum is about 292 years)`},
	}
	for _, tt := range tests {
		d, err := ParseDuration(tt.text)
		if err == nil {
			t.Errorf("ParseDuration(%q) = %v, want error %q", tt.text, d, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("ParseDuration(%q) error = %q, want %q", tt.text, err, tt.want)
		}
	}
}

// TestParseDurationMatchesTime compares whole numbers of the units that
// time.ParseDuration also accepts.
func TestParseDurationMatchesTime(t *testing.T) {
	for _, unit := range []string{"ns", "us", "µs", "ms", "s", "m", "h"} {
		for _, n := range []string{"0", "1", "7", "59", "60", "999", "1000", "86400", "2562047"} {
			text := n + unit
			want, err := time.ParseDuration(text)
			if err != nil {
				continue // beyond time.Duration for this unit
			}
			got, err := ParseDuration(text)
			if err != nil || got != want {
				t.Errorf("ParseDuration(%q) = %v, %v; want %v", text, got, err, want)
			}
		}
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{1, "1ns"},
		{time.Microsecond, "1us"},
		{1500 * time.Millisecond, "1s500ms"},
		{90 * time.Second, "1m30s"},
		{90 * time.Minute, "1h30m"},
		{36 * time.Hour, "1d12h"},
		{3 * day, "3d"},
		{8 * day, "8d"},
		{day + time.Nanosecond, "1d1ns"},
		{-90 * time.Second, "-1m30s"},
	}
	for _, tt := range tests {
		if got := FormatDuration(tt.d); got != tt.want {
			t.Errorf("FormatDuration(%d) = %q, want %q", int64(tt.d), got, tt.want)
		}
	}
}

// TestFormatDurationRoundTrip checks that ParseDuration reads back what
// FormatDuration writes. NOTE: only positive durations up to 2^53 ns
// (about 104 days) are checked, because ParseDuration sums in float64
// and loses nanoseconds beyond that, and it rejects negative durations.
func TestFormatDurationRoundTrip(t *testing.T) {
	values := []time.Duration{
		1, 999, time.Microsecond + 1, time.Second - 1, time.Minute + time.Millisecond,
		23*time.Hour + 59*time.Minute + 59*time.Second + 999999999,
		30*day + 1, 104 * day, 1<<53 - 1,
	}
	r := rand.New(rand.NewSource(1))
	for range 1000 {
		values = append(values, time.Duration(1+r.Int63n(1<<53-1)))
	}
	for _, d := range values {
		text := FormatDuration(d)
		back, err := ParseDuration(text)
		if err != nil {
			t.Errorf("ParseDuration(FormatDuration(%d) = %q) error: %v", int64(d), text, err)
			continue
		}
		if back != d {
			t.Errorf("ParseDuration(FormatDuration(%d) = %q) = %d", int64(d), text, int64(back))
		}
	}
}

func TestConvert(t *testing.T) {
	enum := &Type{Kind: Enum, Values: []string{"a", "b"}}
	when := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		v    any
		t    *Type
		want any
	}{
		{"int", 3, &Type{Kind: Int}, 3},
		{"int64 to int", int64(7), &Type{Kind: Int}, 7},
		{"whole float to int", 3.0, &Type{Kind: Int}, 3},
		{"1e0 to int", 1e0, &Type{Kind: Int}, 1},
		{"negative zero to int", math.Copysign(0, -1), &Type{Kind: Int}, 0},
		{"min int from float", -float64(1 << 63), &Type{Kind: Int}, math.MinInt},
		{"int to float", 2, &Type{Kind: Float}, 2.0},
		{"int64 to float", int64(-2), &Type{Kind: Float}, -2.0},
		{"float", 0.25, &Type{Kind: Float}, 0.25},
		{"bool", true, &Type{Kind: Bool}, true},
		{"string", "x", &Type{Kind: String}, "x"},
		{"enum", "b", enum, "b"},
		{"time", when, &Type{Kind: Time}, when},
		{"duration", 3 * time.Hour, &Type{Kind: Duration}, 3 * time.Hour},
		{"nil optional", nil, &Type{Kind: Int, Optional: true}, nil},
		{"optional with value", 4.0, &Type{Kind: Int, Optional: true}, 4},
		{"list", []any{1, 2.5}, &Type{Kind: List, Elem: &Type{Kind: Float}}, []any{1.0, 2.5}},
		{"empty list", []any{}, &Type{Kind: List, Elem: &Type{Kind: Int}}, []any{}},
		{"map", map[string]any{"a": 1.0}, &Type{Kind: Map, Elem: &Type{Kind: Int}}, map[string]any{"a": 1}},
		{
			"nested",
			[]any{map[string]any{"k": []any{1}}},
			&Type{Kind: List, Elem: &Type{Kind: Map, Elem: &Type{Kind: List, Elem: &Type{Kind: Float}}}},
			[]any{map[string]any{"k": []any{1.0}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Convert(tt.v, tt.t)
			if err != nil {
				t.Fatalf("Convert(%#v, %s) error: %v", tt.v, tt.t, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Convert(%#v, %s) mismatch (-want +got):\n%s", tt.v, tt.t, diff)
			}
		})
	}
}

func TestConvertErrors(t *testing.T) {
	enum := &Type{Kind: Enum, Values: []string{"a", "b"}}
	tests := []struct {
		name string
		v    any
		t    *Type
		want string
	}{
		{"fraction to int", 1.5, &Type{Kind: Int}, "1.5 is not an integer"},
		{"infinity to int", math.Inf(1), &Type{Kind: Int}, "+Inf is not an integer"},
		{"float beyond int", 1e19, &Type{Kind: Int}, "1e+19 is out of the int range"},
		{"2^63 to int", float64(1 << 63), &Type{Kind: Int}, "9.223372036854776e+18 is out of the int range"},
		{"string to int", "x", &Type{Kind: Int}, `"x" is not an int`},
		{"NaN to float", math.NaN(), &Type{Kind: Float}, "NaN is not a finite number"},
		{"infinity to float", math.Inf(-1), &Type{Kind: Float}, "-Inf is not a finite number"},
		{"bool to float", true, &Type{Kind: Float}, "true is not a float"},
		{"int to bool", 1, &Type{Kind: Bool}, "1 is not a value of type bool"},
		{"int to string", 1, &Type{Kind: String}, "1 is not a value of type string"},
		{"unknown enum value", "c", enum, `"c" is not a value of enum(a, b)`},
		{"int to enum", 1, enum, "1 is not a value of type enum(a, b)"},
		{"string to time", "2024-01-01", &Type{Kind: Time}, `"2024-01-01" is not a value of type time`},
		{"int to duration", 5, &Type{Kind: Duration}, "5 is not a value of type duration"},
		{"nil", nil, &Type{Kind: Int}, "nil is not a value of non-optional type int"},
		{"not a list", 1, &Type{Kind: List, Elem: &Type{Kind: Int}}, "1 is not a list"},
		{"list element", []any{1, "x"}, &Type{Kind: List, Elem: &Type{Kind: Int}}, `element 1: "x" is not an int`},
		{"not a map", []any{}, &Type{Kind: Map, Elem: &Type{Kind: Int}}, "[] is not a map"},
		{"map value", map[string]any{"k": 1.5}, &Type{Kind: Map, Elem: &Type{Kind: Int}}, `key "k": 1.5 is not an integer`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Convert(tt.v, tt.t)
			if err == nil {
				t.Fatalf("Convert(%#v, %s) = %#v, want error %q", tt.v, tt.t, got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("Convert(%#v, %s) error = %q, want %q", tt.v, tt.t, err, tt.want)
			}
		})
	}
}

func TestConvertRecord(t *testing.T) {
	prog := mustCompile(t, "type Reading {\n  max: float = 1.5 in 0.0..10.0\n  n: int\n  at: time?\n}\n")
	rt := &Type{Kind: Record, Record: prog.Records["Reading"]}

	got, err := Convert(map[string]any{"n": 2.0}, rt)
	if err != nil {
		t.Fatalf("Convert error: %v", err)
	}
	want := map[string]any{"max": 1.5, "n": 2, "at": nil}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Convert mismatch (-want +got):\n%s", diff)
	}

	errorCases := []struct {
		v    any
		want string
	}{
		{map[string]any{"mx": 1.0}, `record Reading has no field "mx"`},
		{map[string]any{"n": "two"}, `field Reading.n: "two" is not an int`},
		{map[string]any{"max": 11.0}, "field Reading.max: max = 11.0 is outside 0.0..10.0"},
		{[]any{}, "[] is not a Reading record"},
	}
	for _, tt := range errorCases {
		_, err := Convert(tt.v, rt)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Convert(%v) error = %v, want %q", tt.v, err, tt.want)
		}
	}
}

// compareSamples holds values of every kind, including the zeros that
// differ only in type or sign.
var compareSamples = []any{
	nil, 0, 0.0, math.Copysign(0, -1), 1e0, 1, -1, 2.5, math.MaxInt, math.MinInt,
	math.Inf(1), math.Inf(-1), math.NaN(), "", "a", "b", true, false,
	time.Time{}, time.Unix(0, 0), time.Duration(0), time.Second, -time.Second,
	[]any{}, []any{1}, map[string]any{}, map[string]any{"a": 1}, int64(1),
}

func TestCompare(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		a, b any
		want int
	}{
		{"int and float zero", 0, 0.0, 0},
		{"zero and negative zero", 0, math.Copysign(0, -1), 0},
		{"float zeros", 0.0, math.Copysign(0, -1), 0},
		{"1 and 1e0", 1, 1e0, 0},
		{"ints", 1, 2, -1},
		{"large ints", math.MaxInt, math.MaxInt - 1, 1},
		{"int and float", 2, 1.5, 1},
		{"float and int", 1.5, 2, -1},
		{"floats", -0.5, -0.25, -1},
		{"infinities", math.Inf(-1), math.Inf(1), -1},
		{"strings", "apple", "banana", -1},
		{"equal strings", "x", "x", 0},
		{"times", t0.Add(time.Second), t0, 1},
		{"same instant in two zones", t0, t0.In(time.FixedZone("UTC+1", 3600)), 0},
		{"durations", time.Minute, time.Hour, -1},
		{"int and string", 1, "1", 0},
		{"nil and int", nil, 1, 0},
		{"bools", true, false, 0},
		{"lists", []any{1}, []any{2}, 0},
	}
	for _, tt := range tests {
		if got := Compare(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: Compare(%#v, %#v) = %d, want %d", tt.name, tt.a, tt.b, got, tt.want)
		}
	}
}

// TestCompareAnyPair checks that Compare and Equal accept any two sample
// values without panicking, and that Compare is antisymmetric.
func TestCompareAnyPair(t *testing.T) {
	for _, a := range compareSamples {
		for _, b := range compareSamples {
			ab, ba := Compare(a, b), Compare(b, a)
			if ab != -ba {
				t.Errorf("Compare(%#v, %#v) = %d but Compare(%#v, %#v) = %d", a, b, ab, b, a, ba)
			}
			Equal(a, b)
		}
	}
}

func TestEqual(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		a, b any
		want bool
	}{
		{"int and float zero", 0, 0.0, true},
		{"zero and negative zero", 0, math.Copysign(0, -1), true},
		{"1 and 1e0", 1, 1e0, true},
		{"different numbers", 1, 1.5, false},
		{"ints", 3, 3, true},
		{"ints beyond 2^53", 1<<53 + 1, 1 << 53, false},
		{"max and max-1", math.MaxInt, math.MaxInt - 1, false},
		{"NaN", math.NaN(), math.NaN(), false},
		{"strings", "a", "a", true},
		{"string and number", "1", 1, false},
		{"bools", true, false, false},
		{"nils", nil, nil, true},
		{"nil and zero", nil, 0, false},
		{"zero and nil", 0, nil, false},
		{"same instant in two zones", t0, t0.In(time.FixedZone("UTC+1", 3600)), true},
		{"time and string", t0, "2024", false},
		{"durations", time.Second, time.Second, true},
		{"duration and int", time.Duration(1), 1, false},
		{"lists with mixed numbers", []any{1, 2.0}, []any{1.0, 2}, true},
		{"lists of different length", []any{1}, []any{1, 2}, false},
		{"list and map", []any{}, map[string]any{}, false},
		{"maps", map[string]any{"a": 1, "b": []any{"x"}}, map[string]any{"b": []any{"x"}, "a": 1.0}, true},
		{"maps with different keys", map[string]any{"a": 1}, map[string]any{"b": 1}, false},
		{"map and nil", map[string]any{}, nil, false},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: Equal(%#v, %#v) = %v, want %v", tt.name, tt.a, tt.b, got, tt.want)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{nil, "nil"},
		{0, "0"},
		{-7, "-7"},
		{0.0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{1e0, "1.0"},
		{2.5, "2.5"},
		{100.0, "100.0"},
		{1e21, "1e+21"},
		{1e-7, "1e-07"},
		{math.Inf(1), "+Inf"},
		{math.Inf(-1), "-Inf"},
		{true, "true"},
		{"a \"b\"", `"a \"b\""`},
		{"é", `"é"`},
		{90 * time.Second, "1m30s"},
		{time.Date(2024, 1, 2, 3, 4, 5, 6, time.FixedZone("UTC+1", 3600)), "2024-01-02T02:04:05.000000006Z"},
		{time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "2024-01-02T03:04:05Z"},
		{[]any{}, "[]"},
		{[]any{1, 2.5, "x", nil}, `[1, 2.5, "x", nil]`},
		{map[string]any{}, "{}"},
		{map[string]any{"b": 1, "a": []any{true}}, "{a: [true], b: 1}"},
	}
	for _, tt := range tests {
		if got := Format(tt.v); got != tt.want {
			t.Errorf("Format(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestCheckValue(t *testing.T) {
	prog := mustCompile(t, `object A {
  memory {
    level: float = 0.5 in 0.0..1.0
    tags: list<string> = [] max 2
    name: string = "" max 3
    state: enum(on, off) = on
    at: time?
    n: int
  }
}
`)
	obj := prog.Objects["A"]
	field := func(name string) *Field { return obj.Fields[obj.FieldIndex[name]] }
	tests := []struct {
		field string
		v     any
		want  string
	}{
		{"level", 0.5, ""},
		{"level", 1.0, ""},
		{"level", 1.5, "level = 1.5 is outside 0.0..1.0"},
		{"level", -0.1, "level = -0.1 is outside 0.0..1.0"},
		{"tags", []any{"a", "b"}, ""},
		{"tags", []any{"a", "b", "c"}, "tags has 3 elements, more than max 2"},
		{"name", "héé", ""},
		{"name", "abcd", "name has 4 characters, more than max 3"},
		{"state", "off", ""},
		{"state", "dim", `"dim" is not a value of state enum(on, off)`},
		{"at", nil, ""},
		{"n", nil, "n cannot be nil because its type int is not optional"},
	}
	for _, tt := range tests {
		if got := CheckValue(field(tt.field), tt.v); got != tt.want {
			t.Errorf("CheckValue(%s, %#v) = %q, want %q", tt.field, tt.v, got, tt.want)
		}
	}
}

func TestClone(t *testing.T) {
	orig := map[string]any{"list": []any{1, map[string]any{"k": "v"}}, "n": 1}
	copied := Clone(orig).(map[string]any)
	if diff := cmp.Diff(orig, copied); diff != "" {
		t.Fatalf("Clone mismatch (-orig +clone):\n%s", diff)
	}
	copied["list"].([]any)[1].(map[string]any)["k"] = "changed"
	copied["n"] = 2
	if got := orig["list"].([]any)[1].(map[string]any)["k"]; got != "v" {
		t.Errorf("changing the clone changed the original to %v", got)
	}
	if orig["n"] != 1 {
		t.Errorf("changing the clone changed the original n to %v", orig["n"])
	}
}

func TestTypeString(t *testing.T) {
	rec := &RecordType{Name: "Reading"}
	tests := []struct {
		t    *Type
		want string
	}{
		{&Type{Kind: Int}, "int"},
		{&Type{Kind: Time, Optional: true}, "time?"},
		{&Type{Kind: Enum, Values: []string{"a", "b"}}, "enum(a, b)"},
		{&Type{Kind: List, Elem: &Type{Kind: Map, Elem: &Type{Kind: Float}}}, "list<map<float>>"},
		{&Type{Kind: Record, Record: rec, Optional: true}, "Reading?"},
	}
	for _, tt := range tests {
		if got := tt.t.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestTypeZero(t *testing.T) {
	rec := &RecordType{Name: "R", Fields: []*Field{
		{Name: "a", Type: &Type{Kind: Int}},
		{Name: "b", Type: &Type{Kind: String, Optional: true}},
	}}
	tests := []struct {
		t    *Type
		want any
	}{
		{&Type{Kind: Int}, 0},
		{&Type{Kind: Float}, 0.0},
		{&Type{Kind: Bool}, false},
		{&Type{Kind: String}, ""},
		{&Type{Kind: Enum, Values: []string{"x", "y"}}, "x"},
		{&Type{Kind: Time}, time.Time{}},
		{&Type{Kind: Duration}, time.Duration(0)},
		{&Type{Kind: List, Elem: &Type{Kind: Int}}, []any{}},
		{&Type{Kind: Map, Elem: &Type{Kind: Int}}, map[string]any{}},
		{&Type{Kind: Record, Record: rec}, map[string]any{"a": 0, "b": nil}},
		{&Type{Kind: Int, Optional: true}, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.t.Zero()); diff != "" {
			t.Errorf("%s Zero() mismatch (-want +got):\n%s", tt.t, diff)
		}
	}
}

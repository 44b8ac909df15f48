package input

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

var airportMapping = Mapping{To: "Airport/{origin}", Msg: "flight", TimeColumn: "date"}

func TestJSONArrayRecords(t *testing.T) {
	input := "[\n" +
		`  {"date": "2001/01/01 06:55", "delay": -19, "origin": "LAX", "late": false},` + "\n" +
		`  {"origin": "SJC", "date": "2001-01-01T08:47:00Z", "delay": 1e2, "gate": null}` +
		"\n]\n"
	r, err := NewJSONArray(strings.NewReader(input), "in.json", airportMapping)
	if err != nil {
		t.Fatal(err)
	}
	records := readAll(t, r, 10)
	if len(records) != 2 {
		t.Fatalf("got %d records, want 2", len(records))
	}

	first := records[0]
	if first.File != "in.json" || first.Line != 2 || first.Col != 3 {
		t.Errorf("first record at %s:%d:%d, want in.json:2:3", first.File, first.Line, first.Col)
	}
	if first.To != "Airport/LAX" {
		t.Errorf("To = %q, want Airport/LAX", first.To)
	}
	if first.Msg != "flight" {
		t.Errorf("Msg = %q, want flight", first.Msg)
	}
	if !first.At.Equal(time.Date(2001, 1, 1, 6, 55, 0, 0, time.UTC)) {
		t.Errorf("At = %v, want 2001-01-01 06:55 UTC", first.At)
	}
	if got := first.Args["delay"].Raw; got != json.Number("-19") {
		t.Errorf(`Args["delay"].Raw = %#v, want json.Number("-19")`, got)
	}
	if got := first.Args["late"].Raw; got != false {
		t.Errorf(`Args["late"].Raw = %#v, want false`, got)
	}
	line2 := strings.Split(input, "\n")[1]
	if v := first.Args["delay"]; v.Line != 2 || v.Col != strings.Index(line2, "-19")+1 {
		t.Errorf(`Args["delay"] at %d:%d, want 2:%d`, v.Line, v.Col, strings.Index(line2, "-19")+1)
	}

	second := records[1]
	if second.Line != 3 || second.Col != 3 {
		t.Errorf("second record at %d:%d, want 3:3", second.Line, second.Col)
	}
	if n, err := second.Args["delay"].Int(); err != nil || n != 100 {
		t.Errorf(`Args["delay"].Int() = %d, %v; want 100`, n, err)
	}
	if _, ok := second.Args["gate"]; !ok || second.Args["gate"].Raw != nil {
		t.Errorf(`Args["gate"] = %#v, want a null value`, second.Args["gate"])
	}
}

func TestJSONArrayEmpty(t *testing.T) {
	r, err := NewJSONArray(strings.NewReader(" [ ]\n"), "in.json", airportMapping)
	if err != nil {
		t.Fatal(err)
	}
	if records := readAll(t, r, 10); len(records) != 0 {
		t.Errorf("got %d records, want 0", len(records))
	}
}

func TestJSONArrayOpenErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  wantError
	}{
		{"empty file", "", wantError{line: 1, col: 1, value: "", msg: "empty or blank"}},
		{"blank file", "\n  \n", wantError{line: 1, col: 1, value: "", msg: "empty or blank"}},
		{"object", `{"origin": "LAX"}`,
			wantError{line: 1, col: 1, value: `{"origin": "LAX"}`, msg: "expected a JSON array"}},
		{"string", "\n  \"LAX\"",
			wantError{line: 2, at: `"`, value: `  "LAX"`, msg: "expected a JSON array"}},
		{"not JSON", "\n  nope",
			wantError{line: 2, at: "o", value: "  nope", msg: "invalid JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewJSONArray(strings.NewReader(tt.input), "in.json", airportMapping)
			checkError(t, err, "in.json", tt.input, tt.want)
		})
	}
}

func TestJSONArrayErrors(t *testing.T) {
	good := `{"origin": "LAX", "date": "2001-01-01"}`
	tests := []struct {
		name  string
		input string
		want  wantError
	}{
		{"missing comma", "[" + good + "\n " + good + "]",
			wantError{line: 2, at: "{", value: " " + good[:30] + "...",
				msg: `expected "," or "]"`}},
		{"trailing comma", "[" + good + ",\n]",
			wantError{line: 2, col: 1, value: "]", msg: "looking for beginning of value"}},
		{"bad literal", "[\n" + good + ",\n" + `{"origin": tru}` + "\n]",
			wantError{line: 3, at: "}", value: `{"origin": tru}`, msg: "in literal true"}},
		{"bad literal after long line", "[" + strings.Repeat(good+",", 40) + `{"a": 1x}]`,
			wantError{line: 1, at: "x", value: `... "date": "2001-01-01"},{"a": 1x}]`,
				msg: "invalid JSON"}},
		{"unterminated string", "[\n" + good + ",\n" + `{"origin": "LAX`,
			wantError{line: 3, col: 16, value: `{"origin": "LAX`, msg: "unexpected end"}},
		{"missing closing bracket", "[\n" + good + "\n",
			wantError{line: 3, col: 1, value: "", msg: "unexpected end"}},
		{"wrong closing bracket", "[" + good + "}",
			wantError{line: 1, col: len(good) + 2, value: `...: "LAX", "date": "2001-01-01"}}`,
				msg: "after array element"}},
		{"data after the array", "[" + good + "]\n  [1]",
			wantError{line: 2, col: 3, value: "  [1]", msg: "after the end of the array"}},
		{"element not an object", "[" + good + ",\n 42]",
			wantError{line: 2, at: "42", value: "42", msg: "array element 2 is not an object"}},
		{"nested value", `[{"origin": "LAX", "legs": [1, 2]}]`,
			wantError{line: 1, at: "[1", value: "[1, 2]", msg: `field "legs" holds a nested`}},
		{"duplicate field", `[{"origin": "LAX", "date": "2001-01-01", "origin": "SFO"}]`,
			wantError{line: 1, at: `"origin": "SFO"`, value: "origin", msg: "duplicate field"}},
		{"template column missing", "[" + good + ",\n" + `  {"date": "2001-01-01"}]`,
			wantError{line: 2, at: "{", value: "origin", msg: `missing column "origin"`}},
		{"time column missing", `[{"origin": "LAX"}]`,
			wantError{line: 1, col: 2, value: "date", msg: `missing column "date"`}},
		{"unparseable timestamp", `[{"origin": "LAX", "date": "Jan 1"}]`,
			wantError{line: 1, at: `"Jan`, value: "Jan 1", msg: "invalid timestamp"}},
		{"timestamp not a string", `[{"origin": "LAX", "date": 978307200}]`,
			wantError{line: 1, at: "978", value: "978307200", msg: "found a number"}},
		{"address column not text", `[{"origin": true, "date": "2001-01-01"}]`,
			wantError{line: 1, at: "true", value: "true", msg: "found a boolean"}},
		{"address column empty", `[{"origin": "", "date": "2001-01-01"}]`,
			wantError{line: 1, at: `""`, value: "Airport/", msg: "missing object id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewJSONArray(strings.NewReader(tt.input), "in.json", airportMapping)
			if err != nil {
				t.Fatal(err)
			}
			checkError(t, firstError(r, 100), "in.json", tt.input, tt.want)
		})
	}
}

func TestJSONArraySyntaxErrorEndsStream(t *testing.T) {
	input := `[{"origin": "LAX", "date": "2001-01-01"} x, {"origin": "SFO", "date": "2001-01-01"}]`
	r, err := NewJSONArray(strings.NewReader(input), "in.json", airportMapping)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatalf("first record: %v", err)
	}
	if _, err := r.Next(); err == nil || err == io.EOF {
		t.Fatalf("second call returned %v, want a syntax error", err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("third call returned %v, want io.EOF", err)
	}
}

func TestJSONArrayContinuesAfterRecordError(t *testing.T) {
	input := `[{"origin": "LAX", "date": "bad"}, {"origin": "SFO", "date": "2001-01-01"}]`
	r, err := NewJSONArray(strings.NewReader(input), "in.json", airportMapping)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err == nil {
		t.Fatal("first record: got no error for an invalid timestamp")
	}
	rec, err := r.Next()
	if err != nil {
		t.Fatalf("second record: %v", err)
	}
	if rec.To != "Airport/SFO" {
		t.Errorf("To = %q, want Airport/SFO", rec.To)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("third call returned %v, want io.EOF", err)
	}
}

// generatedArray produces a JSON array of n objects on demand, one object per line,
// and counts the bytes that have been read.
type generatedArray struct {
	n, next int
	pending []byte
	read    int
}

func (g *generatedArray) Read(p []byte) (int, error) {
	for len(g.pending) == 0 {
		switch {
		case g.next == 0:
			g.pending = []byte("[\n")
		case g.next <= g.n:
			sep := ",\n"
			if g.next == g.n {
				sep = "\n]\n"
			}
			g.pending = fmt.Appendf(nil, `{"origin": "A%d", "date": "2001-01-01"}%s`, g.next, sep)
		default:
			return 0, io.EOF
		}
		g.next++
	}
	n := copy(p, g.pending)
	g.pending = g.pending[n:]
	g.read += n
	return n, nil
}

func TestJSONArrayStreams(t *testing.T) {
	source := &generatedArray{n: 50_000} // about 2 MB of JSON
	r, err := NewJSONArray(source, "big.json", airportMapping)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if rec.To != "Airport/A1" {
		t.Errorf("To = %q, want Airport/A1", rec.To)
	}
	if source.read > 64<<10 {
		t.Errorf("read %d bytes for the first record, want at most 64 KiB", source.read)
	}

	count := 1
	var last Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		count++
		last = rec
	}
	if count != 50_000 {
		t.Errorf("got %d records, want 50000", count)
	}
	if last.Line != 50_001 || last.Col != 1 {
		t.Errorf("last record at %d:%d, want 50001:1", last.Line, last.Col)
	}
	if window := len(r.(*jsonArrayReader).src.buf); window > 64<<10 {
		t.Errorf("window kept %d bytes at the end, want at most 64 KiB", window)
	}
}

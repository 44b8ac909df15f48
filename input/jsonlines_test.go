package input

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"
)

func TestJSONLinesRecords(t *testing.T) {
	input := "\ufeff" + `{"to": "Station/seattle", "msg": "reading", "args": {"max": 12.5, ` +
		`"n": 3, "name": "north", "ok": true, "none": null, "list": [1, 2]}, ` +
		`"at": "2012-01-01"}` + "\r\n" +
		"\n   \t\n" +
		`  {"msg": "reset", "to": "Station/a/b", "at": "2012-01-02T03:04:05+01:00"}` + "\n" +
		`{"to": "Station/x", "msg": "ping", "at": null}`
	records := readAll(t, NewJSONLines(strings.NewReader(input), "in.jsonl"), 10)
	if len(records) != 3 {
		t.Fatalf("got %d records, want 3", len(records))
	}

	first := records[0]
	if first.File != "in.jsonl" || first.Line != 1 || first.Col != 1 {
		t.Errorf("first record at %s:%d:%d, want in.jsonl:1:1", first.File, first.Line, first.Col)
	}
	if first.To != "Station/seattle" {
		t.Errorf("To = %q, want Station/seattle", first.To)
	}
	if first.Msg != "reading" {
		t.Errorf("Msg = %q, want reading", first.Msg)
	}
	if !first.HasTime || !first.At.Equal(time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("At = %v (HasTime %v), want 2012-01-01 UTC", first.At, first.HasTime)
	}
	wantArgs := map[string]any{
		"max": json.Number("12.5"), "n": json.Number("3"), "name": "north", "ok": true,
		"none": nil,
	}
	for name, want := range wantArgs {
		if got := first.Args[name].Raw; got != want {
			t.Errorf("Args[%q].Raw = %#v, want %#v", name, got, want)
		}
	}
	if got := first.Args["list"].String(); got != "[1,2]" {
		t.Errorf(`Args["list"].String() = %q, want "[1,2]"`, got)
	}
	// The byte order mark is not counted, so the columns match the text after it.
	line1 := strings.SplitN(strings.TrimPrefix(input, "\ufeff"), "\n", 2)[0]
	if got, want := first.Args["max"].Col, strings.Index(line1, "12.5")+1; got != want {
		t.Errorf(`Args["max"].Col = %d, want %d`, got, want)
	}

	second := records[1]
	if second.Line != 4 || second.Col != 3 {
		t.Errorf("second record at %d:%d, want 4:3", second.Line, second.Col)
	}
	if second.To != "Station/a/b" {
		t.Errorf("To = %q, want Station/a/b", second.To)
	}
	wantAt := time.Date(2012, 1, 2, 2, 4, 5, 0, time.UTC)
	if !second.At.Equal(wantAt) || second.At.Location() != time.UTC {
		t.Errorf("At = %v, want %v in UTC", second.At, wantAt)
	}
	if second.Args == nil || len(second.Args) != 0 {
		t.Errorf("Args = %#v, want an empty map", second.Args)
	}

	if records[2].HasTime {
		t.Errorf(`"at": null gave HasTime = true, want false`)
	}
}

func TestJSONLinesErrors(t *testing.T) {
	ok := `{"to": "Station/x", "msg": "reading"}`
	tests := []struct {
		name  string
		input string
		want  wantError
	}{
		{"malformed value", `{"to": "A/b", "msg": x}`,
			wantError{line: 1, at: "x}", value: `{"to": "A/b", "msg": x}`, msg: "invalid JSON"}},
		{"trailing comma", `{"to": "A/b", "msg": "m",}`,
			wantError{line: 1, at: "}", value: `{"to": "A/b", "msg": "m",}`,
				msg: "invalid JSON"}},
		{"truncated object", `{"to": "A/b"`,
			wantError{line: 1, col: 13, value: `{"to": "A/b"`, msg: "unexpected end"}},
		{"two objects on a line", `{"to": "A/b", "msg": "m"} {}`,
			wantError{line: 1, at: "{}", value: `{"to": "A/b", "msg": "m"} {}`,
				msg: "after top-level value"}},
		{"not an object", `  ["A/b", "m"]`,
			wantError{line: 1, at: "[", value: `  ["A/b", "m"]`, msg: "expected a JSON object"}},
		{"missing to", `{"msg": "m"}`,
			wantError{line: 1, col: 1, value: `{"msg": "m"}`, msg: `missing field "to"`}},
		{"missing msg", ok + "\n" + `  {"to": "A/b"}`,
			wantError{line: 2, at: "{", value: `  {"to": "A/b"}`, msg: `missing field "msg"`}},
		{"to without slash", `{"to": "Station", "msg": "m"}`,
			wantError{line: 1, at: `"Station"`, value: "Station", msg: `missing "/"`}},
		{"to without id", `{"to": "Station/", "msg": "m"}`,
			wantError{line: 1, at: `"Station/"`, value: "Station/", msg: "missing object id"}},
		{"to without type", `{"to": "/x", "msg": "m"}`,
			wantError{line: 1, at: `"/x"`, value: "/x", msg: "missing object type"}},
		{"to type not identifier", `{"to": "9 lives/x", "msg": "m"}`,
			wantError{line: 1, at: `"9 lives/x"`, value: "9 lives/x", msg: "not an identifier"}},
		{"to not a string", `{"to": 5, "msg": "m"}`,
			wantError{line: 1, at: "5", value: "5", msg: "found a number"}},
		{"msg not identifier", `{"to": "A/b", "msg": "read ing"}`,
			wantError{line: 1, at: `"read ing"`, value: "read ing", msg: "invalid message name"}},
		{"msg empty", `{"to": "A/b", "msg": ""}`,
			wantError{line: 1, at: `""`, value: "", msg: "invalid message name"}},
		{"msg not a string", `{"to": "A/b", "msg": null}`,
			wantError{line: 1, at: "null", value: "null", msg: "found null"}},
		{"args not an object", `{"to": "A/b", "msg": "m", "args": [1, 2]}`,
			wantError{line: 1, at: "[1", value: "[1,2]", msg: `invalid "args"`}},
		{"duplicate field", `{"to": "A/b", "msg": "m", "to": "A/c"}`,
			wantError{line: 1, at: `"to": "A/c"`, value: "to", msg: `duplicate field "to"`}},
		{"duplicate argument", `{"to": "A/b", "msg": "m", "args": {"x": 1, "x": 2}}`,
			wantError{line: 1, at: `"x": 2`, value: "x", msg: `duplicate argument "x"`}},
		{"unknown field", `{"to": "A/b", "msg": "m", "max": 3}`,
			wantError{line: 1, at: `"max"`, value: "max", msg: `unknown field "max"`}},
		{"invalid timestamp", `{"to": "A/b", "msg": "m", "at": "2012-13-01"}`,
			wantError{line: 1, at: `"2012-13-01"`, value: "2012-13-01", msg: "invalid timestamp"}},
		{"timestamp not a string", `{"to": "A/b", "msg": "m", "at": 1325376000}`,
			wantError{line: 1, at: "1325376000", value: "1325376000", msg: "found a number"}},
		{"error after blank line", ok + "\n\n" + `{"to": "A/b", "msg": 1}`,
			wantError{line: 3, at: "1}", value: "1", msg: `invalid "msg"`}},
		{"error on a CRLF line", ok + "\r\n" + `{"to": "Ab", "msg": "m"}` + "\r\n",
			wantError{line: 2, at: `"Ab"`, value: "Ab", msg: `missing "/"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := firstError(NewJSONLines(strings.NewReader(tt.input), "in.jsonl"), 10)
			checkError(t, err, "in.jsonl", tt.input, tt.want)
		})
	}
}

func TestJSONLinesLongLineExcerpt(t *testing.T) {
	padding := strings.Repeat(" ", 100)
	input := `{"to": "A/b",` + padding + `"msg": ?}`
	err := firstError(NewJSONLines(strings.NewReader(input), "in.jsonl"), 10)
	// The excerpt keeps 30 bytes before the offending "?": 23 spaces and `"msg": `.
	value := "..." + strings.Repeat(" ", 23) + `"msg": ?}`
	want := wantError{line: 1, at: "?", value: value, msg: "invalid JSON"}
	checkError(t, err, "in.jsonl", input, want)
}

func TestJSONLinesContinuesAfterError(t *testing.T) {
	input := `{"to": "A/1", "msg": "m"}` + "\n" +
		`{"to": "A", "msg": "m"}` + "\n" +
		`not json` + "\n" +
		`{"to": "A/4", "msg": "m"}`
	r := NewJSONLines(strings.NewReader(input), "in.jsonl")
	var lines []int
	var failures int
	for range 10 {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			failures++
			continue
		}
		lines = append(lines, rec.Line)
	}
	if failures != 2 {
		t.Errorf("got %d errors, want 2", failures)
	}
	if len(lines) != 2 || lines[0] != 1 || lines[1] != 4 {
		t.Errorf("records at lines %v, want [1 4]", lines)
	}
}

func TestJSONLinesArgumentPositions(t *testing.T) {
	input := `{"to": "A/b", "msg": "m"}` + "\n" +
		`{"to": "A/b", "msg": "m", "args": {"max": "hot", "n": 2.5}}`
	records := readAll(t, NewJSONLines(strings.NewReader(input), "in.jsonl"), 10)
	_, err := records[1].Args["max"].Float()
	checkError(t, err, "in.jsonl", input,
		wantError{line: 2, at: `"hot"`, value: "hot", msg: "invalid number"})
	_, err = records[1].Args["n"].Int()
	checkError(t, err, "in.jsonl", input,
		wantError{line: 2, at: "2.5", value: "2.5", msg: "fractional part"})
}

func TestJSONLinesEmptyInput(t *testing.T) {
	for _, input := range []string{"", "\n", "  \n\r\n\t"} {
		records := readAll(t, NewJSONLines(strings.NewReader(input), "in.jsonl"), 10)
		if len(records) != 0 {
			t.Errorf("input %q gave %d records, want 0", input, len(records))
		}
	}
}

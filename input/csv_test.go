package input

import (
	"io"
	"strings"
	"testing"
	"time"
)

var stationMapping = Mapping{
	To:         "Station/{name}",
	Msg:        "reading",
	TimeColumn: "date",
	Rename:     map[string]string{"max": "temp_max"},
}

func TestCSVRecords(t *testing.T) {
	input := "\ufeffname,date,temp_max,note\n" +
		"north,2012-01-01,12.5,plain\r\n" +
		`south,2012/01/02 06:30,-3,"two` + "\n" + `lines, ""quoted"""` + "\n" +
		`"east",2012-01-03,0,`
	r, err := NewCSV(strings.NewReader(input), "in.csv", stationMapping)
	if err != nil {
		t.Fatal(err)
	}
	records := readAll(t, r, 10)
	if len(records) != 3 {
		t.Fatalf("got %d records, want 3", len(records))
	}

	first := records[0]
	if first.File != "in.csv" || first.Line != 2 || first.Col != 1 {
		t.Errorf("first record at %s:%d:%d, want in.csv:2:1", first.File, first.Line, first.Col)
	}
	if first.To != "Station/north" {
		t.Errorf("To = %q, want Station/north", first.To)
	}
	if first.Msg != "reading" {
		t.Errorf("Msg = %q, want reading", first.Msg)
	}
	if !first.HasTime || !first.At.Equal(time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("At = %v (HasTime %v), want 2012-01-01 UTC", first.At, first.HasTime)
	}
	wantArgs := map[string]string{"name": "north", "date": "2012-01-01", "max": "12.5",
		"note": "plain"}
	if len(first.Args) != len(wantArgs) {
		t.Errorf("Args = %v, want %v", first.Args, wantArgs)
	}
	for name, want := range wantArgs {
		if got := first.Args[name].Raw; got != want {
			t.Errorf("Args[%q].Raw = %#v, want %q", name, got, want)
		}
	}
	if v := first.Args["max"]; v.Line != 2 || v.Col != 18 {
		t.Errorf(`Args["max"] at %d:%d, want 2:18`, v.Line, v.Col)
	}

	second := records[1]
	if !second.At.Equal(time.Date(2012, 1, 2, 6, 30, 0, 0, time.UTC)) {
		t.Errorf("At = %v, want 2012-01-02 06:30 UTC", second.At)
	}
	if got, want := second.Args["note"].Raw, "two\nlines, \"quoted\""; got != want {
		t.Errorf(`Args["note"].Raw = %q, want %q`, got, want)
	}
	if v := second.Args["note"]; v.Line != 3 || v.Col != 27 {
		t.Errorf(`Args["note"] at %d:%d, want 3:27`, v.Line, v.Col)
	}

	third := records[2]
	if third.Line != 5 || third.To != "Station/east" {
		t.Errorf("third record at line %d to %q, want line 5 to Station/east",
			third.Line, third.To)
	}
	if got := third.Args["note"].Raw; got != "" {
		t.Errorf(`Args["note"].Raw = %q, want ""`, got)
	}
}

func TestCSVWithoutTimeColumn(t *testing.T) {
	input := "a,b\n1,2\n"
	r, err := NewCSV(strings.NewReader(input), "in.csv", Mapping{To: "Counter/one", Msg: "add"})
	if err != nil {
		t.Fatal(err)
	}
	records := readAll(t, r, 10)
	if len(records) != 1 {
		t.Fatalf("got %d records, want 1", len(records))
	}
	if records[0].HasTime {
		t.Errorf("HasTime = true without a time column")
	}
	if records[0].To != "Counter/one" {
		t.Errorf("To = %q, want Counter/one", records[0].To)
	}
}

func TestCSVRenameToSeveralArguments(t *testing.T) {
	m := Mapping{To: "A/b", Msg: "m", Rename: map[string]string{"x": "v", "y": "v"}}
	r, err := NewCSV(strings.NewReader("v,w\n1,2\n"), "in.csv", m)
	if err != nil {
		t.Fatal(err)
	}
	args := readAll(t, r, 10)[0].Args
	if len(args) != 3 {
		t.Errorf("Args = %v, want x, y and w", args)
	}
	if args["x"].Raw != "1" || args["y"].Raw != "1" {
		t.Errorf("x = %v and y = %v, want both 1", args["x"].Raw, args["y"].Raw)
	}
}

func TestCSVHeaderErrors(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		mapping Mapping
		want    wantError
	}{
		{"empty file", "", stationMapping,
			wantError{line: 1, col: 1, value: "", msg: "missing header row"}},
		{"template column missing", "place,date,temp_max\n", stationMapping,
			wantError{line: 1, col: 1, value: "name", msg: `missing column "name"`}},
		{"time column missing", "name,day,temp_max\n", stationMapping,
			wantError{line: 1, col: 1, value: "date", msg: `missing column "date"`}},
		{"renamed column missing", "name,date,tmax\n", stationMapping,
			wantError{line: 1, col: 1, value: "temp_max", msg: `missing column "temp_max"`}},
		{"duplicate column", "name,date,temp_max,date\n", stationMapping,
			wantError{line: 1, col: 20, value: "date", msg: `duplicate column "date"`}},
		{"empty column name", "name,,date\n", stationMapping,
			wantError{line: 1, col: 6, value: "", msg: "empty column name"}},
		{"renamed argument collides", "name,date,temp_max,max\n", stationMapping,
			wantError{line: 1, col: 20, value: "max", msg: `argument "max" is set by both`}},
		{"malformed header", "name,da\"te\n", stationMapping,
			wantError{line: 1, col: 8, value: `name,da"te`, msg: "invalid CSV"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCSV(strings.NewReader(tt.input), "in.csv", tt.mapping)
			checkError(t, err, "in.csv", tt.input, tt.want)
		})
	}
}

func TestCSVRowErrors(t *testing.T) {
	header := "name,date,temp_max\n"
	tests := []struct {
		name  string
		input string
		want  wantError
	}{
		{"too many fields", header + "north,2012-01-01,12,extra\n",
			wantError{line: 2, at: "extra", value: "north,2012-01-01,12,extra",
				msg: "wrong number of fields"}},
		{"too few fields", header + "north,2012-01-01\n",
			wantError{line: 2, at: "2012", value: "north,2012-01-01", msg: "the row has 2"}},
		{"bare quote", header + "north,2012-01-01,1\"2\n",
			wantError{line: 2, at: `"`, value: `north,2012-01-01,1"2`, msg: "invalid CSV"}},
		{"unparseable timestamp", header + "north,01/02/2012,12\n",
			wantError{line: 2, at: "01/02", value: "01/02/2012", msg: "invalid timestamp"}},
		{"empty timestamp", header + "north,,12\n",
			wantError{line: 2, col: 7, value: "", msg: "invalid timestamp"}},
		{"empty address column", header + ",2012-01-01,12\n",
			wantError{line: 2, col: 1, value: "Station/", msg: "missing object id"}},
		{"error on a later line", header + "a,2012-01-01,1\nb,2012-01-01,2\nc,2012-01-32,3\n",
			wantError{line: 4, at: "2012", value: "2012-01-32", msg: "invalid timestamp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewCSV(strings.NewReader(tt.input), "in.csv", stationMapping)
			if err != nil {
				t.Fatal(err)
			}
			checkError(t, firstError(r, 10), "in.csv", tt.input, tt.want)
		})
	}
}

func TestCSVUnterminatedQuote(t *testing.T) {
	input := "name,date,temp_max\nnorth,2012-01-01,\"12\nsouth,2012-01-02,13\n"
	r, err := NewCSV(strings.NewReader(input), "in.csv", stationMapping)
	if err != nil {
		t.Fatal(err)
	}
	// The error points just past the end of the last line, where encoding/csv gave up,
	// and the message names the line where the record starts.
	checkError(t, firstError(r, 10), "in.csv", input,
		wantError{line: 3, col: 20, value: "south,2012-01-02,13", msg: "starts on line 2"})
}

func TestCSVContinuesAfterError(t *testing.T) {
	input := "name,date,temp_max\n" +
		"a,2012-01-01,1\n" +
		"b,bad,2\n" +
		"c,2012-01-03\n" +
		"d,2012-01-04,1\"\n" +
		"e,2012-01-05,5\n"
	r, err := NewCSV(strings.NewReader(input), "in.csv", stationMapping)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	failures := 0
	for range 20 {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			failures++
			continue
		}
		names = append(names, rec.Args["name"].Raw.(string))
	}
	if failures != 3 {
		t.Errorf("got %d errors, want 3", failures)
	}
	if strings.Join(names, " ") != "a e" {
		t.Errorf("records %v, want [a e]", names)
	}
}

func TestCSVCellConversions(t *testing.T) {
	input := "name,date,temp_max\nnorth,2012-01-01,warm\n"
	r, err := NewCSV(strings.NewReader(input), "in.csv", stationMapping)
	if err != nil {
		t.Fatal(err)
	}
	rec := readAll(t, r, 10)[0]
	_, err = rec.Args["max"].Float()
	checkError(t, err, "in.csv", input,
		wantError{line: 2, at: "warm", value: "warm", msg: "invalid number"})
}

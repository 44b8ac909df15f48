package input

import (
	"testing"
	"time"
)

// The shipped example data: see examples/DATA.md for its origin.
const (
	weatherFile = "../examples/weather/seattle-weather.csv"
	flightsFile = "../examples/flights/flights-2k.json"
)

func TestSeattleWeather(t *testing.T) {
	m := Mapping{
		To:         "Station/seattle",
		Msg:        "reading",
		TimeColumn: "date",
		Rename:     map[string]string{"max": "temp_max", "min": "temp_min"},
	}
	r, closer, err := Open(weatherFile, m)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	records := readAll(t, r, 2000)
	if len(records) != 1461 {
		t.Fatalf("got %d records, want 1461", len(records))
	}

	first, last := records[0], records[len(records)-1]
	if !first.At.Equal(time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first At = %v, want 2012-01-01", first.At)
	}
	if !last.At.Equal(time.Date(2015, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("last At = %v, want 2015-12-31", last.At)
	}
	if last.Line != 1462 {
		t.Errorf("last record on line %d, want 1462", last.Line)
	}
	for _, name := range []string{"date", "precipitation", "max", "min", "wind", "weather"} {
		if _, ok := first.Args[name]; !ok {
			t.Errorf("first record lacks argument %q: %v", name, first.Args)
		}
	}

	hot, frost := 0, 0
	for _, rec := range records {
		hot += countIf(t, rec.Args["max"], func(x float64) bool { return x > 30 })
		frost += countIf(t, rec.Args["min"], func(x float64) bool { return x < 0 })
	}
	// Counts taken from the file with an independent script when it was added.
	if hot != 53 {
		t.Errorf("%d days with temp_max > 30, want 53", hot)
	}
	if frost != 72 {
		t.Errorf("%d days with temp_min < 0, want 72", frost)
	}
}

func countIf(t *testing.T, v Value, match func(float64) bool) int {
	t.Helper()
	x, err := v.Float()
	if err != nil {
		t.Fatal(err)
	}
	if match(x) {
		return 1
	}
	return 0
}

func TestFlights(t *testing.T) {
	m := Mapping{To: "Airport/{origin}", Msg: "flight", TimeColumn: "date"}
	r, closer, err := Open(flightsFile, m)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	records := readAll(t, r, 3000)
	if len(records) != 2000 {
		t.Fatalf("got %d records, want 2000", len(records))
	}

	first := records[0]
	if first.To != "Airport/LAX" || first.Line != 1 || first.Col != 2 {
		t.Errorf("first record to %q at %d:%d, want Airport/LAX at 1:2", first.To, first.Line,
			first.Col)
	}
	if !first.At.Equal(time.Date(2001, 1, 1, 6, 55, 0, 0, time.UTC)) {
		t.Errorf("first At = %v, want 2001-01-01 06:55", first.At)
	}

	airports := map[string]int{}
	late := 0
	for _, rec := range records {
		airports[rec.To]++
		delay, err := rec.Args["delay"].Int()
		if err != nil {
			t.Fatal(err)
		}
		if delay > 60 {
			late++
		}
	}
	// Counts taken from the file with an independent script when it was added.
	if len(airports) != 155 {
		t.Errorf("%d origin airports, want 155", len(airports))
	}
	if airports["Airport/ORD"] != 119 {
		t.Errorf("%d flights from ORD, want 119", airports["Airport/ORD"])
	}
	if late != 97 {
		t.Errorf("%d flights delayed over 60 minutes, want 97", late)
	}
}

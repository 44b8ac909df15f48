package vm

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/input"
)

func compile(t testing.TB, src string) *compiler.Program {
	t.Helper()
	prog, err := compiler.CompileSources(compiler.Source{Name: "test.mor", Text: src})
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

var epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

const dialSource = `
object Dial {
  memory {
    level: int = 5  in 0..10
    history: list<int> = []
    note: string = ""
  }
  invariant "note is short": len(note) < 20
  on set(to: int, text: string) {
    append level to history
    note = text
    level = to
  }
}
`

// dumpDB returns every object record in go-memdb, with its recent
// window copied out.
func dumpDB(t *testing.T, m *VM) []objectRecord {
	t.Helper()
	txn := m.db.Txn(false)
	it, err := txn.Get(tableObjects, "id")
	if err != nil {
		t.Fatal(err)
	}
	var out []objectRecord
	for raw := it.Next(); raw != nil; raw = it.Next() {
		copied := *raw.(*objectRecord)
		copied.Fields = append([]any(nil), copied.Fields...)
		copied.Recent = append([]*Entry(nil), copied.Recent...)
		out = append(out, copied)
	}
	return out
}

func TestRejectedStepLeavesMemory(t *testing.T) {
	sink := &MemorySink{}
	m, err := New(compile(t, dialSource), Options{Start: epoch, Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	send := func(to int, text string) {
		t.Helper()
		if err := m.Send("Dial/a", "set", map[string]any{"to": to, "text": text}, "test"); err != nil {
			t.Fatal(err)
		}
		if err := m.RunUntil(m.Now()); err != nil {
			t.Fatal(err)
		}
	}
	send(7, "first")
	before := dumpDB(t, m)
	entriesBefore := len(sink.Entries)

	send(11, "second") // breaks in 0..10 after appending to history and writing note
	send(3, "a note longer than twenty characters")
	after := dumpDB(t, m)

	rejections := sink.Entries[entriesBefore:]
	if len(rejections) != 2 {
		t.Fatalf("got %d new entries, want 2 rejections: %+v", len(rejections), rejections)
	}
	for _, e := range rejections {
		if e.Kind != KindRejected {
			t.Errorf("entry %d is %s, want rejected", e.Seq, e.Kind)
		}
	}
	if got := rejections[0]; got.Constraint != "in 0..10" || got.Field != "level" || got.Value != 11 {
		t.Errorf("first rejection = %+v, want constraint in 0..10 on level with value 11", got)
	}
	if got := rejections[1]; got.Constraint != `invariant "note is short"` {
		t.Errorf("second rejection constraint = %q, want the invariant", got.Constraint)
	}

	// Memory is unchanged: only the stored seq moves past the rejections,
	// and the recent window gains exactly the rejection entries.
	if len(after) != 1 || len(before) != 1 {
		t.Fatalf("got %d records before and %d after, want 1", len(before), len(after))
	}
	want := before[0]
	want.Seq += 2
	got := after[0]
	if got.Seq != want.Seq {
		t.Errorf("stored seq = %d, want %d", got.Seq, want.Seq)
	}
	if diff := cmp.Diff(want.Fields, got.Fields); diff != "" {
		t.Errorf("memory changed (-want +got):\n%s", diff)
	}
	if got.Mode != want.Mode || got.Question != want.Question || !got.Born.Equal(want.Born) {
		t.Errorf("record changed: got %+v, want %+v", got, want)
	}
	if len(got.Recent) != len(want.Recent)+2 {
		t.Fatalf("recent window has %d entries, want %d", len(got.Recent), len(want.Recent)+2)
	}
	for i, e := range want.Recent {
		if diff := cmp.Diff(*e, *got.Recent[i]); diff != "" {
			t.Errorf("recent entry %d changed (-want +got):\n%s", i, diff)
		}
	}
	for _, e := range got.Recent[len(want.Recent):] {
		if e.Kind != KindRejected {
			t.Errorf("new recent entry %d is %s, want rejected", e.Seq, e.Kind)
		}
	}
}

func TestNoOpWriteWritesNoLineage(t *testing.T) {
	sink := &MemorySink{}
	m, err := New(compile(t, dialSource), Options{Start: epoch, Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Spawn("Dial/a", nil); err != nil {
		t.Fatal(err)
	}
	if err := m.RunUntil(epoch); err != nil {
		t.Fatal(err)
	}
	spawned := len(sink.Entries)
	if err := m.Set("Dial/a", map[string]any{"level": 5, "note": ""}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := m.RunUntil(epoch); err != nil {
		t.Fatal(err)
	}
	if got := sink.Entries[spawned:]; len(got) != 0 {
		t.Errorf("writing the current values made %d entries, want none: %+v", len(got), got)
	}
}

func TestSetIsGoverned(t *testing.T) {
	sink := &MemorySink{}
	m, err := New(compile(t, dialSource), Options{Start: epoch, Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Spawn("Dial/a", nil); err != nil {
		t.Fatal(err)
	}
	if err := m.Set("Dial/a", map[string]any{"level": 12}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := m.RunUntil(epoch); err != nil {
		t.Fatal(err)
	}
	last := sink.Entries[len(sink.Entries)-1]
	if last.Kind != KindRejected || last.Step != StepAPI || last.Constraint != "in 0..10" {
		t.Errorf("last entry = %+v, want an api step rejected by in 0..10", last)
	}
	st, _ := m.State("Dial/a")
	if st.Memory["level"] != 5 {
		t.Errorf("level = %v after a rejected write, want 5", st.Memory["level"])
	}
}

// runFlights runs the flights example through the API and returns its
// lineage.
func runFlights(t *testing.T, workers int) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "examples", "flights", "airport.mor"))
	if err != nil {
		t.Fatal(err)
	}
	prog := compile(t, string(src))
	path := filepath.Join("..", "examples", "flights", "flights-2k.json")
	r, closer, err := input.Open(path, input.Mapping{To: "Airport/{origin}", Msg: "flight",
		TimeColumn: "date"})
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	var buf bytes.Buffer
	sink := NewJSONLinesSink(&buf)
	m, err := New(prog, Options{Start: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), Workers: workers,
		Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	for {
		rec, err := r.Next()
		if err != nil {
			break
		}
		if err := m.AdvanceTo(rec.At); err != nil {
			t.Fatal(err)
		}
		args := map[string]any{}
		for _, name := range []string{"delay", "distance"} {
			n, _ := rec.Args[name].Int()
			args[name] = int(n)
		}
		args["date"] = rec.At
		args["destination"], _ = rec.Args["destination"].Text()
		if err := m.Send(rec.To, rec.Msg, args, "input"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.RunUntilQuiet(time.Date(2002, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	sink.Flush()
	return buf.Bytes()
}

func TestLineageSameForAnyWorkers(t *testing.T) {
	want := runFlights(t, 1)
	if n := bytes.Count(want, []byte("\n")); n < 10000 {
		t.Fatalf("the flights run wrote only %d entries", n)
	}
	for _, workers := range []int{2, 8} {
		got := runFlights(t, workers)
		if !bytes.Equal(got, want) {
			t.Errorf("lineage with %d workers differs from 1 worker", workers)
		}
	}
}

func TestEntryJSONRoundTrip(t *testing.T) {
	e := Entry{Object: "A/b", Seq: 3, Time: epoch, Step: StepCycle, Cause: "r", Kind: KindSet,
		Field: "d", Old: time.Hour, New: 90 * time.Minute, Version: 1}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"object":"A/b","seq":3,"time":"2020-01-01T00:00:00Z","step":"cycle","cause":"r",` +
		`"kind":"set","field":"d","old":"1h","new":"1h30m","version":1}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	values := []any{nil, 0, -7, 1 << 60, 0.5, 1e-7, 1e21, 123456789.125, -0.0, "plain", "<tag> & \"q\"",
		"line\nbreak", "é漢字", "\u2028", true, false, epoch, 90 * time.Minute, []any{1, "a", 2.5},
		map[string]any{"b": 1, "a": []any{}}, math.Inf(1), math.NaN()}
	for i, v := range values {
		e := Entry{Object: "T/é<1>", Seq: uint64(i), Time: epoch.Add(time.Duration(i) * time.Millisecond),
			Step: StepCycle, Cause: "rule & co", Kind: KindSet, Field: "f", Old: v, New: v,
			Value: v, Count: i, Version: 2, Reason: "why?", Error: "bad <x>"}
		want, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.AppendJSON(nil); string(got) != string(want) {
			t.Errorf("value %#v:\ngot  %s\nwant %s", v, got, want)
		}
	}
}

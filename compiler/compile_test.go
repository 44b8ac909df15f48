package compiler

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mor-lang/mor/grammar"
)

func compileFile(t *testing.T, path string) *Program {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := CompileSources(Source{Name: path, Text: string(src)})
	if err != nil {
		t.Fatalf("CompileSources failed:\n%s", grammar.Format(err, map[string]string{path: string(src)}))
	}
	return prog
}

func mustCompile(t *testing.T, src string) *Program {
	t.Helper()
	prog, err := CompileSources(Source{Name: "t.mor", Text: src})
	if err != nil {
		t.Fatalf("CompileSources failed:\n%s", grammar.Format(err, map[string]string{"t.mor": src}))
	}
	return prog
}

// fieldSummary lists each field as "name type".
func fieldSummary(obj *Object) []string {
	var out []string
	for _, f := range obj.Fields {
		out = append(out, f.Name+" "+f.Type.String())
	}
	return out
}

func ruleNames(m *Mode) []string {
	var out []string
	for _, r := range m.Rules {
		out = append(out, r.Name)
	}
	return out
}

func TestCompileStation(t *testing.T) {
	prog := compileFile(t, "../examples/weather/station.mor")
	if diff := cmp.Diff([]string{"Station"}, prog.Order); diff != "" {
		t.Errorf("Order mismatch (-want +got):\n%s", diff)
	}
	st := prog.Objects["Station"]
	wantFields := []string{
		"readings int", "high float", "low float", "mean float", "rain_week list<float>",
		"confidence float", "alert enum(none, heat, frost)", "heat_days int", "frost_days int",
		"last_seen time?",
	}
	if diff := cmp.Diff(wantFields, fieldSummary(st)); diff != "" {
		t.Errorf("fields mismatch (-want +got):\n%s", diff)
	}

	high := st.Fields[st.FieldIndex["high"]]
	if high.Range == nil || high.Range.Lo != -40.0 || high.Range.Hi != 60.0 {
		t.Errorf("high range = %+v, want -40.0..60.0", high.Range)
	}
	if !st.Fields[st.FieldIndex["readings"]].Monotonic {
		t.Error("readings is not monotonic")
	}
	if got := st.Fields[st.FieldIndex["rain_week"]].MaxLen; got != 7 {
		t.Errorf("rain_week MaxLen = %d, want 7", got)
	}
	alert := st.Fields[st.FieldIndex["alert"]]
	wantTransitions := map[string]map[string]bool{
		"none":  {"heat": true, "frost": true},
		"heat":  {"none": true},
		"frost": {"none": true},
	}
	if diff := cmp.Diff(wantTransitions, alert.Transitions); diff != "" {
		t.Errorf("alert transitions mismatch (-want +got):\n%s", diff)
	}
	if alert.RateLimit == nil || alert.RateLimit.N != 6 || alert.RateLimit.Per != 7*24*time.Hour {
		t.Errorf("alert rate limit = %+v, want 6 per 7d", alert.RateLimit)
	}
	if alert.Default == nil || alert.Default.Source != "none" {
		t.Errorf("alert default = %+v, want none", alert.Default)
	}

	active := st.Modes[Active]
	wantRules := []string{"heat", "frost", "clear", "wet_week", "stale", "doubt"}
	if diff := cmp.Diff(wantRules, ruleNames(active)); diff != "" {
		t.Errorf("active rules in priority order mismatch (-want +got):\n%s", diff)
	}
	if active.Cycle == nil || active.Cycle.Every != 24*time.Hour || active.Cycle.CatchUp != CatchUpOnce {
		t.Errorf("active cycle = %+v, want every 1d, catch up once", active.Cycle)
	}
	if st.Modes[Inquiry].Cycle != active.Cycle {
		t.Error("inquiry does not inherit the object's cycle")
	}
	if st.Modes[Dormant].Cycle != nil {
		t.Errorf("dormant cycle = %+v, want none", st.Modes[Dormant].Cycle)
	}
	if diff := cmp.Diff([]string{"recovered", "give_up"}, ruleNames(st.Modes[Inquiry])); diff != "" {
		t.Errorf("inquiry rules mismatch (-want +got):\n%s", diff)
	}

	reading := st.LookupHandler(Active, "reading")
	if reading == nil || len(reading.Params) != 4 || len(reading.Body) != 8 {
		t.Fatalf("reading handler = %+v, want 4 parameters and 8 actions", reading)
	}
	if st.LookupHandler(Inquiry, "reading") != reading {
		t.Error("inquiry does not fall back to the object-level reading handler")
	}
	answer := st.LookupHandler(Inquiry, "answer")
	if answer == nil || answer.Mode != Inquiry {
		t.Errorf("answer handler = %+v, want one in inquiry", answer)
	}
	if st.LookupHandler(Active, "answer") != nil {
		t.Error("answer handler is visible in active mode")
	}
	wake := st.Modes[Dormant].WakeOn
	if len(wake) != 1 || wake[0].Message != "reading" || wake[0].When == nil {
		t.Errorf("dormant wake = %+v, want wake on reading with a condition", wake)
	}
	if len(st.Invariants) != 1 || st.Invariants[0].Name != "low at or below high" {
		t.Errorf("invariants = %+v, want one named \"low at or below high\"", st.Invariants)
	}
}

func TestCompileAirport(t *testing.T) {
	prog := compileFile(t, "../examples/flights/airport.mor")
	ap := prog.Objects["Airport"]
	congested := ap.Modes["congested"]
	if congested == nil || !congested.Executing {
		t.Fatalf("congested mode = %+v, want an executing mode", congested)
	}
	if congested.Cycle == nil || congested.Cycle.Every != 6*time.Hour {
		t.Errorf("congested cycle = %+v, want every 6h", congested.Cycle)
	}
	if diff := cmp.Diff([]string{"eased", "idle"}, ruleNames(congested)); diff != "" {
		t.Errorf("congested rules mismatch (-want +got):\n%s", diff)
	}
	if h := ap.LookupHandler("congested", "flight"); h == nil || h.Mode != "congested" {
		t.Errorf("flight handler in congested = %+v, want the mode's own", h)
	}
	if h := ap.LookupHandler(Active, "flight"); h == nil || h.Mode != "" {
		t.Errorf("flight handler in active = %+v, want the object-level one", h)
	}
	wake := ap.Modes[Dormant].WakeOn
	if len(wake) != 1 || wake[0].Message != "flight" || wake[0].When != nil {
		t.Errorf("dormant wake = %+v, want wake on flight without a condition", wake)
	}
	routes := ap.Fields[ap.FieldIndex["routes"]]
	if got := routes.Type.String(); got != "map<int>" {
		t.Errorf("routes type = %s, want map<int>", got)
	}
}

func TestCompileGreenhouse(t *testing.T) {
	prog := compileFile(t, "../examples/greenhouse/greenhouse.mor")
	gh := prog.Objects["Greenhouse"]
	var timers []string
	for _, tm := range gh.Timers {
		timers = append(timers, tm.Name+" "+FormatDuration(tm.Delay)+" "+tm.Mode)
	}
	want := []string{"heater_check 30m active", "close_vent 1h active"}
	if diff := cmp.Diff(want, timers); diff != "" {
		t.Errorf("timers mismatch (-want +got):\n%s", diff)
	}
	for i, tm := range gh.Timers {
		if tm.ID != i {
			t.Errorf("timer %s has ID %d, want %d", tm.Name, tm.ID, i)
		}
	}
	if diff := cmp.Diff([]string{"too_cold", "too_hot", "warm", "unsure", "rest"}, ruleNames(gh.Modes[Active])); diff != "" {
		t.Errorf("active rules mismatch (-want +got):\n%s", diff)
	}
	season := gh.Fields[gh.FieldIndex["season"]]
	if diff := cmp.Diff([]string{"growing", "resting"}, season.Type.Values); diff != "" {
		t.Errorf("season values mismatch (-want +got):\n%s", diff)
	}
	if got := gh.EnumValues["resting"]; got != "resting" {
		t.Errorf("EnumValues[resting] = %q, want resting", got)
	}
	if len(gh.Modes[Dormant].WakeOn) != 2 {
		t.Errorf("dormant has %d wake clauses, want 2", len(gh.Modes[Dormant].WakeOn))
	}
}

func TestCompileSeveralFiles(t *testing.T) {
	a := Source{Name: "a.mor", Text: "object A {\n  on go() {\n    send B(\"b\").ping(1)\n  }\n}\n"}
	b := Source{Name: "b.mor", Text: "object B {\n  memory { n: int = 0 }\n  on ping(n: int) {\n    n = n\n  }\n}\n"}
	prog, err := CompileSources(a, b)
	if err != nil {
		t.Fatalf("CompileSources failed: %v", err)
	}
	if diff := cmp.Diff([]string{"A", "B"}, prog.Order); diff != "" {
		t.Errorf("Order mismatch (-want +got):\n%s", diff)
	}
}

func TestCompileDuplicateAcrossFiles(t *testing.T) {
	a := Source{Name: "a.mor", Text: "object A {}\n"}
	b := Source{Name: "b.mor", Text: "\ntype A { x: int }\n"}
	_, err := CompileSources(a, b)
	want := `b.mor:2:1: "A" is already declared at a.mor:1:1`
	if err == nil || err.Error() != want {
		t.Errorf("CompileSources error = %v, want %s", err, want)
	}
}

func TestCompileParseErrorsFromEveryFile(t *testing.T) {
	a := Source{Name: "a.mor", Text: "objct A {}\n"}
	b := Source{Name: "b.mor", Text: "object B {\n  rul r when x {}\n}\n"}
	_, err := CompileSources(b, a)
	var list grammar.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("CompileSources error = %v, want a grammar.ErrorList of parse errors", err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Pos.String())
	}
	if diff := cmp.Diff([]string{"a.mor:1:1", "b.mor:2:3"}, got); diff != "" {
		t.Errorf("error positions mismatch (-want +got):\n%s", diff)
	}
}

// TestErrorColumns checks that errors inside expressions point at the
// exact column, across line breaks, comments and rewritten durations.
func TestErrorColumns(t *testing.T) {
	head := "object A {\n  memory {\n    d: duration = 0s\n    x: int = 0\n  }\n  on m() {\n"
	tail := "\n  }\n}\n"
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "after durations",
			body: "    d = 3d + 1h + zz",
			want: "t.mor:7:19: unknown name zz",
		},
		{
			name: "after a long duration",
			body: "    d = 1d12h30m + zz",
			want: "t.mor:7:20: unknown name zz",
		},
		{
			name: "second line",
			body: "    x = x +\n      yy",
			want: "t.mor:8:7: unknown name yy",
		},
		{
			name: "after a comment",
			body: "    d = 1d +   /* c */ qq",
			want: "t.mor:7:24: unknown name qq",
		},
		{
			name: "after non-ASCII text",
			body: "    x = len(\"héllo\") + qq",
			want: "t.mor:7:24: unknown name qq",
		},
		{
			name: "operator",
			body: "    x = \"é\" + 1",
			want: "t.mor:7:13: invalid operation: + (mismatched types string and int)",
		},
		{
			name: "duration out of range",
			body: "    d = 1d + 107000d",
			want: `t.mor:7:14: duration "107000d" is out of range (the maximum is about 292 years)`,
		},
		{
			name: "lineage argument",
			body: "    x = changes(1, 1d)",
			want: "t.mor:7:17: the first argument of changes must be a memory field of this object, " +
				"as in changes(temperature)",
		},
		{
			name: "lineage argument after a duration",
			body: "    d = 1d + age(1h)",
			want: "t.mor:7:18: the first argument of age must be a memory field of this object, " +
				"as in age(temperature)",
		},
		{
			name: "assignment type",
			body: "    x = 1 +\n      1.5",
			want: `t.mor:7:9: cannot use 1 + 1.5 (type float) as int`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := head + tt.body + tail
			errs := compileErrors(t, "t.mor", src)
			if len(errs) == 0 {
				t.Fatalf("compiled without errors, want %s", tt.want)
			}
			// The message may go on with a hint after the wanted text.
			if got := errs[0].Error(); !strings.HasPrefix(got, tt.want) {
				t.Errorf("first error = %s, want %s", got, tt.want)
			}
			if len(errs) > 1 {
				t.Errorf("got %d errors, want 1: %v", len(errs), errs)
			}
		})
	}
}

func TestCompileProgramParts(t *testing.T) {
	prog := mustCompile(t, `type Reading {
  max: float = 1.5 in 0.0..2.0
  at: time?
}

object A {
  version 3
  memory {
    last: Reading?
    hist: list<Reading> = []
    tags: map<string> = {"a": "b"}
    n: int = 2 * 3
    p: float = 0.5 where value >= 0.0
  }
  cycle every 1h30m catch up skip
  rule low priority -5 when n < 0 {
    n = 0
  }
  rule high priority 5 when n > 10 {
    n = 10
  }
  rule mid when n == 5 {
    after 1d as later { n = 1 }
  }
  on m(r: Reading) {
    last = r
    append r to hist
    tags["x"] = "y"
    cancel later
  }
  mode busy {
    rule busy_rule when n > 1 { resume }
  }
  dormant {
    wake after 2d
  }
}

test "t" {
  spawn A("a") { n: 1 }
  send A("a").m({max: 1.0})
  advance 1d
  expect A("a"): n == 1
}
`)
	obj := prog.Objects["A"]
	if obj.Version != 3 {
		t.Errorf("Version = %d, want 3", obj.Version)
	}
	if diff := cmp.Diff([]string{"high", "mid", "low"}, ruleNames(obj.Modes[Active])); diff != "" {
		t.Errorf("rule order mismatch (-want +got):\n%s", diff)
	}
	if got := obj.Modes[Active].Rules[2].Priority; got != -5 {
		t.Errorf("low priority = %d, want -5", got)
	}
	cycle := obj.Modes[Active].Cycle
	if cycle.Every != 90*time.Minute || cycle.CatchUp != CatchUpSkip {
		t.Errorf("cycle = %+v, want every 1h30m, catch up skip", cycle)
	}
	if obj.Modes["busy"].Cycle != cycle {
		t.Error("busy does not inherit the object's cycle")
	}
	if got := obj.Modes[Dormant].WakeAfter; got != 48*time.Hour {
		t.Errorf("WakeAfter = %v, want 48h", got)
	}
	rec := prog.Records["Reading"]
	if rec == nil || len(rec.Fields) != 2 || rec.Index["at"] != 1 {
		t.Fatalf("record Reading = %+v, want fields max and at", rec)
	}
	if got := rec.Fields[0].Default.Const; got != 1.5 {
		t.Errorf("Reading.max default = %v, want 1.5", got)
	}
	p := obj.Fields[obj.FieldIndex["p"]]
	if len(p.Where) != 1 {
		t.Errorf("p has %d where clauses, want 1", len(p.Where))
	}
	if len(prog.Tests) != 1 || len(prog.Tests[0].Body) != 4 {
		t.Errorf("tests = %+v, want one test with 4 actions", prog.Tests)
	}
	if got := obj.Fields[obj.FieldIndex["last"]].Type.String(); got != "Reading?" {
		t.Errorf("last type = %s, want Reading?", got)
	}
}

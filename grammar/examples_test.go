package grammar

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// outline renders an object as one line per member, field, mode item and
// action, so a test can state the whole shape of a real file compactly.
func outline(obj *ObjectDecl) []string {
	var out []string
	for _, m := range obj.Members {
		switch {
		case m.Memory != nil:
			out = append(out, "memory")
			for _, f := range m.Memory.Fields {
				out = append(out, "  "+fieldOutline(f))
			}
		case m.Invariant != nil:
			out = append(out, fmt.Sprintf("invariant %s: %s", m.Invariant.Name.Value, m.Invariant.Cond.Source))
		case m.Version != nil:
			out = append(out, "version "+m.Version.Number.Value)
		case m.Migrate != nil:
			out = append(out, "migrate "+m.Migrate.Field)
		case m.Inquiry != nil:
			out = append(out, "inquiry")
			out = append(out, itemsOutline(m.Inquiry.Items, "  ")...)
		case m.Dormant != nil:
			out = append(out, "dormant")
			out = append(out, itemsOutline(m.Dormant.Items, "  ")...)
		case m.Mode != nil:
			out = append(out, "mode "+m.Mode.Name)
			out = append(out, itemsOutline(m.Mode.Block.Items, "  ")...)
		case m.Item != nil:
			out = append(out, itemsOutline([]*ModeItem{m.Item}, "")...)
		}
	}
	return out
}

func typeString(te *TypeExpr) string {
	s := te.Name
	if te.Enum != nil {
		s = "enum(" + strings.Join(te.Enum, ", ") + ")"
	}
	if te.Elem != nil {
		s += "<" + typeString(te.Elem) + ">"
	}
	if te.Optional {
		s += "?"
	}
	return s
}

func fieldOutline(f *Field) string {
	s := f.Name + ": " + typeString(f.Type)
	if f.Default != nil {
		s += " = " + f.Default.Source
	}
	for _, c := range f.Constraints {
		switch {
		case c.Const:
			s += " | const"
		case c.RangeLo != nil:
			s += fmt.Sprintf(" | in %s..%s", c.RangeLo.Source, c.RangeHi.Source)
		case c.Where != nil:
			s += " | where " + c.Where.Source
		case c.Monotonic:
			s += " | monotonic"
		case c.AppendOnly:
			s += " | append only"
		case c.Max != nil:
			s += " | max " + c.Max.Value
		case c.Transitions != nil:
			var pairs []string
			for _, tr := range c.Transitions {
				pairs = append(pairs, tr.From+" -> "+tr.To)
			}
			s += " | transitions " + strings.Join(pairs, ", ")
		case c.RateCount != nil:
			s += fmt.Sprintf(" | at most %s changes per %s", c.RateCount.Value, c.RatePer.Value)
		case c.WrittenBy != "":
			s += " | written by " + c.WrittenBy
		}
	}
	return s
}

func itemsOutline(items []*ModeItem, indent string) []string {
	var out []string
	for _, it := range items {
		switch {
		case it.Cycle != nil:
			s := "cycle every " + it.Cycle.Every.Value
			if it.Cycle.CatchUp != "" {
				s += " catch up " + it.Cycle.CatchUp
			}
			out = append(out, indent+s)
		case it.Rule != nil:
			s := "rule " + it.Rule.Name
			if it.Rule.Priority != nil {
				sign := ""
				if it.Rule.Negative {
					sign = "-"
				}
				s += " priority " + sign + it.Rule.Priority.Value
			}
			out = append(out, indent+s+" when "+it.Rule.When.Source)
			out = append(out, blockOutline(it.Rule.Body, indent+"  ")...)
		case it.Handler != nil:
			var params []string
			for _, p := range it.Handler.Params {
				params = append(params, p.Name+": "+typeString(p.Type))
			}
			out = append(out, fmt.Sprintf("%son %s(%s)", indent, it.Handler.Message, strings.Join(params, ", ")))
			out = append(out, blockOutline(it.Handler.Body, indent+"  ")...)
		case it.Wake != nil:
			s := "wake after " + sourceOrEmpty(it.Wake.After)
			if it.Wake.After == nil {
				s = "wake on " + it.Wake.Message
				if it.Wake.When != nil {
					s += " when " + it.Wake.When.Source
				}
			}
			out = append(out, indent+s)
		}
	}
	return out
}

func sourceOrEmpty(d *DurationLit) string {
	if d == nil {
		return ""
	}
	return d.Value
}

func pathString(p *Path) string {
	s := p.Field
	for _, st := range p.Steps {
		if st.Index != nil {
			s += "[" + st.Index.Source + "]"
		} else {
			s += "." + st.Field
		}
	}
	return s
}

func initsString(inits []*FieldInit) string {
	var parts []string
	for _, fi := range inits {
		parts = append(parts, fi.Name+": "+fi.Value.Source)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func blockOutline(b *Block, indent string) []string {
	var out []string
	for _, st := range b.Stmts {
		out = append(out, stmtOutline(st, indent)...)
	}
	return out
}

func stmtOutline(st *Stmt, indent string) []string {
	var s string
	switch {
	case st.Assign != nil:
		s = fmt.Sprintf("%s %s %s", pathString(st.Assign.Target), st.Assign.Op, st.Assign.Value.Source)
	case st.If != nil:
		out := []string{indent + "if " + st.If.Cond.Source}
		out = append(out, blockOutline(st.If.Then, indent+"  ")...)
		if st.If.Else != nil {
			out = append(out, indent+"else")
			out = append(out, blockOutline(st.If.Else, indent+"  ")...)
		}
		return out
	case st.Enter != nil:
		s = "enter " + st.Enter.Mode + " " + st.Enter.Reason.Text()
	case st.Inquire != nil:
		s = "inquire " + st.Inquire.Question.Source
	case st.Resume != nil:
		s = "resume"
	case st.Sleep != nil:
		s = "sleep " + st.Sleep.Reason.Text()
	case st.Emit != nil:
		s = "emit " + st.Emit.Name + " " + initsString(st.Emit.Fields)
	case st.After != nil:
		out := []string{indent + "after " + st.After.Delay.Value + " as " + st.After.Name}
		return append(out, blockOutline(st.After.Body, indent+"  ")...)
	case st.Cancel != nil:
		s = "cancel " + st.Cancel.Name
	case st.Append != nil:
		s = "append " + st.Append.Value.Source + " to " + pathString(st.Append.Target)
	case st.Remove != nil:
		s = "remove " + st.Remove.Value.Source + " from " + pathString(st.Remove.Target)
	default:
		s = "other"
	}
	return []string{indent + strings.TrimSpace(s)}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

func parseExample(t *testing.T, path string) *ObjectDecl {
	t.Helper()
	src := readFile(t, path)
	f, err := ParseFile(path, src)
	if err != nil {
		t.Fatalf("ParseFile failed:\n%s", Format(err, map[string]string{path: src}))
	}
	if len(f.Decls) == 0 || f.Decls[0].Object == nil {
		t.Fatalf("%s: parsed %d declarations, want an object first", path, len(f.Decls))
	}
	for _, d := range f.Decls[1:] {
		if d.Test == nil {
			t.Fatalf("%s: a declaration after the object is not a test block", path)
		}
	}
	return f.Decls[0].Object
}

func TestExampleStation(t *testing.T) {
	obj := parseExample(t, "../examples/weather/station.mor")
	want := []string{
		"memory",
		"  readings: int = 0 | monotonic",
		"  high: float = 0.0 | in -40.0..60.0",
		"  low: float = 0.0 | in -40.0..60.0",
		"  mean: float = 0.0",
		"  rain_week: list<float> = [] | max 7",
		"  confidence: float = 1.0 | in 0.0..1.0",
		"  alert: enum(none, heat, frost) = none" +
			" | transitions none -> heat, none -> frost, heat -> none, frost -> none" +
			" | at most 6 changes per 7d",
		"  heat_days: int = 0 | monotonic",
		"  frost_days: int = 0 | monotonic",
		"  last_seen: time?",
		`invariant "low at or below high": low <= high`,
		"cycle every 1d",
		"rule heat priority 10 when high >= 32.0 && alert == none",
		"  alert = heat",
		"  heat_days += 1",
		"  emit heat_alert {high: high, day: day(last_seen)}",
		"rule frost priority 10 when low <= -5.0 && alert == none",
		"  alert = frost",
		"  frost_days += 1",
		"  emit frost_alert {low: low, day: day(last_seen)}",
		"rule clear when alert != none && high < 28.0 && low > -2.0",
		"  emit all_clear {was: alert, day: day(last_seen)}",
		"  alert = none",
		"rule wet_week when len(rain_week) == 7 && sum(rain_week) > 80.0",
		"  emit wet_week {rain_mm: round(sum(rain_week) * 10) / 10, day: day(last_seen)}",
		"  rain_week = []",
		"rule stale when last_seen != nil && since(last_seen) > 3d",
		"  confidence = confidence * 0.5",
		"rule doubt priority -10 when confidence < 0.3",
		`  inquire "no readings since " + day(last_seen) + ": is the station still reporting?"`,
		"on reading(date: time, temp_max: float, temp_min: float, precipitation: float)",
		"  readings += 1",
		"  high = temp_max",
		"  low = temp_min",
		"  mean = ewma(mean, (temp_max + temp_min) / 2, 0.1)",
		"  if len(rain_week) >= 7",
		"    remove rain_week[0] from rain_week",
		"  append precipitation to rain_week",
		"  last_seen = date",
		"  confidence = min(1.0, confidence + 0.25)",
		"inquiry",
		"  rule recovered when confidence >= 0.6",
		"    resume",
		"  rule give_up when since(last_seen) > 14d",
		"    sleep season over: no readings for two weeks",
		"  on answer(alive: bool)",
		"    if alive",
		"      confidence = 0.6",
		"    else",
		"      sleep station retired",
		"dormant",
		"  wake on reading when temp_max > 0.0",
	}
	if diff := cmp.Diff(want, outline(obj)); diff != "" {
		t.Errorf("station.mor outline mismatch (-want +got):\n%s", diff)
	}
}

func TestExampleAirport(t *testing.T) {
	obj := parseExample(t, "../examples/flights/airport.mor")
	want := []string{
		"memory",
		"  departures: int = 0 | monotonic",
		"  late: int = 0 | monotonic",
		"  mean_delay: float = 0.0",
		"  worst_delay: int = 0 | monotonic",
		"  recent: list<int> = [] | max 5",
		"  routes: map<int> = {}",
		"  last_flight: time?",
		`invariant "late departures are departures": late <= departures`,
		"cycle every 1d",
		"rule congested when len(recent) == 5 && len(filter(recent, # > 30)) >= 3",
		"  enter congested 3 of the last 5 departures left over 30 minutes late",
		"rule idle when last_flight != nil && since(last_flight) > 14d",
		"  sleep no departures for two weeks",
		"on flight(date: time, delay: int, distance: int, destination: string)",
		"  departures += 1",
		"  if delay > 15",
		"    late += 1",
		"  mean_delay = ewma(mean_delay, delay, 0.2)",
		"  worst_delay = max(worst_delay, delay)",
		"  if len(recent) >= 5",
		"    remove recent[0] from recent",
		"  append delay to recent",
		"  routes[destination] = (routes[destination] ?? 0) + 1",
		"  last_flight = date",
		"mode congested",
		"  cycle every 6h",
		"  rule eased when len(filter(recent, # > 30)) <= 1",
		"    emit congestion_over {mean_delay: round(mean_delay), departures: departures}",
		"    resume",
		"  rule idle when since(last_flight) > 14d",
		"    sleep no departures for two weeks",
		"  on flight(date: time, delay: int, distance: int, destination: string)",
		"    departures += 1",
		"    if delay > 15",
		"      late += 1",
		"    if delay > 120",
		"      emit long_delay {delay: delay, destination: destination}",
		"    mean_delay = ewma(mean_delay, delay, 0.2)",
		"    worst_delay = max(worst_delay, delay)",
		"    remove recent[0] from recent",
		"    append delay to recent",
		"    routes[destination] = (routes[destination] ?? 0) + 1",
		"    last_flight = date",
		"dormant",
		"  wake on flight",
	}
	if diff := cmp.Diff(want, outline(obj)); diff != "" {
		t.Errorf("airport.mor outline mismatch (-want +got):\n%s", diff)
	}
}

func TestExampleGreenhouse(t *testing.T) {
	obj := parseExample(t, "../examples/greenhouse/greenhouse.mor")
	want := []string{
		"memory",
		"  temp: float = 20.0 | in -30.0..70.0",
		"  target: float = 22.0 | in 10.0..35.0",
		"  heater: bool = false",
		"  vent_open: bool = false",
		"  confidence: float = 1.0 | in 0.0..1.0",
		"  readings: int = 0 | monotonic",
		"  season: enum(growing, resting) = growing",
		"  heater_checks: int = 0 | monotonic",
		"cycle every 10m",
		"rule too_cold priority 10 when temp < target - 2.0 && !heater",
		"  heater = true",
		"  emit heater_on {temp: temp}",
		"  after 30m as heater_check",
		"    heater_checks += 1",
		"    if heater && temp < target - 2.0",
		"      emit heater_failing {temp: temp}",
		"rule warm when heater && temp >= target",
		"  heater = false",
		"  cancel heater_check",
		"  emit heater_off {temp: temp}",
		"rule too_hot priority 5 when temp > target + 6.0 && !vent_open",
		"  vent_open = true",
		"  emit vent_opened {temp: temp}",
		"  after 1h as close_vent",
		"    vent_open = false",
		"rule unsure when confidence < 0.5",
		`  inquire "the two thermometers disagree: is the main one faulty?"`,
		"rule rest when season == resting",
		"  sleep season over",
		"on reading(main: float, second: float)",
		"  readings += 1",
		"  temp = main",
		"  confidence = clamp(1.0 - abs(main - second) / 6.0, 0.0, 1.0)",
		"on set_target(degrees: float)",
		"  target = degrees",
		"on end_season()",
		"  season = resting",
		"on start_season()",
		"  season = growing",
		"inquiry",
		"  on answer(faulty: bool)",
		"    confidence = 1.0",
		"    if faulty",
		"      temp = 20.0",
		"    resume",
		"dormant",
		"  wake on reading when main < 5.0",
		"  wake on start_season",
	}
	if diff := cmp.Diff(want, outline(obj)); diff != "" {
		t.Errorf("greenhouse.mor outline mismatch (-want +got):\n%s", diff)
	}
}

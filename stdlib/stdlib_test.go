package stdlib

import (
	"testing"
	"time"

	"github.com/expr-lang/expr"
)

func run(t *testing.T, src string, env map[string]any) any {
	t.Helper()
	opts := append([]expr.Option{expr.Env(env)}, Options()...)
	program, err := expr.Compile(src, opts...)
	if err != nil {
		t.Fatalf("compile %q: %v", src, err)
	}
	out, err := expr.Run(program, env)
	if err != nil {
		t.Fatalf("run %q: %v", src, err)
	}
	return out
}

func TestPureFunctions(t *testing.T) {
	day := time.Date(2015, 12, 31, 18, 0, 0, 0, time.UTC)
	env := map[string]any{"t": day, "d": 36 * time.Hour}
	tests := []struct {
		src  string
		want any
	}{
		{"clamp(5, 0, 3)", 3.0},
		{"clamp(-1.5, 0, 3)", 0.0},
		{"clamp(2, 0, 3)", 2.0},
		{"ewma(10, 20, 0.1)", 11.0},
		{"ewma(10, 20, 0)", 10.0},
		{"hours(d)", 36.0},
		{"days(d)", 1.5},
		{"day(t)", "2015-12-31"},
		{"month(t)", 12},
		{"year(t)", 2015},
	}
	for _, tt := range tests {
		if got := run(t, tt.src, env); got != tt.want {
			t.Errorf("%s = %v (%T), want %v (%T)", tt.src, got, got, tt.want, tt.want)
		}
	}
}

func TestPureFunctionErrors(t *testing.T) {
	for _, src := range []string{"clamp(1, 3, 0)", "ewma(1, 2, 1.5)"} {
		opts := append([]expr.Option{expr.Env(map[string]any{})}, Options()...)
		program, err := expr.Compile(src, opts...)
		if err != nil {
			t.Fatalf("compile %q: %v", src, err)
		}
		if _, err := expr.Run(program, map[string]any{}); err == nil {
			t.Errorf("%s ran without error", src)
		}
	}
}

// fakeLineage is a recent window with one field changed twice.
type fakeLineage struct{ born, first, second time.Time }

func (f fakeLineage) Previous(field string) (any, bool) { return 2, field == "n" }
func (f fakeLineage) Changes(field string, since time.Time) int {
	n := 0
	for _, at := range []time.Time{f.first, f.second} {
		if field == "n" && !at.Before(since) {
			n++
		}
	}
	return n
}
func (f fakeLineage) LastChange(field string) (time.Time, bool) { return f.second, field == "n" }
func (f fakeLineage) History(field string, n int) []any         { return []any{2, 1}[:min(n, 2)] }
func (f fakeLineage) Rejections(since time.Time) int            { return 1 }
func (f fakeLineage) Born() time.Time                           { return f.born }

func TestContextQueries(t *testing.T) {
	born := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	now := born.Add(10 * time.Hour)
	c := &Context{Now: now, Lineage: fakeLineage{born: born, first: born.Add(time.Hour),
		second: born.Add(8 * time.Hour)}, Current: func(string) any { return 3 }}
	if got := c.Previous("n"); got != 2 {
		t.Errorf("Previous = %v, want 2", got)
	}
	if got := c.Previous("other"); got != nil {
		t.Errorf("Previous of an unchanged field = %v, want nil", got)
	}
	if got := c.Changes("n", 5*time.Hour); got != 1 {
		t.Errorf("Changes over 5h = %d, want 1", got)
	}
	if got := c.Age("n"); got != 2*time.Hour {
		t.Errorf("Age = %v, want 2h", got)
	}
	if got := c.Age("other"); got != 10*time.Hour {
		t.Errorf("Age of an unchanged field = %v, want the object's age 10h", got)
	}
	if got := c.History("n", 3); len(got) != 3 || got[0] != 3 || got[1] != 2 || got[2] != 1 {
		t.Errorf("History = %v, want [3 2 1]", got)
	}
	if got := c.Rejections(time.Hour); got != 1 {
		t.Errorf("Rejections = %d, want 1", got)
	}
}

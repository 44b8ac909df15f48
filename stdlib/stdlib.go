package stdlib

import (
	"fmt"
	"math"
	"time"

	"github.com/expr-lang/expr"
)

// Doc describes one function available to .mor expressions.
type Doc struct {
	Signature string
	Summary   string
}

// Docs lists the functions this package adds, in the order the
// specification presents them. expr-lang's builtins (abs, min, max,
// round, floor, ceil, len, sum, mean and the rest) are also available.
var Docs = []Doc{
	{"min(a, b, ...)", "smallest argument (expr-lang builtin)"},
	{"max(a, b, ...)", "largest argument (expr-lang builtin)"},
	{"abs(x)", "absolute value (expr-lang builtin)"},
	{"round(x)", "x rounded half away from zero, as a float (expr-lang builtin)"},
	{"clamp(x, lo, hi)", "x limited to the range lo..hi; the result is a float"},
	{"ewma(avg, x, alpha)", "exponentially weighted moving average: avg + alpha*(x - avg); " +
		"alpha must be in 0..1"},
	{"since(t)", "duration from time t to now, as read from the VM clock"},
	{"hours(d)", "duration d in hours, as a float"},
	{"days(d)", "duration d in days, as a float"},
	{"day(t)", "date of time t as text, such as \"2015-12-31\""},
	{"month(t)", "month of time t, 1 to 12"},
	{"year(t)", "year of time t"},
	{"previous(f)", "value field f had before its latest change, or nil if it never changed " +
		"within the recent lineage window"},
	{"changes(f, d)", "number of committed changes to field f in the last duration d"},
	{"age(f)", "duration since field f last changed; the object's age if it never changed"},
	{"history(f, n)", "list of the last n values of field f, newest first, current value included"},
	{"rejections(d)", "number of rejected steps of this object in the last duration d"},
}

// Options returns the expr-lang options that declare the pure functions.
func Options() []expr.Option {
	return []expr.Option{
		expr.Function("clamp", clamp, new(func(float64, float64, float64) float64)),
		expr.Function("ewma", ewma, new(func(float64, float64, float64) float64)),
		expr.Function("hours", durationIn(time.Hour), new(func(time.Duration) float64)),
		expr.Function("days", durationIn(24*time.Hour), new(func(time.Duration) float64)),
		expr.Function("day", day, new(func(time.Time) string)),
		expr.Function("month", month, new(func(time.Time) int)),
		expr.Function("year", year, new(func(time.Time) int)),
	}
}

func toFloat(v any) (float64, error) {
	switch n := v.(type) {
	case float64:
		return n, nil
	case int:
		return float64(n), nil
	case int64:
		return float64(n), nil
	}
	return 0, fmt.Errorf("expected a number, got %T", v)
}

func floats(params []any) ([]float64, error) {
	out := make([]float64, len(params))
	for i, p := range params {
		f, err := toFloat(p)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

func clamp(params ...any) (any, error) {
	f, err := floats(params)
	if err != nil {
		return nil, fmt.Errorf("clamp: %w", err)
	}
	if f[1] > f[2] {
		return nil, fmt.Errorf("clamp: lower bound %v exceeds upper bound %v", f[1], f[2])
	}
	return math.Min(math.Max(f[0], f[1]), f[2]), nil
}

func ewma(params ...any) (any, error) {
	f, err := floats(params)
	if err != nil {
		return nil, fmt.Errorf("ewma: %w", err)
	}
	if f[2] < 0 || f[2] > 1 {
		return nil, fmt.Errorf("ewma: alpha %v is outside 0..1", f[2])
	}
	return f[0] + f[2]*(f[1]-f[0]), nil
}

func durationIn(unit time.Duration) func(params ...any) (any, error) {
	return func(params ...any) (any, error) {
		d, ok := params[0].(time.Duration)
		if !ok {
			return nil, fmt.Errorf("expected a duration, got %T", params[0])
		}
		return float64(d) / float64(unit), nil
	}
}

func day(params ...any) (any, error) {
	t, ok := params[0].(time.Time)
	if !ok {
		return nil, fmt.Errorf("day: expected a time, got %T", params[0])
	}
	return t.UTC().Format("2006-01-02"), nil
}

func month(params ...any) (any, error) {
	t, ok := params[0].(time.Time)
	if !ok {
		return nil, fmt.Errorf("month: expected a time, got %T", params[0])
	}
	return int(t.Month()), nil
}

func year(params ...any) (any, error) {
	t, ok := params[0].(time.Time)
	if !ok {
		return nil, fmt.Errorf("year: expected a time, got %T", params[0])
	}
	return t.Year(), nil
}

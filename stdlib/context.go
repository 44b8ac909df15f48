package stdlib

import "time"

// ContextName is the environment name under which the VM binds the
// Context of the step being run. The compiler rewrites lineage queries
// into method calls on it; .mor code cannot name it directly.
const ContextName = "__mor"

// LineageFuncs are the lineage queries and the Context method each one
// becomes. Their first argument is a field name written bare in .mor
// code (previous(temp_max)), which the compiler passes as a string.
var LineageFuncs = map[string]string{
	"previous": "Previous",
	"changes":  "Changes",
	"age":      "Age",
	"history":  "History",
}

// Lineage is the recent lineage of one object, as the VM keeps it.
type Lineage interface {
	// Previous returns the value field had before its latest change.
	Previous(field string) (any, bool)
	// Changes counts committed changes to field since the given time.
	Changes(field string, since time.Time) int
	// LastChange returns when field last changed.
	LastChange(field string) (time.Time, bool)
	// History returns up to n earlier values of field, newest first.
	History(field string, n int) []any
	// Rejections counts rejected steps since the given time.
	Rejections(since time.Time) int
	// Born returns when the object was spawned.
	Born() time.Time
}

// Context is the state lineage queries read during one step. The VM keeps one
// per worker and points it at the object being stepped.
type Context struct {
	Now     time.Time
	Lineage Lineage
	// Current returns a field's value in the step's working memory.
	Current func(field string) any
}

// Previous implements previous(f).
func (c *Context) Previous(field string) any {
	if c.Lineage == nil {
		return nil
	}
	v, ok := c.Lineage.Previous(field)
	if !ok {
		return nil
	}
	return v
}

// Changes implements changes(f, d).
func (c *Context) Changes(field string, window time.Duration) int {
	if c.Lineage == nil {
		return 0
	}
	return c.Lineage.Changes(field, c.Now.Add(-window))
}

// Age implements age(f).
func (c *Context) Age(field string) time.Duration {
	if c.Lineage == nil {
		return 0
	}
	if t, ok := c.Lineage.LastChange(field); ok {
		return c.Now.Sub(t)
	}
	return c.Now.Sub(c.Lineage.Born())
}

// History implements history(f, n): the current value first, then up to
// n-1 earlier values.
func (c *Context) History(field string, n int) []any {
	if n <= 0 {
		return []any{}
	}
	out := []any{}
	if c.Current != nil {
		out = append(out, c.Current(field))
	}
	if c.Lineage != nil && n > 1 {
		out = append(out, c.Lineage.History(field, n-1)...)
	}
	return out
}

// Rejections implements rejections(d).
func (c *Context) Rejections(window time.Duration) int {
	if c.Lineage == nil {
		return 0
	}
	return c.Lineage.Rejections(c.Now.Add(-window))
}

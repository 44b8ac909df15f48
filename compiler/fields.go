package compiler

import (
	"fmt"
	"unicode/utf8"

	"github.com/mor-lang/mor/grammar"
)

// compileField resolves a field's type and its constraints that need no
// expressions. Defaults and where clauses compile later, once every
// field and enum value of the object is known. Record fields (obj nil)
// compile them at once.
func (c *compiler) compileField(fd *grammar.Field, obj *Object, slot int) *Field {
	t := c.resolveType(fd.Type)
	if t == nil {
		return nil
	}
	f := &Field{Name: fd.Name, Type: t, Slot: slot, Pos: fd.Pos, decl: fd}
	for _, con := range fd.Constraints {
		c.compileConstraint(f, con)
	}
	if obj == nil {
		extra := map[string]any{"value": t.sample()}
		for name, v := range enumValuesOf(t, map[*RecordType]bool{}) {
			extra[name] = v
		}
		c.compileFieldExprs(f, &scope{extra: extra})
	}
	return f
}

func (c *compiler) compileConstraint(f *Field, con *grammar.Constraint) {
	switch {
	case con.Const:
		f.Const = true
	case con.RangeLo != nil:
		c.compileRange(f, con)
	case con.Monotonic:
		if !isOrdered(f.Type) {
			c.errorf(con.Pos, "monotonic needs an int, float, time or duration field; %s is %s",
				f.Name, f.Type)
		}
		f.Monotonic = true
	case con.AppendOnly:
		if f.Type.Kind != List && f.Type.Kind != Map {
			c.errorf(con.Pos, "append only needs a list or map field; %s is %s", f.Name, f.Type)
		}
		f.AppendOnly = true
	case con.Max != nil:
		if f.Type.Kind != List && f.Type.Kind != Map && f.Type.Kind != String {
			c.errorf(con.Pos, "max N needs a list, map or string field; %s is %s", f.Name, f.Type)
		}
		f.MaxLen = c.intLit(con.Max)
		if f.MaxLen <= 0 {
			c.errorf(con.Max.Pos, "max must be at least 1, got %d", f.MaxLen)
		}
	case con.Transitions != nil:
		c.compileTransitions(f, con)
	case con.RateCount != nil:
		c.compileRateLimit(f, con)
	case con.WrittenBy != "":
		f.WrittenBy = con.WrittenBy
	}
}

func isOrdered(t *Type) bool {
	switch t.Kind {
	case Int, Float, Time, Duration:
		return true
	}
	return false
}

func (c *compiler) compileRange(f *Field, con *grammar.Constraint) {
	if f.Type.Kind != Int && f.Type.Kind != Float && f.Type.Kind != Duration {
		c.errorf(con.Pos, "in lo..hi needs an int, float or duration field; %s is %s", f.Name, f.Type)
		return
	}
	base := *f.Type
	base.Optional = false
	lo := c.compileExpr(&con.RangeLo.Expr, &scope{}, &base, false)
	hi := c.compileExpr(&con.RangeHi.Expr, &scope{}, &base, false)
	if lo == nil || hi == nil {
		return
	}
	for _, b := range []*Expr{lo, hi} {
		if !b.HasConst {
			c.errorf(b.Pos, "range bound %s must be a constant", quoteSource(b.Source))
			return
		}
	}
	loV, _ := Convert(lo.Const, &base)
	hiV, _ := Convert(hi.Const, &base)
	if Compare(loV, hiV) > 0 {
		c.errorf(con.RangeLo.Pos, "empty range %s..%s: the minimum exceeds the maximum",
			lo.Source, hi.Source)
		return
	}
	f.Range = &Range{Lo: loV, Hi: hiV, Pos: con.Pos}
}

func (c *compiler) compileTransitions(f *Field, con *grammar.Constraint) {
	if f.Type.Kind != Enum {
		c.errorf(con.Pos, "transitions needs an enum field; %s is %s", f.Name, f.Type)
		return
	}
	if f.Transitions == nil {
		f.Transitions = map[string]map[string]bool{}
	}
	for _, tr := range con.Transitions {
		ok := true
		for _, v := range []string{tr.From, tr.To} {
			if !f.Type.HasValue(v) {
				c.errorf(tr.Pos, "transition names unknown value %q of %s%s", v, f.Name,
					suggest(v, f.Type.Values))
				ok = false
			}
		}
		if !ok {
			continue
		}
		if f.Transitions[tr.From] == nil {
			f.Transitions[tr.From] = map[string]bool{}
		}
		f.Transitions[tr.From][tr.To] = true
	}
}

func (c *compiler) compileRateLimit(f *Field, con *grammar.Constraint) {
	n := c.intLit(con.RateCount)
	per, err := ParseDuration(con.RatePer.Value)
	if err != nil {
		c.errorf(con.RatePer.Pos, "%v", err)
		return
	}
	if n < 1 || per <= 0 {
		c.errorf(con.Pos, "at most N changes per D needs N >= 1 and a positive D")
		return
	}
	f.RateLimit = &RateLimit{N: n, Per: per, Pos: con.Pos}
}

// compileDefaults compiles each field's default and where clauses, then
// checks that the default satisfies the field's own constraints.
func (c *compiler) compileDefaults(obj *Object) {
	for _, f := range obj.Fields {
		sc := &scope{object: obj, extra: map[string]any{"value": f.Type.sample()}}
		c.compileFieldExprs(f, sc)
	}
}

func (c *compiler) compileFieldExprs(f *Field, sc *scope) {
	fd := f.decl
	before := len(c.errs)
	if fd.Default != nil {
		dsc := &scope{object: sc.object, noFields: true, extra: map[string]any{}}
		for name, v := range sc.extra {
			if name != "value" {
				dsc.extra[name] = v
			}
		}
		// The field's own enum values, even where another field's name
		// hides them.
		for name, v := range enumValuesOf(f.Type, map[*RecordType]bool{}) {
			dsc.extra[name] = v
		}
		f.Default = c.compileExpr(&fd.Default.Expr, dsc, f.Type, false)
	}
	for _, con := range fd.Constraints {
		if con.Where != nil {
			if w := c.compileExpr(&con.Where.Expr, sc, nil, true); w != nil {
				f.Where = append(f.Where, w)
			}
		}
	}
	if f.Default != nil && f.Default.HasConst && len(c.errs) == before {
		v, err := Convert(f.Default.Const, f.Type)
		if err != nil {
			c.errorf(f.Default.Pos, "default for %s: %v", f.Name, err)
			return
		}
		if msg := CheckValue(f, v); msg != "" {
			c.errorf(f.Default.Pos, "default %s breaks its own constraint: %s",
				quoteSource(f.Default.Source), msg)
		}
	}
}

// CheckValue returns why v breaks one of f's value constraints (range,
// max size, enum membership), or "". Constraints that compare with the
// old value or with lineage are checked by the VM.
func CheckValue(f *Field, v any) string {
	if v == nil {
		if f.Type.Optional {
			return ""
		}
		return fmt.Sprintf("%s cannot be nil because its type %s is not optional", f.Name, f.Type)
	}
	if f.Range != nil && (Compare(v, f.Range.Lo) < 0 || Compare(v, f.Range.Hi) > 0) {
		return fmt.Sprintf("%s = %s is outside %s..%s", f.Name, Format(v), Format(f.Range.Lo),
			Format(f.Range.Hi))
	}
	if f.MaxLen > 0 && size(v) > f.MaxLen {
		unit := "elements"
		if f.Type.Kind == String {
			unit = "characters"
		}
		return fmt.Sprintf("%s has %d %s, more than max %d", f.Name, size(v), unit, f.MaxLen)
	}
	if f.Type.Kind == Enum && !f.Type.HasValue(v.(string)) {
		return fmt.Sprintf("%q is not a value of %s %s", v, f.Name, f.Type)
	}
	return ""
}

// size counts list or map elements, or string characters.
func size(v any) int {
	switch x := v.(type) {
	case []any:
		return len(x)
	case map[string]any:
		return len(x)
	case string:
		return utf8.RuneCountInString(x)
	}
	return 0
}

// enumValuesOf collects the enum value names reachable from a type: its
// own values, and those of record fields, list and map elements.
func enumValuesOf(t *Type, seen map[*RecordType]bool) map[string]any {
	out := map[string]any{}
	switch t.Kind {
	case Enum:
		for _, v := range t.Values {
			out[v] = v
		}
	case List, Map:
		return enumValuesOf(t.Elem, seen)
	case Record:
		if seen[t.Record] {
			return out
		}
		seen[t.Record] = true
		for _, f := range t.Record.Fields {
			for name, v := range enumValuesOf(f.Type, seen) {
				out[name] = v
			}
		}
	}
	return out
}

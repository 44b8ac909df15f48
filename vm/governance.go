package vm

import (
	"fmt"

	"github.com/mor-lang/mor/compiler"
)

// checkGovernance checks every changed field against its constraints and
// then the object's invariants. A write of the value a field already
// has is not a change and is not checked against rate limits.
func (s *step) checkGovernance() error {
	old := s.inst.rec.Fields
	for i, f := range s.inst.typ.Fields {
		if !s.changed[i] || compiler.Equal(old[i], s.fields[i]) {
			s.changed[i] = false
			continue
		}
		if err := s.checkWrite(f, old[i], s.fields[i]); err != nil {
			return err
		}
	}
	return s.checkInvariants()
}

// checkSpawn checks a new object's whole memory.
func (s *step) checkSpawn() error {
	for i, f := range s.inst.typ.Fields {
		if err := s.checkValue(f, s.fields[i]); err != nil {
			return err
		}
	}
	return s.checkInvariants()
}

func (s *step) reject(f *compiler.Field, constraint string, val any, format string, args ...any) error {
	return &stepError{constraint: constraint, field: f.Name, value: val, hasValue: true,
		pos: f.Pos.String(), msg: fmt.Sprintf(format, args...)}
}

func (s *step) checkWrite(f *compiler.Field, old, val any) error {
	if err := s.checkChange(f, old, val); err != nil {
		return err
	}
	if err := s.checkValue(f, val); err != nil {
		return err
	}
	if rl := f.RateLimit; rl != nil {
		n := s.w.lineage.Changes(f.Name, s.now.Add(-rl.Per))
		if n+1 > rl.N {
			return s.reject(f, fmt.Sprintf("at most %d changes per %s", rl.N,
				compiler.FormatDuration(rl.Per)), val, "%s already changed %d times in the last %s",
				f.Name, n, compiler.FormatDuration(rl.Per))
		}
	}
	return nil
}

// checkChange checks the constraints that compare a field's new value
// with its old one, and applies them to the fields of records inside it.
func (s *step) checkChange(f *compiler.Field, old, val any) error {
	if f.Const {
		return s.reject(f, "const", val, "%s is const: it is set at spawn only", f.Name)
	}
	if f.WrittenBy != "" && s.writer != "" && f.WrittenBy != s.writer {
		if s.writer == "api" {
			return s.reject(f, "written by "+f.WrittenBy, val, "%s is written by %s only, not "+
				"through the API", f.Name, f.WrittenBy)
		}
		return s.reject(f, "written by "+f.WrittenBy, val, "%s is written by %s only, not by %s",
			f.Name, f.WrittenBy, s.writer)
	}
	if f.Monotonic && old != nil && compiler.Compare(val, old) < 0 {
		return s.reject(f, "monotonic", val, "%s is monotonic: %s would decrease it from %s",
			f.Name, compiler.Format(val), compiler.Format(old))
	}
	if f.AppendOnly && !extends(old, val) {
		return s.reject(f, "append only", val, "%s is append only: existing elements cannot "+
			"change or be removed", f.Name)
	}
	if f.Transitions != nil && old != nil && val != nil && !f.Transitions[old.(string)][val.(string)] {
		return s.reject(f, "transitions", val, "%s cannot go from %s to %s: that transition is "+
			"not declared", f.Name, old, val)
	}
	return s.checkRecordChange(f, old, val)
}

// checkRecordChange applies the change constraints of a record's fields
// (const, monotonic, append only, transitions, written by) to a write
// of the record, so that r.x = v is governed like a field write.
// NOTE: records inside lists and maps get only their value constraints
// (range, max, where, enum) checked, and "at most N changes per D" on a
// record field is not enforced.
func (s *step) checkRecordChange(f *compiler.Field, old, val any) error {
	if f.Type.Kind != compiler.Record {
		return nil
	}
	oldRec, _ := old.(map[string]any)
	newRec, _ := val.(map[string]any)
	if oldRec == nil || newRec == nil {
		return nil
	}
	for _, rf := range f.Type.Record.Fields {
		o, n := oldRec[rf.Name], newRec[rf.Name]
		if compiler.Equal(o, n) {
			continue
		}
		if err := s.checkChange(rf, o, n); err != nil {
			return wrapField(err, f.Name)
		}
	}
	return nil
}

// checkValue checks the constraints that depend on the value alone:
// type, range, size, enum membership, where clauses, and the same for
// every record nested inside it.
func (s *step) checkValue(f *compiler.Field, val any) error {
	if msg := compiler.CheckValue(f, val); msg != "" {
		return s.reject(f, constraintName(f, val), val, "%s", msg)
	}
	for _, w := range f.Where {
		s.w.env["value"] = val
		ok, err := s.w.condition(w)
		if err != nil {
			return err
		}
		if !ok {
			return s.reject(f, "where "+w.Source, val, "%s = %s breaks where %s", f.Name,
				compiler.Format(val), w.Source)
		}
	}
	return s.checkNested(f, f.Type, val)
}

// checkNested applies record-field constraints inside records, lists
// and maps, so that a write through a path is checked like a direct one.
func (s *step) checkNested(f *compiler.Field, t *compiler.Type, val any) error {
	if val == nil {
		return nil // an unset optional value
	}
	switch t.Kind {
	case compiler.Record:
		rec, _ := val.(map[string]any)
		for _, rf := range t.Record.Fields {
			if err := s.checkValue(rf, rec[rf.Name]); err != nil {
				return wrapField(err, f.Name)
			}
		}
	case compiler.List:
		items, _ := val.([]any)
		for _, item := range items {
			if err := s.checkNested(f, t.Elem, item); err != nil {
				return err
			}
		}
	case compiler.Map:
		items, _ := val.(map[string]any)
		for _, item := range items {
			if err := s.checkNested(f, t.Elem, item); err != nil {
				return err
			}
		}
	}
	return nil
}

func wrapField(err error, outer string) error {
	if se, ok := err.(*stepError); ok && se.field != outer {
		se.field = outer + "." + se.field
	}
	return err
}

func constraintName(f *compiler.Field, val any) string {
	switch {
	case val == nil:
		return "type"
	case f.Range != nil && (compiler.Compare(val, f.Range.Lo) < 0 || compiler.Compare(val, f.Range.Hi) > 0):
		return fmt.Sprintf("in %s..%s", compiler.Format(f.Range.Lo), compiler.Format(f.Range.Hi))
	case f.MaxLen > 0:
		return fmt.Sprintf("max %d", f.MaxLen)
	}
	return "enum"
}

// extends reports whether val keeps every element of old: a list with
// old as its prefix, or a map containing old's entries unchanged.
func extends(old, val any) bool {
	switch o := old.(type) {
	case []any:
		v, _ := val.([]any)
		if len(v) < len(o) {
			return false
		}
		for i := range o {
			if !compiler.Equal(o[i], v[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		v, _ := val.(map[string]any)
		for k, item := range o {
			if w, ok := v[k]; !ok || !compiler.Equal(item, w) {
				return false
			}
		}
		return true
	}
	return true
}

func (s *step) checkInvariants() error {
	for _, inv := range s.inst.typ.Invariants {
		ok, err := s.w.condition(inv.Cond)
		if err != nil {
			return err
		}
		if !ok {
			return &stepError{constraint: "invariant " + fmt.Sprintf("%q", inv.Name),
				pos: inv.Cond.Pos.String(), msg: fmt.Sprintf("invariant %q does not hold: %s",
					inv.Name, inv.Cond.Source)}
		}
	}
	return nil
}

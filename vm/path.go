package vm

import (
	"fmt"

	"github.com/mor-lang/mor/compiler"
)

// readPath returns the value at a path in working memory.
func (s *step) readPath(p *compiler.Path) (any, error) {
	v := s.fields[p.Field.Slot]
	for _, st := range p.Steps {
		next, err := s.child(v, st, p)
		if err != nil {
			return nil, err
		}
		v = next
	}
	return v, nil
}

// child reads one step of a path from container v.
func (s *step) child(v any, st compiler.PathStep, p *compiler.Path) (any, error) {
	switch c := v.(type) {
	case map[string]any:
		key := st.Name
		if st.Index != nil {
			k, err := s.index(st, p)
			if err != nil {
				return nil, err
			}
			key = k.(string)
		}
		item, ok := c[key]
		if !ok && st.Index != nil {
			return nil, &stepError{constraint: "index", field: p.Field.Name, pos: p.Pos.String(),
				msg: fmt.Sprintf("%s has no key %q", p.Field.Name, key)}
		}
		return item, nil
	case []any:
		k, err := s.index(st, p)
		if err != nil {
			return nil, err
		}
		i := k.(int)
		if i < 0 || i >= len(c) {
			return nil, &stepError{constraint: "index", field: p.Field.Name, pos: p.Pos.String(),
				msg: fmt.Sprintf("index %d is out of range for %s with %d elements", i, p.Field.Name, len(c))}
		}
		return c[i], nil
	case nil:
		return nil, &stepError{constraint: "index", field: p.Field.Name, pos: p.Pos.String(),
			msg: fmt.Sprintf("%s is nil", p.Field.Name)}
	}
	return nil, &stepError{constraint: "index", field: p.Field.Name, pos: p.Pos.String(),
		msg: fmt.Sprintf("cannot step into %s", compiler.Format(v))}
}

func (s *step) index(st compiler.PathStep, p *compiler.Path) (any, error) {
	k, err := s.w.evaluate(st.Index)
	if err != nil {
		return nil, err
	}
	want := &compiler.Type{Kind: compiler.String}
	if st.Type.Kind == compiler.List {
		want = &compiler.Type{Kind: compiler.Int}
	}
	k, err = compiler.Convert(k, want)
	if err != nil {
		return nil, &stepError{constraint: "index", field: p.Field.Name, pos: st.Index.Pos.String(),
			msg: fmt.Sprintf("index of %s: %v", p.Field.Name, err)}
	}
	return k, nil
}

// writePath stores val at a path. Writing inside a list, map or record
// first copies the field's value, so the committed memory the step
// started from is never modified.
func (s *step) writePath(p *compiler.Path, val any, cause string) error {
	slot := p.Field.Slot
	if len(p.Steps) == 0 {
		s.set(slot, val, cause)
		return nil
	}
	root := s.ownedRoot(slot)
	container := root
	for i, st := range p.Steps {
		last := i == len(p.Steps)-1
		if !last {
			next, err := s.child(container, st, p)
			if err != nil {
				return err
			}
			container = next
			continue
		}
		if err := s.store(container, st, p, val); err != nil {
			return err
		}
	}
	s.set(slot, root, cause)
	return nil
}

func (s *step) store(container any, st compiler.PathStep, p *compiler.Path, val any) error {
	switch c := container.(type) {
	case map[string]any:
		key := st.Name
		if st.Index != nil {
			k, err := s.index(st, p)
			if err != nil {
				return err
			}
			key = k.(string)
		}
		c[key] = val
		return nil
	case []any:
		k, err := s.index(st, p)
		if err != nil {
			return err
		}
		i := k.(int)
		if i < 0 || i >= len(c) {
			return &stepError{constraint: "index", field: p.Field.Name, pos: p.Pos.String(),
				msg: fmt.Sprintf("index %d is out of range for %s with %d elements", i, p.Field.Name, len(c))}
		}
		c[i] = val
		return nil
	}
	return &stepError{constraint: "index", field: p.Field.Name, pos: p.Pos.String(),
		msg: fmt.Sprintf("cannot write into %s", compiler.Format(container))}
}

// ownedRoot returns the field's value, deep-copied on first write in the
// step.
func (s *step) ownedRoot(slot int) any {
	if !s.cloned[slot] {
		s.fields[slot] = compiler.Clone(s.fields[slot])
		s.cloned[slot] = true
	}
	return s.fields[slot]
}

func (s *step) set(slot int, val any, cause string) {
	s.fields[slot] = val
	s.changed[slot] = true
	s.causes[slot] = cause
	name := s.inst.typ.Fields[slot].Name
	if !s.hidden(name) {
		s.w.env[name] = val
	}
}

// hidden reports whether a parameter of the running handler or timer
// hides the field name in expressions.
func (s *step) hidden(name string) bool {
	for _, p := range s.params {
		if p.Name == name {
			return true
		}
	}
	return false
}

func (s *step) appendValue(a *compiler.Append, cause string) error {
	v, err := s.w.evaluate(a.Value)
	if err != nil {
		return err
	}
	elem, err := compiler.Convert(v, a.Target.Type.Elem)
	if err != nil {
		return &stepError{constraint: "type", field: a.Target.Field.Name, value: v, hasValue: true,
			pos: a.Pos.String(), msg: fmt.Sprintf("cannot append to %s: %v", a.Target.Field.Name, err)}
	}
	current, err := s.readPath(a.Target)
	if err != nil {
		return err
	}
	list, _ := current.([]any)
	grown := make([]any, len(list), len(list)+1)
	copy(grown, list)
	return s.writePath(a.Target, append(grown, elem), cause)
}

func (s *step) removeValue(a *compiler.Remove, cause string) error {
	v, err := s.w.evaluate(a.Value)
	if err != nil {
		return err
	}
	current, err := s.readPath(a.Target)
	if err != nil {
		return err
	}
	switch c := current.(type) {
	case []any:
		out := make([]any, 0, len(c))
		removed := false
		for _, item := range c {
			if !removed && compiler.Equal(item, v) {
				removed = true
				continue
			}
			out = append(out, item)
		}
		return s.writePath(a.Target, out, cause)
	case map[string]any:
		key, _ := v.(string)
		out := make(map[string]any, len(c))
		for k, item := range c {
			if k != key {
				out[k] = item
			}
		}
		return s.writePath(a.Target, out, cause)
	}
	return nil
}

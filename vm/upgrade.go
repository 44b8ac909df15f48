package vm

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/stdlib"
)

// upgradeNote lists the fields an upgrade changed in one object, for
// lineage.
type upgradeNote struct {
	inst    *instance
	changes []Entry
}

// upgradeFields maps a stored object's fields onto the program's fields.
// A field the program added takes its default, and a field with a
// migration takes the migrated value. A removed field or a changed type
// without a migration is an error that names the field.
func (v *VM) upgradeFields(obj *compiler.Object, im *ObjectImage) ([]any, *upgradeNote, error) {
	fields := make([]any, len(obj.Fields))
	var changes []Entry
	var problems []string
	for i, f := range obj.Fields {
		val, change, err := v.upgradeField(obj, f, im)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		fields[i] = val
		if change != nil {
			changes = append(changes, *change)
		}
	}
	if err := checkRemoved(obj, im); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return nil, nil, fmt.Errorf("%s: %s", im.Addr, strings.Join(problems, "; "))
	}
	for name := range im.Fields {
		if _, kept := obj.FieldIndex[name]; kept {
			continue
		}
		cause := "field removed"
		for _, m := range obj.Migrations {
			if m.From == name && !m.Drop {
				cause = "moved to " + m.Field
			}
		}
		changes = append(changes, Entry{Kind: KindDrop, Field: name, Old: im.Fields[name], Cause: cause})
	}
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].Field < changes[j].Field })
	if len(changes) == 0 {
		return fields, nil, nil
	}
	return fields, &upgradeNote{changes: changes}, nil
}

func (v *VM) upgradeField(obj *compiler.Object, f *compiler.Field, im *ObjectImage) (any, *Entry, error) {
	old, had := im.Fields[f.Name]
	m := obj.Migrations[f.Name]
	switch {
	case m != nil && !m.Drop:
		src, ok := im.Fields[m.From]
		if !ok && !had {
			return v.addedField(f, im.Addr)
		}
		val, err := v.migrate(m, f, im.Addr, src)
		if err != nil {
			return nil, nil, err
		}
		if had && compiler.Equal(old, val) && im.FieldTypes[f.Name] == f.Type.String() {
			return val, nil, nil
		}
		return val, &Entry{Kind: KindSet, Field: f.Name, Old: oldIfSameName(had, old), New: val,
			Cause: "migrated from " + m.From}, nil
	case !had:
		return v.addedField(f, im.Addr)
	case im.FieldTypes[f.Name] != "" && im.FieldTypes[f.Name] != f.Type.String():
		return nil, nil, fmt.Errorf("field %s changed type from %s to %s; declare how to convert it, "+
			"as in: migrate %s = old", f.Name, im.FieldTypes[f.Name], f.Type, f.Name)
	}
	val, err := compiler.Convert(old, f.Type)
	if err != nil {
		return nil, nil, fmt.Errorf("field %s: stored value %s: %v", f.Name, compiler.Format(old), err)
	}
	return val, nil, nil
}

func oldIfSameName(had bool, old any) any {
	if had {
		return old
	}
	return nil
}

func (v *VM) addedField(f *compiler.Field, addr string) (any, *Entry, error) {
	val := f.Type.Zero()
	if f.Default != nil {
		out, err := v.evalStatic(f.Default, addr, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("default of added field %s: %w", f.Name, err)
		}
		if val, err = compiler.Convert(out, f.Type); err != nil {
			return nil, nil, fmt.Errorf("default of added field %s: %w", f.Name, err)
		}
	}
	return val, &Entry{Kind: KindSet, Field: f.Name, New: val, Cause: "field added"}, nil
}

func (v *VM) migrate(m *compiler.Migration, f *compiler.Field, addr string, src any) (any, error) {
	val := src
	if m.Value != nil {
		out, err := v.evalStatic(m.Value, addr, src)
		if err != nil {
			return nil, fmt.Errorf("migrate %s: %w", f.Name, err)
		}
		val = out
	}
	out, err := compiler.Convert(val, f.Type)
	if err != nil {
		return nil, fmt.Errorf("migrate %s: %v", f.Name, err)
	}
	return out, nil
}

// evalStatic evaluates a default or migration, which may name now and
// old but no fields.
func (v *VM) evalStatic(e *compiler.Expr, addr string, old any) (any, error) {
	if e.HasConst {
		return e.Const, nil
	}
	_, id, _ := strings.Cut(addr, "/")
	mode := compiler.Active
	if inst := v.objects[addr]; inst != nil && v.restoring != nil {
		mode = v.restoring.Mode
	}
	env := map[string]any{stdlib.ContextName: &stdlib.Context{Now: v.now}, compiler.NowName: v.now,
		compiler.ModeName: mode, compiler.SelfName: addr, compiler.IDName: id, "old": old}
	return expr.Run(e.Program, env)
}

func checkRemoved(obj *compiler.Object, im *ObjectImage) error {
	consumed := map[string]bool{}
	for _, m := range obj.Migrations {
		consumed[m.From] = true
		if m.Drop {
			consumed[m.Field] = true
		}
	}
	names := make([]string, 0, len(im.Fields))
	for name := range im.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	var problems []string
	for _, name := range names {
		if _, ok := obj.FieldIndex[name]; !ok && !consumed[name] {
			problems = append(problems, fmt.Sprintf("stored field %s (%s) is not in %s any more; "+
				"declare \"migrate %s\" to drop it, or \"migrate NEW from %s\" to move it", name,
				im.FieldTypes[name], obj.Name, name, name))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// recordUpgrades writes the lineage of upgrades: one entry per added,
// migrated or dropped field, as a step of kind "upgrade".
func (v *VM) recordUpgrades(notes []upgradeNote) {
	var all []Entry
	for _, n := range notes {
		inst := n.inst
		for _, e := range n.changes {
			inst.seq++
			e.Object, e.Seq, e.Time, e.Step, e.Version = inst.addr, inst.seq, v.now, StepUpgrade,
				inst.typ.Version
			all = append(all, e)
		}
		inst.rec.Seq = inst.seq
		inst.rec.Version = inst.typ.Version
		v.sched.markChanged(inst.addr)
	}
	if v.opts.Sink != nil && len(all) > 0 {
		v.opts.Sink.Write(all)
	}
}

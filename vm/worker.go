package vm

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/expr-lang/expr/file"
	exprvm "github.com/expr-lang/expr/vm"
	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/stdlib"
)

// worker runs steps. Each has its own expression VM and one environment
// map per object type, reused across steps so that a quiet cycle
// allocates nothing.
type worker struct {
	vm      *VM
	eval    exprvm.VM
	env     map[string]any // the environment of the step being run
	envs    map[*compiler.Object]map[string]any
	modes   map[string]any // mode names, boxed once
	ctx     *stdlib.Context
	lineage recentLineage
	step    step
	// current and currentType are the memory the bound environment
	// holds, for history().
	current     []any
	currentType *compiler.Object
}

func newWorker(v *VM) *worker {
	w := &worker{vm: v, ctx: &stdlib.Context{}, envs: map[*compiler.Object]map[string]any{},
		modes: map[string]any{}}
	w.ctx.Current = func(field string) any {
		if slot, ok := w.currentType.FieldIndex[field]; ok {
			return w.current[slot] // the field, even where a parameter hides its name
		}
		return nil
	}
	w.eval.MemoryBudget = v.opts.MemoryBudget
	return w
}

// envFor returns the environment map of an object type, creating it
// with the names that never change: the lineage context and the enum
// values.
func (w *worker) envFor(obj *compiler.Object) map[string]any {
	env := w.envs[obj]
	if env == nil {
		env = map[string]any{stdlib.ContextName: w.ctx}
		for name, val := range obj.EnumValues {
			env[name] = val
		}
		w.envs[obj] = env
	}
	return env
}

// bindingPlan lists what an object type's expressions read: the field
// slots and which of now, mode, self and id. Binding only those keeps a
// quiet cycle short.
type bindingPlan struct {
	slots               []int
	now, mode, self, id bool
}

func newBindingPlan(obj *compiler.Object) *bindingPlan {
	p := &bindingPlan{now: obj.Reads[compiler.NowName], mode: obj.Reads[compiler.ModeName],
		self: obj.Reads[compiler.SelfName], id: obj.Reads[compiler.IDName]}
	for i, f := range obj.Fields {
		if obj.Reads[f.Name] {
			p.slots = append(p.slots, i)
		}
	}
	return p
}

// bindings returns the binding plan of an object type.
func (v *VM) bindings(obj *compiler.Object) *bindingPlan {
	return v.plans[obj]
}

func (w *worker) boxMode(mode string) any {
	boxed, ok := w.modes[mode]
	if !ok {
		boxed = mode
		w.modes[mode] = boxed
	}
	return boxed
}

// runObject runs the steps of one object due this instant: its spawn,
// then its messages in arrival order, then its due timers, then its
// cycle.
func (w *worker) runObject(inst *instance, now time.Time) {
	if inst.spawn != nil {
		req := inst.spawn
		inst.spawn = nil
		w.runSpawn(inst, req, now)
	}
	inbox := inst.inbox
	inst.inbox = nil
	for _, m := range inbox {
		if m.set != nil {
			w.runSet(inst, m, now)
			continue
		}
		w.runMessage(inst, m, now)
	}
	due := inst.due
	inst.due = nil
	// Timers and wake timers run before the cycle of the same instant,
	// each group in the order it was scheduled.
	sort.SliceStable(due, func(i, j int) bool {
		return due[i].kind != eventCycle && due[j].kind == eventCycle
	})
	for _, e := range due {
		if inst.cycleDue == e {
			inst.cycleDue = nil
		}
		if inst.wakeDue == e {
			inst.wakeDue = nil
		}
		switch e.kind {
		case eventCycle:
			if e.gen == inst.cycleGen {
				w.runCycle(inst, e, now)
			}
		case eventTimer:
			if t, ok := inst.timers[e.timer]; ok {
				delete(inst.timers, e.timer)
				w.runTimer(inst, t, now)
			}
		case eventWake:
			if e.gen == inst.wakeGen && inst.rec.Mode == compiler.Dormant {
				w.runWakeAfter(inst, now)
			}
		}
	}
}

// bindEnv loads the object's memory and the step's names into the
// expression environment.
func (w *worker) bindEnv(s *step) {
	w.bindMemory(s.inst, s.fields, s.mode, s.now)
}

// bindMemory loads memory and the names every step has into the
// expression environment of the object's type.
func (w *worker) bindMemory(inst *instance, fields []any, mode string, now time.Time) {
	env := w.envFor(inst.typ)
	w.env = env
	plan := w.vm.bindings(inst.typ)
	for _, slot := range plan.slots {
		env[inst.typ.Fields[slot].Name] = fields[slot]
	}
	w.current, w.currentType = fields, inst.typ
	if plan.now {
		env[compiler.NowName] = w.vm.nowBoxed
	}
	if plan.mode {
		env[compiler.ModeName] = w.boxMode(mode)
	}
	if plan.self {
		env[compiler.SelfName] = inst.addrBoxed
	}
	if plan.id {
		env[compiler.IDName] = inst.idBoxed
	}
	w.ctx.Now = now
	w.lineage = recentLineage{}
	if inst.rec != nil {
		w.lineage = recentLineage{recent: inst.rec.Recent, born: inst.rec.Born}
	}
	w.ctx.Lineage = &w.lineage
}

func (w *worker) bindParams(params []*compiler.Field, args []any) {
	for i, p := range params {
		w.env[p.Name] = args[i]
	}
}

// evaluate runs a compiled expression in the current environment.
func (w *worker) evaluate(e *compiler.Expr) (any, error) {
	out, err := w.eval.Run(e.Program, w.env)
	if err != nil {
		pos := e.Pos
		var fe *file.Error
		if errors.As(err, &fe) {
			pos = e.PositionAt(fe.From)
			err = errors.New(fe.Message)
		}
		return nil, &stepError{pos: pos.String(), msg: fmt.Sprintf("evaluating %s: %v",
			quote(e.Source), cleanExprError(err)), constraint: "expression"}
	}
	return out, nil
}

func (w *worker) condition(e *compiler.Expr) (bool, error) {
	out, err := w.evaluate(e)
	if err != nil {
		return false, err
	}
	b, _ := out.(bool)
	return b, nil
}

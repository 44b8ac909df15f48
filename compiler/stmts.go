package compiler

import (
	"sort"

	"github.com/mor-lang/mor/grammar"
)

// bodyContext is the setting of an action block: its object, its kind of
// code (rule, handler, timer or test), its mode and its parameters.
type bodyContext struct {
	object *Object
	kind   string
	mode   string
	params []*Field
}

func (ctx *bodyContext) scope() *scope {
	return &scope{object: ctx.object, params: ctx.params}
}

func (c *compiler) compileBlock(b *grammar.Block, ctx *bodyContext) []Action {
	var out []Action
	for _, st := range b.Stmts {
		if a := c.compileStmt(st, ctx); a != nil {
			out = append(out, a)
		}
	}
	return out
}

// compileStmt is the one dispatch over action kinds.
func (c *compiler) compileStmt(st *grammar.Stmt, ctx *bodyContext) Action {
	if ctx.kind == "test" {
		return c.compileTestStmt(st, ctx)
	}
	switch {
	case st.Assign != nil:
		return c.compileAssign(st.Assign, ctx)
	case st.If != nil:
		return c.compileIf(st.If, ctx)
	case st.Enter != nil:
		return c.compileEnter(st.Enter.Mode, st.Enter.Reason.Text(), st.Enter.Pos, ctx)
	case st.Resume != nil:
		return &Enter{Mode: Active, Pos: st.Resume.Pos}
	case st.Sleep != nil:
		return &Enter{Mode: Dormant, Reason: st.Sleep.Reason.Text(), Pos: st.Sleep.Pos}
	case st.Inquire != nil:
		q := c.compileExpr(&st.Inquire.Question.Expr, ctx.scope(), &Type{Kind: String}, false)
		return &Inquire{Question: q, Pos: st.Inquire.Pos}
	case st.Emit != nil:
		return &Emit{Name: st.Emit.Name, Fields: c.compileInits(st.Emit.Fields, ctx, nil), Pos: st.Emit.Pos}
	case st.Send != nil:
		return c.compileSend(st.Send, ctx)
	case st.Spawn != nil:
		return c.compileSpawn(st.Spawn, ctx)
	case st.After != nil:
		return c.compileAfter(st.After, ctx)
	case st.Cancel != nil:
		return c.compileCancel(st.Cancel, ctx)
	case st.Append != nil:
		return c.compileAppend(st.Append.Target, st.Append.Value, st.Append.Pos, ctx, false)
	case st.Remove != nil:
		return c.compileAppend(st.Remove.Target, st.Remove.Value, st.Remove.Pos, ctx, true)
	case st.Advance != nil:
		c.errorf(st.Advance.Pos, "advance is only allowed in test blocks")
	case st.Expect != nil:
		c.errorf(st.Expect.Pos, "expect is only allowed in test blocks")
	}
	return nil
}

func (c *compiler) compileIf(is *grammar.IfStmt, ctx *bodyContext) Action {
	out := &If{Pos: is.Pos}
	out.Cond = c.compileExpr(&is.Cond.Expr, ctx.scope(), nil, true)
	out.Then = c.compileBlock(is.Then, ctx)
	switch {
	case is.ElseIf != nil:
		if a := c.compileIf(is.ElseIf, ctx); a != nil {
			out.Else = []Action{a}
		}
	case is.Else != nil:
		out.Else = c.compileBlock(is.Else, ctx)
	}
	return out
}

func (c *compiler) compileEnter(mode, reason string, pos grammar.Position, ctx *bodyContext) Action {
	if _, ok := ctx.object.Modes[mode]; !ok {
		c.errorf(pos, "enter names undeclared mode %q%s; declare it with mode %s { ... }",
			mode, suggest(mode, modeNames(ctx.object)), mode)
		return nil
	}
	if mode == Inquiry {
		c.errorf(pos, "use inquire \"question\" to enter inquiry, so the question is recorded")
		return nil
	}
	return &Enter{Mode: mode, Reason: reason, Pos: pos}
}

func modeNames(obj *Object) []string {
	var names []string
	for n := range obj.Modes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// compileAssign checks the target path and the value's type, and the
// write constraints that can be decided statically.
func (c *compiler) compileAssign(as *grammar.AssignStmt, ctx *bodyContext) Action {
	path := c.compilePath(as.Target, ctx)
	if path == nil {
		return nil
	}
	want := path.Type
	switch as.Op {
	case "+=", "-=":
		want = c.compoundOperand(as, path.Type)
		if want == nil {
			return nil
		}
	}
	value := c.compileExpr(&as.Value.Expr, ctx.scope(), want, false)
	if value == nil {
		return nil
	}
	return &Assign{Target: path, Op: as.Op, Value: value, Pos: as.Pos}
}

// compoundOperand returns the type the right side of += or -= must have.
func (c *compiler) compoundOperand(as *grammar.AssignStmt, t *Type) *Type {
	switch t.Kind {
	case Int, Float, Duration:
		return t
	case Time:
		return &Type{Kind: Duration}
	case String:
		if as.Op == "+=" {
			return t
		}
	}
	c.errorf(as.Pos, "%s cannot apply to %s of type %s", as.Op, as.Target.Field, t)
	return nil
}

// compilePath resolves a written location and checks that the code kind
// may write the field.
func (c *compiler) compilePath(pd *grammar.Path, ctx *bodyContext) *Path {
	obj := ctx.object
	idx, ok := obj.FieldIndex[pd.Field]
	if !ok {
		c.errorf(pd.Pos, "unknown field %q in %s%s", pd.Field, obj.Name, suggest(pd.Field, fieldNames(obj)))
		return nil
	}
	f := obj.Fields[idx]
	if f.Const {
		c.errorf(pd.Pos, "field %s is const: it is set at spawn only", f.Name)
		return nil
	}
	if f.WrittenBy == "handlers" && ctx.kind == "rule" || f.WrittenBy == "rules" && ctx.kind == "handler" {
		c.errorf(pd.Pos, "field %s is written by %s only; this %s cannot write it", f.Name,
			f.WrittenBy, ctx.kind)
		return nil
	}
	path := &Path{Field: f, Type: f.Type, Pos: pd.Pos}
	for _, step := range pd.Steps {
		if !c.compilePathStep(path, step, ctx) {
			return nil
		}
	}
	return path
}

func (c *compiler) compilePathStep(path *Path, step *grammar.PathStep, ctx *bodyContext) bool {
	t := path.Type
	if step.Field != "" {
		if t.Kind != Record {
			c.errorf(step.Pos, ".%s: %s is not a record", step.Field, t)
			return false
		}
		i, ok := t.Record.Index[step.Field]
		if !ok {
			c.errorf(step.Pos, "record %s has no field %q", t.Record.Name, step.Field)
			return false
		}
		path.Steps = append(path.Steps, PathStep{Name: step.Field, Type: t})
		path.Type = t.Record.Fields[i].Type
		return true
	}
	var keyType *Type
	switch t.Kind {
	case List:
		keyType = &Type{Kind: Int}
	case Map:
		keyType = &Type{Kind: String}
	default:
		c.errorf(step.Pos, "cannot index %s; only lists and maps have elements", t)
		return false
	}
	index := c.compileExpr(&step.Index.Expr, ctx.scope(), keyType, false)
	if index == nil {
		return false
	}
	path.Steps = append(path.Steps, PathStep{Index: index, Type: t})
	path.Type = t.Elem
	return true
}

func (c *compiler) compileAppend(target *grammar.Path, value *grammar.ValueExpr,
	pos grammar.Position, ctx *bodyContext, remove bool) Action {
	path := c.compilePath(target, ctx)
	if path == nil {
		return nil
	}
	var want *Type
	switch {
	case path.Type.Kind == List:
		want = path.Type.Elem
	case path.Type.Kind == Map && remove:
		want = &Type{Kind: String}
	default:
		verb := "append to"
		if remove {
			verb = "remove from"
		}
		c.errorf(pos, "cannot %s %s of type %s", verb, target.Field, path.Type)
		return nil
	}
	if remove && path.Field.AppendOnly {
		c.errorf(pos, "field %s is append only: elements cannot be removed", path.Field.Name)
		return nil
	}
	v := c.compileExpr(&value.Expr, ctx.scope(), want, false)
	if v == nil {
		return nil
	}
	if remove {
		return &Remove{Target: path, Value: v, Pos: pos}
	}
	return &Append{Target: path, Value: v, Pos: pos}
}

func (c *compiler) compileInits(inits []*grammar.FieldInit, ctx *bodyContext, target *Object) []NamedExpr {
	var out []NamedExpr
	seen := map[string]bool{}
	for _, fi := range inits {
		if seen[fi.Name] {
			c.errorf(fi.Pos, "%q is given twice", fi.Name)
			continue
		}
		seen[fi.Name] = true
		var want *Type
		if target != nil {
			idx, ok := target.FieldIndex[fi.Name]
			if !ok {
				c.errorf(fi.Pos, "%s has no field %q%s", target.Name, fi.Name,
					suggest(fi.Name, fieldNames(target)))
				continue
			}
			want = target.Fields[idx].Type
		}
		if v := c.compileExpr(&fi.Value.Expr, ctx.scope(), want, false); v != nil {
			out = append(out, NamedExpr{Name: fi.Name, Value: v})
		}
	}
	return out
}

func (c *compiler) lookupObject(name string, pos grammar.Position) *Object {
	obj, ok := c.prog.Objects[name]
	if !ok {
		c.errorf(pos, "unknown object type %q%s", name, suggest(name, c.prog.Order))
	}
	return obj
}

func (c *compiler) compileTarget(t *grammar.Target, ctx *bodyContext) (*Object, *Expr) {
	obj := c.lookupObject(t.Type, t.Pos)
	id := c.compileExpr(&t.ID.Expr, ctx.scope(), &Type{Kind: String}, false)
	return obj, id
}

func (c *compiler) compileSend(ss *grammar.SendStmt, ctx *bodyContext) Action {
	obj, id := c.compileTarget(ss.To, ctx)
	if obj == nil || id == nil {
		return nil
	}
	h := obj.anyHandler(ss.Message)
	if h == nil {
		c.errorf(ss.Pos, "%s has no handler for message %q", obj.Name, ss.Message)
		return nil
	}
	args := c.compileArgs(ss, h, ctx)
	if args == nil && len(h.Params) > 0 {
		return nil
	}
	return &Send{Type: obj.Name, ID: id, Message: ss.Message, Args: args, Pos: ss.Pos}
}

// compileArgs matches positional or named arguments to the handler's
// parameters and returns them in parameter order.
func (c *compiler) compileArgs(ss *grammar.SendStmt, h *Handler, ctx *bodyContext) []*Expr {
	out := make([]*Expr, len(h.Params))
	given := make([]bool, len(h.Params))
	ok := true
	for i, a := range ss.Args {
		slot := i
		if a.Name != "" {
			slot = -1
			for j, p := range h.Params {
				if p.Name == a.Name {
					slot = j
				}
			}
			if slot < 0 {
				c.errorf(a.Pos, "message %s has no parameter %q", ss.Message, a.Name)
				ok = false
				continue
			}
		}
		if slot < len(given) && given[slot] {
			c.errorf(a.Pos, "argument %s is given twice", h.Params[slot].Name)
			ok = false
			continue
		}
		if slot < len(given) {
			given[slot] = true
		}
		if slot >= len(h.Params) {
			c.errorf(a.Pos, "message %s takes %d argument%s, got %d", ss.Message, len(h.Params),
				plural(len(h.Params)), len(ss.Args))
			return nil
		}
		out[slot] = c.compileExpr(&a.Value.Expr, ctx.scope(), h.Params[slot].Type, false)
		ok = ok && out[slot] != nil
	}
	for i, p := range h.Params {
		if out[i] == nil && ok && !p.Type.Optional {
			c.errorf(ss.Pos, "message %s is missing argument %s", ss.Message, p.Name)
			ok = false
		}
	}
	if !ok {
		return nil
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (c *compiler) compileSpawn(sp *grammar.SpawnStmt, ctx *bodyContext) Action {
	obj, id := c.compileTarget(sp.Target, ctx)
	if obj == nil || id == nil {
		return nil
	}
	return &Spawn{Type: obj.Name, ID: id, Fields: c.compileInits(sp.Fields, ctx, obj), Pos: sp.Pos}
}

func (c *compiler) compileAfter(as *grammar.AfterStmt, ctx *bodyContext) Action {
	delay, err := ParseDuration(as.Delay.Value)
	if err != nil {
		c.errorf(as.Delay.Pos, "%v", err)
		return nil
	}
	if delay <= 0 {
		c.errorf(as.Delay.Pos, "after needs a positive duration, got %s", as.Delay.Value)
		return nil
	}
	obj := ctx.object
	timer := &Timer{ID: len(obj.Timers), Name: as.Name, Delay: delay, Mode: ctx.mode, Pos: as.Pos,
		Params: ctx.params}
	obj.Timers = append(obj.Timers, timer)
	// The body is checked as the kind of code that sets the timer, so a
	// rule cannot reach a "written by handlers" field through a timer.
	timer.Body = c.compileBlock(as.Body, ctx)
	return &After{Timer: timer, Pos: as.Pos}
}

func (c *compiler) compileCancel(cs *grammar.CancelStmt, ctx *bodyContext) Action {
	cancel := &Cancel{Name: cs.Name, Pos: cs.Pos}
	c.cancels = append(c.cancels, pendingCancel{ctx.object, cancel})
	return cancel
}

// pendingCancel is checked once all bodies compile, because a timer may
// be declared after the cancel that names it.
type pendingCancel struct {
	object *Object
	cancel *Cancel
}

func (c *compiler) checkCancels() {
	for _, p := range c.cancels {
		if !p.object.timerNamed(p.cancel.Name) {
			c.errorf(p.cancel.Pos, "cancel names unknown timer %q; name a timer with after D as %s { ... }",
				p.cancel.Name, p.cancel.Name)
		}
	}
}

func (o *Object) timerNamed(name string) bool {
	for _, t := range o.Timers {
		if t.Name == name {
			return true
		}
	}
	return false
}

func (c *compiler) compileTestStmt(st *grammar.Stmt, ctx *bodyContext) Action {
	switch {
	case st.Spawn != nil:
		return c.compileSpawn(st.Spawn, ctx)
	case st.Send != nil:
		return c.compileSend(st.Send, ctx)
	case st.Advance != nil:
		d, err := ParseDuration(st.Advance.By.Value)
		if err != nil {
			c.errorf(st.Advance.By.Pos, "%v", err)
			return nil
		}
		if d <= 0 {
			c.errorf(st.Advance.By.Pos, "advance needs a positive duration, got %s", st.Advance.By.Value)
			return nil
		}
		return &Advance{By: int64(d), Pos: st.Advance.Pos}
	case st.Expect != nil:
		return c.compileExpect(st.Expect, ctx)
	}
	c.errorf(testStmtPos(st), "a test block may only spawn, send, advance and expect")
	return nil
}

func (c *compiler) compileExpect(es *grammar.ExpectStmt, ctx *bodyContext) Action {
	if es.Object == nil {
		c.errorf(es.Pos, "expect needs an object, as in expect Station(\"a\"): readings == 3")
		return nil
	}
	obj, id := c.compileTarget(es.Object, ctx)
	if obj == nil || id == nil {
		return nil
	}
	cond := c.compileExpr(&es.Cond.Expr, &scope{object: obj}, nil, true)
	if cond == nil {
		return nil
	}
	return &Expect{ObjectType: obj.Name, ID: id, Cond: cond, Pos: es.Pos}
}

func testStmtPos(st *grammar.Stmt) grammar.Position {
	switch {
	case st.Assign != nil:
		return st.Assign.Pos
	case st.If != nil:
		return st.If.Pos
	case st.Emit != nil:
		return st.Emit.Pos
	case st.Enter != nil:
		return st.Enter.Pos
	case st.Inquire != nil:
		return st.Inquire.Pos
	case st.Resume != nil:
		return st.Resume.Pos
	case st.Sleep != nil:
		return st.Sleep.Pos
	case st.After != nil:
		return st.After.Pos
	case st.Cancel != nil:
		return st.Cancel.Pos
	case st.Append != nil:
		return st.Append.Pos
	case st.Remove != nil:
		return st.Remove.Pos
	}
	return grammar.Position{}
}

package compiler

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mor-lang/mor/grammar"
)

// declareModes creates every mode of obj, with handler signatures, so
// that actions anywhere may name any mode and send may check arguments.
func (c *compiler) declareModes(obj *Object, decl *grammar.ObjectDecl) {
	newMode := func(name string, executing bool, pos grammar.Position) *Mode {
		return &Mode{Name: name, Executing: executing, Handlers: map[string]*Handler{}, Pos: pos}
	}
	obj.Modes[Active] = newMode(Active, true, decl.Pos)
	obj.Modes[Inquiry] = newMode(Inquiry, false, decl.Pos)
	obj.Modes[Dormant] = newMode(Dormant, false, decl.Pos)
	for _, m := range decl.Members {
		switch {
		case m.Mode != nil:
			name := m.Mode.Name
			if _, dup := obj.Modes[name]; dup {
				c.errorf(m.Mode.Pos, "mode %q is already declared in %s", name, obj.Name)
				continue
			}
			obj.Modes[name] = newMode(name, true, m.Mode.Pos)
			c.declareHandlers(obj, obj.Modes[name], m.Mode.Block.Items)
		case m.Inquiry != nil:
			obj.Modes[Inquiry].Pos = m.Inquiry.Pos
			c.declareHandlers(obj, obj.Modes[Inquiry], m.Inquiry.Items)
		case m.Dormant != nil:
			obj.Modes[Dormant].Pos = m.Dormant.Pos
			c.declareHandlers(obj, obj.Modes[Dormant], m.Dormant.Items)
		case m.Item != nil:
			c.declareHandlers(obj, obj.Modes[Active], []*grammar.ModeItem{m.Item})
		}
	}
}

func (c *compiler) declareHandlers(obj *Object, mode *Mode, items []*grammar.ModeItem) {
	for _, item := range items {
		hd := item.Handler
		if hd == nil {
			continue
		}
		if prev, dup := mode.Handlers[hd.Message]; dup {
			c.errorf(hd.Pos, "message %q already has a handler in this block at %s", hd.Message, prev.Pos)
			continue
		}
		h := &Handler{Message: hd.Message, Pos: hd.Pos}
		if mode.Name != Active {
			h.Mode = mode.Name
		}
		seen := map[string]bool{}
		for _, pd := range hd.Params {
			t := c.resolveType(pd.Type)
			switch {
			case t == nil:
			case seen[pd.Name]:
				c.errorf(pd.Pos, "parameter %q is declared twice", pd.Name)
			case reserved[pd.Name]:
				c.errorf(pd.Pos, "%q is a reserved name; choose another parameter name", pd.Name)
			default:
				seen[pd.Name] = true
				h.Params = append(h.Params, &Field{Name: pd.Name, Type: t, Slot: len(h.Params), Pos: pd.Pos})
			}
		}
		mode.Handlers[hd.Message] = h
	}
}

// LookupHandler returns the handler for msg in mode: the mode's own, or
// else the object-level one.
func (o *Object) LookupHandler(mode, msg string) *Handler {
	if m := o.Modes[mode]; m != nil {
		if h := m.Handlers[msg]; h != nil {
			return h
		}
	}
	return o.Modes[Active].Handlers[msg]
}

// anyHandler returns some handler for msg in any mode, preferring the
// object-level one, for checking send arguments.
func (o *Object) anyHandler(msg string) *Handler {
	if h := o.Modes[Active].Handlers[msg]; h != nil {
		return h
	}
	names := make([]string, 0, len(o.Modes))
	for name := range o.Modes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if h := o.Modes[name].Handlers[msg]; h != nil {
			return h
		}
	}
	return nil
}

func (c *compiler) compileModes(obj *Object, decl *grammar.ObjectDecl) {
	for _, m := range decl.Members {
		switch {
		case m.Mode != nil:
			c.compileModeItems(obj, obj.Modes[m.Mode.Name], m.Mode.Block.Items)
		case m.Inquiry != nil:
			c.compileModeItems(obj, obj.Modes[Inquiry], m.Inquiry.Items)
		case m.Dormant != nil:
			c.compileModeItems(obj, obj.Modes[Dormant], m.Dormant.Items)
		case m.Item != nil:
			c.compileModeItems(obj, obj.Modes[Active], []*grammar.ModeItem{m.Item})
		}
	}
	for _, mode := range obj.Modes {
		sort.SliceStable(mode.Rules, func(i, j int) bool {
			return mode.Rules[i].Priority > mode.Rules[j].Priority
		})
		if mode.Cycle == nil && mode.Name != Dormant {
			mode.Cycle = obj.Modes[Active].Cycle // inherit the object's cadence
		}
		if mode.Cycle == nil && len(mode.Rules) > 0 {
			c.errorf(mode.Rules[0].Pos, "rule %s never runs: %s has no cycle; add cycle every D "+
				"to the object or the mode", mode.Rules[0].Name, obj.Name)
		}
		c.compileGuard(obj, mode)
	}
}

// compileGuard combines a mode's rule conditions into Mode.Guard.
func (c *compiler) compileGuard(obj *Object, mode *Mode) {
	if len(mode.Rules) < 2 {
		return
	}
	var b strings.Builder
	for i, r := range mode.Rules {
		if r.When == nil {
			return // already reported
		}
		fmt.Fprintf(&b, "(%s) ? %d : ", r.When.Source, i+1)
	}
	b.WriteString("0")
	src := &grammar.Expr{Source: b.String(), Pos: mode.Rules[0].Pos}
	before := len(c.errs)
	mode.Guard = c.compileExpr(src, &scope{object: obj}, nil, false)
	if len(c.errs) > before {
		c.errs = c.errs[:before] // the rules compiled alone; run them one by one
		mode.Guard = nil
	}
}

func (c *compiler) compileModeItems(obj *Object, mode *Mode, items []*grammar.ModeItem) {
	for _, item := range items {
		switch {
		case item.Cycle != nil:
			c.compileCycle(mode, item.Cycle)
		case item.Rule != nil:
			c.compileRule(obj, mode, item.Rule)
		case item.Handler != nil:
			h := mode.Handlers[item.Handler.Message]
			if h != nil && h.Pos == item.Handler.Pos {
				ctx := &bodyContext{object: obj, kind: "handler", mode: mode.Name, params: h.Params}
				h.Body = c.compileBlock(item.Handler.Body, ctx)
			}
		case item.Wake != nil:
			c.compileWake(obj, mode, item.Wake)
		}
	}
}

func (c *compiler) compileCycle(mode *Mode, cd *grammar.CycleDecl) {
	if mode.Name == Dormant {
		c.errorf(cd.Pos, "a dormant object has no cycle; use \"wake after D\" to wake it on a timer")
		return
	}
	if mode.Cycle != nil && mode.Cycle.Pos.Line != 0 {
		c.errorf(cd.Pos, "mode %s already has a cycle at %s", mode.Name, mode.Cycle.Pos)
		return
	}
	every, err := ParseDuration(cd.Every.Value)
	if err != nil {
		c.errorf(cd.Every.Pos, "%v", err)
		return
	}
	if every <= 0 {
		c.errorf(cd.Every.Pos, "cycle period must be positive, got %s", cd.Every.Value)
		return
	}
	catchUp := CatchUp(cd.CatchUp)
	if catchUp == "" {
		catchUp = CatchUpOnce
	}
	mode.Cycle = &Cycle{Every: every, CatchUp: catchUp, Pos: cd.Pos}
}

func (c *compiler) compileRule(obj *Object, mode *Mode, rd *grammar.RuleDecl) {
	if mode.Name == Dormant {
		c.errorf(rd.Pos, "rule %s cannot run in dormant: a dormant object has no cycle", rd.Name)
		return
	}
	for _, r := range mode.Rules {
		if r.Name == rd.Name {
			c.errorf(rd.Pos, "rule %q is already declared in this mode at %s", rd.Name, r.Pos)
			return
		}
	}
	r := &Rule{Name: rd.Name, Pos: rd.Pos}
	if rd.Priority != nil {
		r.Priority = c.intLit(rd.Priority)
		if rd.Negative {
			r.Priority = -r.Priority
		}
	}
	ctx := &bodyContext{object: obj, kind: "rule", mode: mode.Name}
	r.When = c.compileExpr(&rd.When.Expr, ctx.scope(), nil, true)
	r.Body = c.compileBlock(rd.Body, ctx)
	mode.Rules = append(mode.Rules, r)
}

func (c *compiler) compileWake(obj *Object, mode *Mode, wd *grammar.WakeDecl) {
	if mode.Name != Dormant {
		c.errorf(wd.Pos, "wake belongs in the dormant block, not in %s", mode.Name)
		return
	}
	if wd.After != nil {
		d, err := ParseDuration(wd.After.Value)
		if err != nil {
			c.errorf(wd.After.Pos, "%v", err)
			return
		}
		if d <= 0 {
			c.errorf(wd.After.Pos, "wake after needs a positive duration, got %s", wd.After.Value)
			return
		}
		mode.WakeAfter = d
		return
	}
	h := obj.LookupHandler(Dormant, wd.Message)
	if h == nil {
		c.errorf(wd.Pos, "wake on %q: %s has no handler for that message", wd.Message, obj.Name)
		return
	}
	w := &Wake{Message: wd.Message, Pos: wd.Pos}
	if wd.When != nil {
		sc := &scope{object: obj, params: h.Params}
		w.When = c.compileExpr(&wd.When.Expr, sc, nil, true)
	}
	mode.WakeOn = append(mode.WakeOn, w)
}

package vm

import (
	"fmt"
	"math"
	"time"

	"github.com/mor-lang/mor/compiler"
)

// run executes actions in order until they end or a mode change stops
// them. cause names the rule or handler, for lineage.
func (s *step) run(actions []compiler.Action, cause string) error {
	for _, a := range actions {
		if s.stop {
			return nil
		}
		s.actions++
		if s.actions > s.w.vm.opts.MaxActionsPerStep {
			return &stepError{constraint: "budget", pos: a.Position().String(), msg: fmt.Sprintf(
				"%s ran more than %d actions in one step", cause, s.w.vm.opts.MaxActionsPerStep)}
		}
		if err := s.exec(a, cause); err != nil {
			return err
		}
	}
	return nil
}

// exec is the one dispatch over action kinds.
func (s *step) exec(a compiler.Action, cause string) error {
	switch a := a.(type) {
	case *compiler.Assign:
		return s.assign(a, cause)
	case *compiler.If:
		ok, err := s.w.condition(a.Cond)
		if err != nil {
			return err
		}
		if ok {
			return s.run(a.Then, cause)
		}
		return s.run(a.Else, cause)
	case *compiler.Enter:
		s.setMode(a.Mode, a.Reason)
		s.modeCause = cause
	case *compiler.Inquire:
		q, err := s.w.evaluate(a.Question)
		if err != nil {
			return err
		}
		s.setMode(compiler.Inquiry, fmt.Sprint(q))
		s.modeCause = cause
	case *compiler.Emit:
		return s.emit(a, cause)
	case *compiler.Send:
		return s.send(a, cause)
	case *compiler.Spawn:
		return s.spawn(a, cause)
	case *compiler.After:
		s.setTimer(a.Timer)
	case *compiler.Cancel:
		s.timersCut = append(s.timersCut, a.Name)
		kept := s.timersSet[:0]
		for _, t := range s.timersSet {
			if t.timer.Name != a.Name { // a timer set earlier in this step
				kept = append(kept, t)
			}
		}
		s.timersSet = kept
	case *compiler.Append:
		return s.appendValue(a, cause)
	case *compiler.Remove:
		return s.removeValue(a, cause)
	default:
		return &stepError{constraint: "action", pos: a.Position().String(),
			msg: fmt.Sprintf("action %T cannot run in an object", a)}
	}
	return nil
}

// setMode records a mode change; it takes effect at commit and ends the
// step's actions.
func (s *step) setMode(mode, reason string) {
	s.stop = true
	if mode == s.mode && mode != compiler.Inquiry {
		return
	}
	s.mode, s.reason, s.modeChanged = mode, reason, true
	s.question = ""
	if mode == compiler.Inquiry {
		s.question = reason
	}
	s.w.env[compiler.ModeName] = s.w.boxMode(mode)
}

// skip records an emit, send or spawn that does not run in inquiry.
func (s *step) skip(what, name, pos, cause string) {
	s.skipped = append(s.skipped, Entry{Kind: KindSkipped, Cause: cause,
		Reason: fmt.Sprintf("%s %s at %s not run in inquiry", what, name, pos)})
}

func (s *step) emit(a *compiler.Emit, cause string) error {
	if s.mode == compiler.Inquiry {
		s.skip("emit", a.Name, a.Pos.String(), cause)
		return nil
	}
	fields, err := s.evalNamed(a.Fields)
	if err != nil {
		return err
	}
	s.events = append(s.events, Event{Time: s.now, Object: s.inst.addr, Kind: "emit",
		Name: a.Name, Fields: fields})
	return nil
}

func (s *step) evalNamed(named []compiler.NamedExpr) (map[string]any, error) {
	out := make(map[string]any, len(named))
	for _, n := range named {
		v, err := s.w.evaluate(n.Value)
		if err != nil {
			return nil, err
		}
		out[n.Name] = compiler.Clone(v)
	}
	return out, nil
}

func (s *step) targetAddr(typ string, id *compiler.Expr) (string, error) {
	v, err := s.w.evaluate(id)
	if err != nil {
		return "", err
	}
	str, ok := v.(string)
	if !ok || str == "" {
		return "", &stepError{constraint: "address", pos: id.Pos.String(),
			msg: fmt.Sprintf("object id must be a non-empty string, got %s", compiler.Format(v))}
	}
	return typ + "/" + str, nil
}

func (s *step) send(a *compiler.Send, cause string) error {
	if s.mode == compiler.Inquiry {
		s.skip("send", a.Message, a.Pos.String(), cause)
		return nil
	}
	addr, err := s.targetAddr(a.Type, a.ID)
	if err != nil {
		return err
	}
	args := make([]any, len(a.Args))
	for i, e := range a.Args {
		if e == nil {
			continue // an optional parameter left out
		}
		if args[i], err = s.w.evaluate(e); err != nil {
			return err
		}
		args[i] = compiler.Clone(args[i])
	}
	target := s.w.vm.prog.Objects[a.Type]
	named := argMap(anyHandler(target, a.Message), args)
	if _, err := convertArgs(anyHandler(target, a.Message), named); err != nil {
		return &stepError{constraint: "parameters", pos: a.Pos.String(),
			msg: fmt.Sprintf("send %s to %s: %v", a.Message, addr, err)}
	}
	s.sends = append(s.sends, outgoing{addr: addr, msg: message{name: a.Message, args: args,
		sender: s.inst.addr}})
	return nil
}

func (s *step) spawn(a *compiler.Spawn, cause string) error {
	if s.mode == compiler.Inquiry {
		s.skip("spawn", a.Type, a.Pos.String(), cause)
		return nil
	}
	addr, err := s.targetAddr(a.Type, a.ID)
	if err != nil {
		return err
	}
	fields, err := s.evalNamed(a.Fields)
	if err != nil {
		return err
	}
	s.spawns = append(s.spawns, outgoing{addr: addr, fields: fields, pos: a.Pos.String()})
	return nil
}

func (s *step) setTimer(t *compiler.Timer) {
	ts := &timerState{timer: t, due: s.now.Add(t.Delay), mode: s.mode, writer: s.writer}
	for _, p := range t.Params {
		ts.args = append(ts.args, compiler.Clone(s.w.env[p.Name]))
	}
	s.timersSet = append(s.timersSet, ts)
}

func (s *step) assign(a *compiler.Assign, cause string) error {
	raw, err := s.w.evaluate(a.Value)
	if err != nil {
		return err
	}
	if a.Op != "=" {
		current, err := s.readPath(a.Target)
		if err != nil {
			return err
		}
		delta := raw
		if raw, err = arith(a.Op, current, delta); err != nil {
			return &stepError{constraint: "arithmetic", field: a.Target.Field.Name, pos: a.Pos.String(),
				msg: fmt.Sprintf("%s %s %s: %v", a.Target.Field.Name, a.Op, compiler.Format(delta), err)}
		}
	}
	val, err := compiler.Convert(raw, a.Target.Type)
	if err != nil {
		return &stepError{constraint: "type", field: a.Target.Field.Name, value: raw, hasValue: true,
			pos: a.Pos.String(), msg: fmt.Sprintf("cannot assign to %s: %v", a.Target.Field.Name, err)}
	}
	return s.writePath(a.Target, val, cause)
}

// arith applies += or -= with overflow checks.
func arith(op string, current, delta any) (any, error) {
	if op == "-=" {
		switch d := delta.(type) {
		case int:
			if d == math.MinInt {
				return nil, fmt.Errorf("integer overflow")
			}
			delta = -d
		case float64:
			delta = -d
		case time.Duration:
			delta = -d
		case string:
			return nil, fmt.Errorf("-= does not apply to strings")
		}
	}
	switch c := current.(type) {
	case int:
		if d, ok := delta.(int); ok {
			sum := c + d
			if (d > 0 && sum < c) || (d < 0 && sum > c) {
				return nil, fmt.Errorf("integer overflow")
			}
			return sum, nil
		}
		if d, ok := delta.(float64); ok {
			return float64(c) + d, nil
		}
	case float64:
		if d, ok := toFloat(delta); ok {
			return c + d, nil
		}
	case time.Duration:
		if d, ok := delta.(time.Duration); ok {
			sum := c + d
			if (d > 0 && sum < c) || (d < 0 && sum > c) {
				return nil, fmt.Errorf("duration overflow")
			}
			return sum, nil
		}
	case time.Time:
		if d, ok := delta.(time.Duration); ok {
			return c.Add(d), nil
		}
	case string:
		if d, ok := delta.(string); ok {
			return c + d, nil
		}
	case nil:
		return nil, fmt.Errorf("the field is nil")
	}
	return nil, fmt.Errorf("cannot combine %s and %s", compiler.Format(current), compiler.Format(delta))
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}

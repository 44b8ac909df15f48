package vm

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mor-lang/mor/compiler"
)

// step is the state of one step in progress: a private copy of the
// object's memory and mode, and everything the step will do if it
// commits.
type step struct {
	w      *worker
	inst   *instance
	now    time.Time
	kind   string // StepSpawn, StepMessage, StepTimer, StepCycle
	cause  string
	sender string
	writer string // "rules", "handlers" or "" for spawn and timers

	fields  []any
	changed []bool
	cloned  []bool
	causes  []string // rule or handler that last wrote each field

	params []*compiler.Field // the handler's or timer's parameters

	mode, reason, question string
	modeCause              string
	modeChanged            bool
	stop                   bool // a mode change ended the actions
	actions                int

	sends, spawns []outgoing
	events        []Event
	skipped       []Entry
	timersSet     []*timerState
	timersCut     []string
}

// stepError is the reason a step was rejected.
type stepError struct {
	constraint string
	field      string
	value      any
	hasValue   bool
	pos        string
	msg        string
}

func (e *stepError) Error() string { return e.msg }

func (w *worker) begin(inst *instance, kind, cause string, now time.Time) *step {
	s := &w.step
	*s = step{w: w, inst: inst, now: now, kind: kind, cause: cause,
		fields: s.fields[:0], changed: s.changed[:0], cloned: s.cloned[:0], causes: s.causes[:0]}
	n := len(inst.typ.Fields)
	if inst.rec != nil {
		s.fields = append(s.fields, inst.rec.Fields...)
		s.mode = inst.rec.Mode
	} else {
		for _, f := range inst.typ.Fields {
			s.fields = append(s.fields, f.Type.Zero())
		}
		s.mode = compiler.Active
	}
	for i := 0; i < n; i++ {
		s.changed = append(s.changed, false)
		s.cloned = append(s.cloned, false)
		s.causes = append(s.causes, "")
	}
	w.bindEnv(s)
	return s
}

// runSpawn creates the object's first memory from defaults and the
// spawn's field values, checks it, and commits it.
func (w *worker) runSpawn(inst *instance, req *spawnRequest, now time.Time) {
	s := w.begin(inst, StepSpawn, "spawn", now)
	s.sender = req.sender
	err := s.initFields(req.fields)
	if err == nil {
		err = s.checkSpawn()
	}
	if err != nil {
		// The object does not come into being; later messages to it
		// create it again with defaults.
		w.reject(s, err)
		return
	}
	w.commit(s)
}

func (s *step) initFields(given map[int]any) error {
	for i, f := range s.inst.typ.Fields {
		s.changed[i] = true
		s.causes[i] = "spawn"
		if v, ok := given[i]; ok {
			s.fields[i] = v
			s.w.env[f.Name] = v
			continue
		}
		if f.Default == nil {
			continue
		}
		raw, err := s.w.evaluate(f.Default)
		if err != nil {
			return err
		}
		val, err := compiler.Convert(raw, f.Type)
		if err != nil {
			return &stepError{constraint: "type", field: f.Name, value: raw, hasValue: true,
				pos: f.Default.Pos.String(), msg: fmt.Sprintf("default of %s: %v", f.Name, err)}
		}
		s.fields[i] = val
		s.w.env[f.Name] = val
	}
	return nil
}

func (w *worker) runMessage(inst *instance, m message, now time.Time) {
	mode := compiler.Active
	if inst.rec != nil {
		mode = inst.rec.Mode
	}
	s := w.begin(inst, StepMessage, m.name, now)
	s.sender = m.sender
	s.writer = "handlers"
	if inst.rec == nil {
		w.reject(s, &stepError{constraint: "spawn", msg: fmt.Sprintf(
			"%s does not exist because its spawn was rejected; message %s not handled",
			inst.addr, m.name)})
		return
	}
	h := inst.typ.LookupHandler(mode, m.name)
	if h == nil {
		w.reject(s, &stepError{constraint: "handler", msg: fmt.Sprintf(
			"no handler for message %s in mode %s", m.name, mode)})
		return
	}
	args, err := convertArgs(h, argMap(anyHandler(inst.typ, m.name), m.args))
	if err != nil {
		w.reject(s, &stepError{constraint: "parameters", msg: err.Error(), pos: h.Pos.String()})
		return
	}
	w.bindParams(h.Params, args)
	s.params = h.Params
	if err := s.run(h.Body, m.name); err != nil {
		w.reject(s, err)
		return
	}
	if mode == compiler.Dormant && !s.modeChanged {
		if err := s.checkWake(m.name); err != nil {
			w.reject(s, err)
			return
		}
	}
	w.finish(s)
}

// runSet applies field writes made through VM.Set, governed like any
// other write.
func (w *worker) runSet(inst *instance, m message, now time.Time) {
	s := w.begin(inst, StepAPI, "set", now)
	s.sender = m.sender
	s.writer = "api"
	if inst.rec == nil {
		w.reject(s, &stepError{constraint: "spawn", msg: fmt.Sprintf(
			"%s does not exist because its spawn was rejected", inst.addr)})
		return
	}
	for slot := range inst.typ.Fields {
		if v, ok := m.set[slot]; ok {
			s.set(slot, v, "set")
		}
	}
	w.finish(s)
}

// argMap turns arguments checked against one handler back into names,
// so they can be checked against the handler that actually runs.
func argMap(h *compiler.Handler, args []any) map[string]any {
	out := make(map[string]any, len(args))
	for i, p := range h.Params {
		if i < len(args) && args[i] != nil {
			out[p.Name] = args[i]
		}
	}
	return out
}

// checkWake resumes a dormant object when a wake clause matches the
// message it just handled.
func (s *step) checkWake(msg string) error {
	for _, wk := range s.inst.typ.Modes[compiler.Dormant].WakeOn {
		if wk.Message != msg {
			continue
		}
		ok := true
		if wk.When != nil {
			var err error
			if ok, err = s.w.condition(wk.When); err != nil {
				return err
			}
		}
		if ok {
			s.setMode(compiler.Active, "wake on "+msg)
			return nil
		}
	}
	return nil
}

func (w *worker) runCycle(inst *instance, e *dueEvent, now time.Time) {
	mode := inst.typ.Modes[inst.rec.Mode]
	if mode == nil || mode.Cycle == nil {
		return
	}
	missed := 0
	if every := mode.Cycle.Every; now.Sub(e.at) >= every {
		missed = int(now.Sub(e.at) / every)
	}
	runs := 1
	switch {
	case missed > 0 && mode.Cycle.CatchUp == compiler.CatchUpAll:
		runs = missed + 1
	case missed > 0 && mode.Cycle.CatchUp == compiler.CatchUpSkip:
		runs = 0
	}
	for i := 0; i < runs && inst.rec.Mode == mode.Name; i++ {
		w.runOneCycle(inst, mode, now, missed)
		missed = 0
	}
	if runs == 0 {
		w.recordMissed(inst, now, missed)
	}
	if inst.rec.Mode == mode.Name && inst.cycleGen == e.gen {
		next := e.at.Add(mode.Cycle.Every)
		for !next.After(now) {
			next = next.Add(mode.Cycle.Every)
		}
		inst.output().schedule = append(inst.output().schedule,
			&dueEvent{at: next, inst: inst, kind: eventCycle, gen: inst.cycleGen})
	}
}

// recordMissed commits a step that only records skipped cycle ticks.
func (w *worker) recordMissed(inst *instance, now time.Time, missed int) {
	s := w.begin(inst, StepCycle, "cycle", now)
	s.skipped = append(s.skipped, Entry{Kind: KindMissed, Count: missed, Cause: "cycle"})
	w.commit(s)
}

// runOneCycle runs the mode's rules once, in priority order. Each rule
// fires at most once and reads what earlier rules wrote; a mode change
// ends the cycle.
func (w *worker) runOneCycle(inst *instance, mode *compiler.Mode, now time.Time, missed int) {
	// A quiet cycle, in which no rule fires, reads committed memory
	// and starts no step at all.
	w.bindMemory(inst, inst.rec.Fields, inst.rec.Mode, now)
	first := w.firstRule(mode)
	if first == len(mode.Rules) && missed == 0 {
		inst.cycles++ // a quiet cycle ends any streak of flips
		return
	}
	s := w.begin(inst, StepCycle, "cycle", now)
	s.writer = "rules"
	if missed > 0 {
		s.skipped = append(s.skipped, Entry{Kind: KindMissed, Count: missed, Cause: "cycle"})
	}
	for i, r := range mode.Rules[first:] {
		fire := i == 0 && first > 0
		var err error
		if !fire {
			fire, err = w.condition(r.When)
		}
		if err != nil {
			s.cause = r.Name
			w.reject(s, withCause(err, "rule "+r.Name))
			return
		}
		if !fire {
			continue
		}
		if err := s.run(r.Body, r.Name); err != nil {
			s.cause = r.Name
			w.reject(s, withCause(err, "rule "+r.Name))
			return
		}
		if s.stop {
			break
		}
	}
	w.finish(s)
}

// firstRule returns the index of the first rule whose condition holds,
// evaluating the mode's guard once; len(mode.Rules) when none holds. If
// the guard fails, the rules are evaluated one by one from the start so
// that the failing rule is named.
func (w *worker) firstRule(mode *compiler.Mode) int {
	if mode.Guard == nil {
		return 0
	}
	out, err := w.eval.Run(mode.Guard.Program, w.env)
	if err != nil {
		return 0
	}
	n, _ := out.(int)
	if n == 0 {
		return len(mode.Rules)
	}
	return n - 1
}

func withCause(err error, cause string) error {
	var se *stepError
	if errors.As(err, &se) && !strings.Contains(se.msg, cause) {
		se.msg = cause + ": " + se.msg
	}
	return err
}

func (w *worker) runTimer(inst *instance, t *timerState, now time.Time) {
	name := t.timer.Name
	if name == "" {
		name = "after " + compiler.FormatDuration(t.timer.Delay)
	}
	s := w.begin(inst, StepTimer, name, now)
	s.writer = t.writer
	if len(t.timer.Params) == len(t.args) {
		w.bindParams(t.timer.Params, t.args)
		s.params = t.timer.Params
	}
	if err := s.run(t.timer.Body, name); err != nil {
		w.reject(s, err)
		return
	}
	w.finish(s)
}

func (w *worker) runWakeAfter(inst *instance, now time.Time) {
	s := w.begin(inst, StepTimer, "wake after", now)
	s.setMode(compiler.Active, "wake after "+
		compiler.FormatDuration(inst.typ.Modes[compiler.Dormant].WakeAfter))
	w.finish(s)
}

// finish checks governance and commits, or rejects.
func (w *worker) finish(s *step) {
	// Constraints and invariants read fields, never the parameters that
	// hide them in the step's own expressions.
	for i, f := range s.inst.typ.Fields {
		w.env[f.Name] = s.fields[i]
	}
	if err := s.checkGovernance(); err != nil {
		// In a cycle, the rejection names the rule that wrote the field.
		var se *stepError
		if errors.As(err, &se) && s.kind == StepCycle {
			root, _, _ := strings.Cut(se.field, ".")
			if slot, ok := s.inst.typ.FieldIndex[root]; ok && s.causes[slot] != "" {
				s.cause = s.causes[slot]
			}
		}
		w.reject(s, err)
		return
	}
	w.commit(s)
}

func quote(src string) string {
	src = strings.Join(strings.Fields(src), " ")
	if len(src) > 60 {
		src = src[:57] + "..."
	}
	return fmt.Sprintf("%q", src)
}

// cleanExprError keeps the first line of an expr-lang run-time error,
// which carries the message; the rest repeats the source.
func cleanExprError(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}

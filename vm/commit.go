package vm

import (
	"errors"
	"fmt"
	"time"

	"github.com/mor-lang/mor/compiler"
)

// reject commits a rejected step: one lineage entry and nothing else.
func (w *worker) reject(s *step, err error) {
	var se *stepError
	if !errors.As(err, &se) {
		se = &stepError{constraint: "error", msg: err.Error()}
	}
	e := Entry{Kind: KindRejected, Field: se.field, Constraint: se.constraint, Error: se.msg}
	if se.hasValue {
		e.Value = se.value
	}
	if se.pos != "" {
		e.Error += " (at " + se.pos + ")"
	}
	for _, sk := range s.skipped {
		if sk.Kind == KindMissed {
			e.Count = sk.Count
		}
	}
	w.write(s, []Entry{e}, nil)
	cause := s.kind + " " + s.cause
	if s.kind == StepMessage {
		cause = "message " + s.cause
	}
	s.inst.output().events = append(s.inst.output().events, Event{Time: s.now, Object: s.inst.addr,
		Kind: "rejected", Name: cause, Reason: e.Error})
}

// commit writes a step's changes: new memory, lineage entries, the mode
// change and its effects on timers and cycles, and the messages, spawns
// and events for the merge after the round.
func (w *worker) commit(s *step) {
	inst := s.inst
	var entries []Entry
	for i, f := range inst.typ.Fields {
		if !s.changed[i] {
			continue
		}
		var old any
		if inst.rec != nil {
			old = inst.rec.Fields[i]
		}
		entries = append(entries, Entry{Kind: KindSet, Field: f.Name, Old: old, New: s.fields[i],
			Cause: s.causes[i]})
	}
	entries = append(entries, s.skipped...)
	oldMode := compiler.Active
	if inst.rec != nil {
		oldMode = inst.rec.Mode
	}
	if s.modeChanged {
		entries = append(entries, Entry{Kind: KindMode, Field: "mode", Old: oldMode, New: s.mode,
			Reason: s.reason, Cause: s.modeCause})
	}
	var rec *objectRecord
	if len(entries) > 0 || inst.rec == nil {
		rec = w.newRecord(s)
	}
	if s.kind == StepCycle {
		w.watchFlips(s)
	}
	w.write(s, entries, rec)
	w.applyEffects(s, oldMode)
}

// flip follows one field that rules keep changing back and forth.
type flip struct {
	rule      string
	lastCycle uint64
	lastOld   any
	count     int
	warned    bool
}

// watchFlips counts, per field, consecutive cycles in which the same
// rule set the field back to the value it had before its previous
// change, and reports a warning event once a streak reaches
// Options.FlipWarning.
func (w *worker) watchFlips(s *step) {
	inst := s.inst
	inst.cycles++
	for i, f := range inst.typ.Fields {
		if !s.changed[i] {
			continue
		}
		if inst.flips == nil {
			inst.flips = map[int]*flip{}
		}
		fl := inst.flips[i]
		old := inst.rec.Fields[i]
		switch {
		case fl == nil || fl.rule != s.causes[i] || fl.lastCycle+1 != inst.cycles ||
			!compiler.Equal(s.fields[i], fl.lastOld):
			fl = &flip{rule: s.causes[i], count: 1}
			inst.flips[i] = fl
		default:
			fl.count++
		}
		fl.lastCycle, fl.lastOld = inst.cycles, old
		if fl.count >= w.vm.opts.FlipWarning && !fl.warned {
			fl.warned = true
			s.events = append(s.events, Event{Time: s.now, Object: inst.addr, Kind: "warning",
				Name: "rule " + fl.rule, Reason: fmt.Sprintf("rule %s has flipped %s back and forth "+
					"in %d consecutive cycles", fl.rule, f.Name, fl.count)})
		}
	}
}

func (w *worker) newRecord(s *step) *objectRecord {
	inst := s.inst
	fields := make([]any, len(s.fields))
	copy(fields, s.fields)
	rec := &objectRecord{Addr: inst.addr, Mode: s.mode,
		Fields: fields, Version: inst.typ.Version, Born: s.now}
	if inst.rec != nil {
		rec.Born = inst.rec.Born
		rec.Seq = inst.rec.Seq
		rec.Question = inst.rec.Question
	}
	if s.modeChanged {
		rec.Question = s.question
	}
	return rec
}

// write numbers entries and records the step's commit: rec (if not nil)
// becomes the object's state at once, and the entries go to the round's
// output. The round's go-memdb transaction (see storeRound) writes them
// after all objects' steps have run.
func (w *worker) write(s *step, entries []Entry, rec *objectRecord) {
	if len(entries) == 0 && rec == nil {
		return
	}
	inst := s.inst
	seq := inst.seq
	for i := range entries {
		seq++
		e := &entries[i]
		e.Object, e.Seq, e.Time, e.Step, e.Version = inst.addr, seq, s.now, s.kind, inst.typ.Version
		if e.Cause == "" {
			e.Cause = s.cause
		}
		if s.kind == StepMessage || s.kind == StepSpawn {
			e.Sender = s.sender
		}
	}
	if rec == nil && inst.rec != nil {
		copied := *inst.rec // a rejection still advances the stored seq
		rec = &copied
	}
	if rec != nil {
		rec.Seq = seq
		if inst.rec != nil {
			rec.Recent = w.vm.window(inst, inst.rec.Recent, entries, s.now)
		}
		inst.rec = rec
		inst.output().dirty = true
	}
	inst.seq = seq
	inst.output().entries = append(inst.output().entries, entries...)
}

// window returns the object's recent lineage window after a commit of
// entries: the previous window plus the entries lineage queries read
// (changes other than spawn values, and rejections), with the oldest
// dropped beyond Options.RecentWindow unless a rate limit still needs
// them. The previous window is never modified, because committed
// records are shared with readers.
func (v *VM) window(inst *instance, old []*Entry, entries []Entry, now time.Time) []*Entry {
	added := 0
	for i := range entries {
		if queried(&entries[i]) {
			added++
		}
	}
	if added == 0 {
		return old
	}
	keep := retention(inst.typ)
	drop := 0
	for len(old)-drop+added > v.opts.RecentWindow && drop < len(old) &&
		now.Sub(old[drop].Time) >= keep {
		drop++
	}
	out := make([]*Entry, 0, len(old)-drop+added)
	out = append(out, old[drop:]...)
	for i := range entries {
		if queried(&entries[i]) {
			out = append(out, &entries[i])
		}
	}
	return out
}

// queried reports whether lineage queries read an entry.
func queried(e *Entry) bool {
	return e.Kind == KindRejected || e.Kind == KindSet && e.Step != StepSpawn && e.Step != StepUpgrade
}

// storeRound writes the records a round committed into go-memdb in one
// transaction. One transaction per round rather than per step is what
// keeps a mutating step cheap.
func (v *VM) storeRound(batch []*instance, now time.Time) {
	txn := v.db.Txn(true)
	for _, inst := range batch {
		if out := inst.output(); out.dirty && inst.rec != nil {
			if err := txn.Insert(tableObjects, inst.rec); err != nil {
				panic("vm: go-memdb insert failed: " + err.Error()) // a schema bug, not bad input
			}
		}
	}
	txn.Commit()
}

// retention is the longest rate-limit window of an object type: recent
// entries younger than that are never evicted.
func retention(obj *compiler.Object) time.Duration {
	var keep time.Duration
	for _, f := range obj.Fields {
		if f.RateLimit != nil && f.RateLimit.Per > keep {
			keep = f.RateLimit.Per
		}
	}
	return keep
}

// applyEffects carries out what a committed step set in motion.
func (w *worker) applyEffects(s *step, oldMode string) {
	inst := s.inst
	out := inst.output()
	out.events = append(out.events, s.events...)
	if s.kind == StepSpawn {
		w.scheduleMode(s, inst.typ.Modes[s.mode])
	}
	if s.modeChanged {
		w.changeMode(s, oldMode)
	}
	for _, name := range s.timersCut {
		for id, t := range inst.timers {
			if t.timer.Name == name {
				delete(inst.timers, id)
			}
		}
	}
	for _, t := range s.timersSet {
		if s.modeChanged {
			t.mode = s.mode // a timer set on the way into a mode belongs to it
		}
		w.addTimer(inst, t)
	}
	out.sends = append(out.sends, s.sends...)
	out.spawns = append(out.spawns, s.spawns...)
}

func (w *worker) addTimer(inst *instance, t *timerState) {
	if t.timer.Name != "" {
		for id, old := range inst.timers {
			if old.timer.Name == t.timer.Name {
				delete(inst.timers, id)
			}
		}
	}
	inst.nextTimerID++
	t.id = inst.nextTimerID
	if inst.timers == nil {
		inst.timers = map[uint64]*timerState{}
	}
	inst.timers[t.id] = t
	inst.output().schedule = append(inst.output().schedule,
		&dueEvent{at: t.due, inst: inst, kind: eventTimer, timer: t.id})
}

// changeMode cancels the old mode's timers and cycle, starts the new
// mode's cycle or wake timer, and reports the change.
func (w *worker) changeMode(s *step, oldMode string) {
	inst := s.inst
	for id, t := range inst.timers {
		if t.mode == oldMode {
			delete(inst.timers, id)
		}
	}
	inst.cycleGen++
	inst.wakeGen++
	w.scheduleMode(s, inst.typ.Modes[s.mode])
	inst.output().events = append(inst.output().events, Event{Time: s.now, Object: inst.addr, Kind: "mode",
		From: oldMode, To: s.mode, Reason: s.reason})
}

func (w *worker) scheduleMode(s *step, mode *compiler.Mode) {
	inst := s.inst
	if mode.Name == compiler.Dormant {
		if mode.WakeAfter > 0 {
			inst.output().schedule = append(inst.output().schedule, &dueEvent{at: s.now.Add(mode.WakeAfter),
				inst: inst, kind: eventWake, gen: inst.wakeGen})
		}
		return
	}
	if mode.Cycle != nil {
		inst.output().schedule = append(inst.output().schedule, &dueEvent{at: s.now.Add(mode.Cycle.Every),
			inst: inst, kind: eventCycle, gen: inst.cycleGen})
	}
}

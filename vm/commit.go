package vm

import (
	"errors"
	"time"

	"github.com/hashicorp/go-memdb"
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
	w.write(s, entries, rec)
	w.applyEffects(s, oldMode)
}

func (w *worker) newRecord(s *step) *objectRecord {
	inst := s.inst
	fields := make([]any, len(s.fields))
	copy(fields, s.fields)
	rec := &objectRecord{Addr: inst.addr, Type: inst.typ.Name, ID: inst.id, Mode: s.mode,
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

// write numbers entries, commits them and rec (if not nil) in one
// go-memdb transaction, and queues them for the sink.
func (w *worker) write(s *step, entries []Entry, rec *objectRecord) {
	if len(entries) == 0 && rec == nil {
		return
	}
	inst := s.inst
	seq := inst.lastSeq()
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
	txn := w.vm.db.Txn(true)
	if rec != nil {
		rec.Seq = seq
		if err := txn.Insert(tableObjects, rec); err != nil {
			txn.Abort()
			panic("vm: go-memdb insert failed: " + err.Error()) // a schema bug, not bad input
		}
	}
	w.addRecent(txn, s, entries)
	txn.Commit()
	if rec != nil {
		inst.rec = rec
	}
	inst.seq = seq
	inst.out.entries = append(inst.out.entries, entries...)
}

// addRecent inserts entries into the recent window and evicts the
// oldest beyond its size, unless a rate limit still needs them. Spawn
// entries stay out of the window: they hold the initial memory, which
// the sink keeps.
func (w *worker) addRecent(txn *memdb.Txn, s *step, entries []Entry) {
	inst := s.inst
	for i := range entries {
		e := &entries[i]
		if e.Step == StepSpawn && e.Kind == KindSet {
			continue
		}
		re := &recentEntry{Key: recentKey(inst.addr, e.Seq), FieldKey: inst.addr + "\x00" + e.Field,
			KindKey: inst.addr + "\x00" + e.Kind, Entry: *e}
		if err := txn.Insert(tableRecent, re); err != nil {
			panic("vm: go-memdb insert failed: " + err.Error())
		}
		if inst.oldestSeq == 0 {
			inst.oldestSeq = e.Seq
		}
	}
	window := uint64(w.vm.opts.RecentWindow)
	keep := retention(inst.typ)
	for inst.oldestSeq > 0 && inst.seqAfter(entries)-inst.oldestSeq+1 > window {
		raw, err := txn.First(tableRecent, "id", recentKey(inst.addr, inst.oldestSeq))
		if err == nil && raw != nil {
			if s.now.Sub(raw.(*recentEntry).Entry.Time) < keep {
				break
			}
			txn.Delete(tableRecent, raw)
		}
		inst.oldestSeq++
	}
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

func (inst *instance) lastSeq() uint64 { return inst.seq }

func (inst *instance) seqAfter(entries []Entry) uint64 {
	if len(entries) == 0 {
		return inst.seq
	}
	return entries[len(entries)-1].Seq
}

// applyEffects carries out what a committed step set in motion.
func (w *worker) applyEffects(s *step, oldMode string) {
	inst := s.inst
	out := &inst.out
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
	inst.timers[t.id] = t
	inst.out.schedule = append(inst.out.schedule,
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
	inst.out.events = append(inst.out.events, Event{Time: s.now, Object: inst.addr, Kind: "mode",
		From: oldMode, To: s.mode, Reason: s.reason})
}

func (w *worker) scheduleMode(s *step, mode *compiler.Mode) {
	inst := s.inst
	if mode.Name == compiler.Dormant {
		if mode.WakeAfter > 0 {
			inst.out.schedule = append(inst.out.schedule, &dueEvent{at: s.now.Add(mode.WakeAfter),
				inst: inst, kind: eventWake, gen: inst.wakeGen})
		}
		return
	}
	if mode.Cycle != nil {
		inst.out.schedule = append(inst.out.schedule, &dueEvent{at: s.now.Add(mode.Cycle.Every),
			inst: inst, kind: eventCycle, gen: inst.cycleGen})
	}
}

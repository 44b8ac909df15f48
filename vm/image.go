package vm

import (
	"container/heap"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mor-lang/mor/compiler"
)

// Image is the VM's state at a checkpoint: everything needed to resume
// a run exactly where it stopped. Checkpoints are taken between
// instants, when no step is in progress and every message of the last
// instant has been delivered.
type Image struct {
	Now time.Time
	// Order is the scheduler's tie-break counter for events due at the
	// same time.
	Order   uint64
	Objects []ObjectImage
}

// ObjectImage is one object's state at a checkpoint.
type ObjectImage struct {
	Addr     string
	Exists   bool // false while the object's spawn is pending or was rejected
	Mode     string
	Question string
	Seq      uint64
	Born     time.Time
	Version  int
	Fields   map[string]any
	// FieldTypes records each field's type as written in .mor, so that
	// a later program version can tell a changed type.
	FieldTypes map[string]string

	Cycle, Wake       *DueImage
	CycleGen, WakeGen uint64
	Timers            []TimerImage
	NextTimerID       uint64
	Inbox             []MessageImage
	PendingSpawn      *SpawnImage
	// Recent is the object's recent lineage window, oldest first.
	// Checkpoint leaves it empty, because a store keeps the full
	// lineage; the store fills it for Restore (see RecentFilter).
	Recent []Entry `json:"-"`
}

// DueImage is a scheduled event.
type DueImage struct {
	At    time.Time
	Order uint64
}

// TimerImage is a pending "after" timer.
type TimerImage struct {
	Args   []any // the setting handler's parameter values
	ID     uint64
	Timer  int // index into the object type's compiled timers
	Name   string
	Due    DueImage
	Mode   string
	Writer string
}

// MessageImage is an undelivered message.
type MessageImage struct {
	Name   string
	Args   map[string]any
	Sender string
	Set    map[string]any
}

// SpawnImage is a pending spawn.
type SpawnImage struct {
	Fields map[string]any
	Sender string
}

// Checkpoint returns the images of the objects that changed since the
// previous checkpoint, with the clock and scheduler counter. It must be
// called between runs, never while the VM runs, and needs
// Options.Checkpoints.
func (v *VM) Checkpoint() Image {
	img := Image{Now: v.now, Order: v.sched.order}
	addrs := make([]string, 0, len(v.sched.changed))
	for addr := range v.sched.changed {
		addrs = append(addrs, addr)
	}
	sort.Strings(addrs)
	for _, addr := range addrs {
		img.Objects = append(img.Objects, v.objects[addr].image())
	}
	if v.sched.changed != nil {
		v.sched.changed = map[string]bool{}
	}
	return img
}

func (inst *instance) image() ObjectImage {
	obj := inst.typ
	im := ObjectImage{Addr: inst.addr, Seq: inst.seq, CycleGen: inst.cycleGen,
		WakeGen: inst.wakeGen, NextTimerID: inst.nextTimerID, FieldTypes: map[string]string{}}
	if rec := inst.rec; rec != nil {
		im.Exists, im.Mode, im.Question, im.Born, im.Version = true, rec.Mode, rec.Question,
			rec.Born, rec.Version
		im.Fields = make(map[string]any, len(obj.Fields))
		for i, f := range obj.Fields {
			im.Fields[f.Name] = rec.Fields[i]
			im.FieldTypes[f.Name] = f.Type.String()
		}
	}
	if e := inst.cycleDue; e != nil && e.gen == inst.cycleGen {
		im.Cycle = &DueImage{At: e.at, Order: e.order}
	}
	if e := inst.wakeDue; e != nil && e.gen == inst.wakeGen {
		im.Wake = &DueImage{At: e.at, Order: e.order}
	}
	for _, t := range inst.sortedTimers() {
		ti := TimerImage{ID: t.id, Timer: t.timer.ID, Name: t.timer.Name, Mode: t.mode, Writer: t.writer,
			Due: DueImage{At: t.due}, Args: t.args}
		if t.event != nil {
			ti.Due.Order = t.event.order
		}
		im.Timers = append(im.Timers, ti)
	}
	for _, m := range inst.inbox {
		im.Inbox = append(im.Inbox, messageImage(obj, m))
	}
	if sp := inst.spawn; sp != nil {
		im.PendingSpawn = &SpawnImage{Fields: slotsToNames(obj, sp.fields), Sender: sp.sender}
	}
	return im
}

func (inst *instance) sortedTimers() []*timerState {
	out := make([]*timerState, 0, len(inst.timers))
	for _, t := range inst.timers {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func messageImage(obj *compiler.Object, m message) MessageImage {
	mi := MessageImage{Name: m.name, Sender: m.sender}
	if m.set != nil {
		mi.Set = slotsToNames(obj, m.set)
		return mi
	}
	mi.Args = argMap(anyHandler(obj, m.name), m.args)
	return mi
}

func slotsToNames(obj *compiler.Object, values map[int]any) map[string]any {
	out := make(map[string]any, len(values))
	for slot, v := range values {
		out[obj.Fields[slot].Name] = v
	}
	return out
}

// Restore loads images into a new VM that has not run yet, as a
// checkpoint left them. Objects written by an earlier version of the
// program are upgraded: see upgrade.go.
func (v *VM) Restore(img Image) error {
	if len(v.objects) > 0 {
		return fmt.Errorf("restore: the VM already has objects")
	}
	v.now, v.nowBoxed = img.Now, img.Now
	if c, ok := v.clock.(*VirtualClock); ok {
		c.Set(img.Now)
	}
	var upgrades []upgradeNote
	for i := range img.Objects {
		note, err := v.restoreObject(&img.Objects[i])
		if err != nil {
			return err
		}
		if note != nil {
			upgrades = append(upgrades, *note)
		}
	}
	v.sched.order = img.Order
	v.recordUpgrades(upgrades)
	return nil
}

func (v *VM) restoreObject(im *ObjectImage) (*upgradeNote, error) {
	obj, id, err := v.ParseAddress(im.Addr)
	if err != nil {
		return nil, fmt.Errorf("restore %s: %w", im.Addr, err)
	}
	inst := v.newInstance(obj, id)
	inst.seq, inst.cycleGen, inst.wakeGen, inst.nextTimerID = im.Seq, im.CycleGen, im.WakeGen,
		im.NextTimerID
	var note *upgradeNote
	if im.Exists {
		v.restoring = im
		fields, n, err := v.upgradeFields(obj, im)
		v.restoring = nil
		if err != nil {
			return nil, err
		}
		if n != nil {
			n.inst = inst
			note = n
		}
		inst.rec = &objectRecord{Addr: inst.addr, Mode: im.Mode,
			Fields: fields, Seq: im.Seq, Question: im.Question, Born: im.Born, Version: im.Version}
		if _, ok := obj.Modes[im.Mode]; !ok {
			return nil, fmt.Errorf("restore %s: mode %q is no longer declared in %s", im.Addr,
				im.Mode, obj.Name)
		}
	}
	if err := v.restoreSchedule(inst, im); err != nil {
		return nil, err
	}
	if err := v.restoreQueues(inst, im); err != nil {
		return nil, err
	}
	v.restoreRecent(inst, im.Recent)
	if inst.rec != nil {
		txn := v.db.Txn(true)
		if err := txn.Insert(tableObjects, inst.rec); err != nil {
			txn.Abort()
			return nil, err
		}
		txn.Commit()
	}
	return note, nil
}

func (v *VM) restoreSchedule(inst *instance, im *ObjectImage) error {
	if im.Cycle != nil {
		e := &dueEvent{at: im.Cycle.At, order: im.Cycle.Order, inst: inst, kind: eventCycle,
			gen: inst.cycleGen}
		v.sched.restore(e)
		inst.cycleDue = e
	}
	if im.Wake != nil {
		e := &dueEvent{at: im.Wake.At, order: im.Wake.Order, inst: inst, kind: eventWake,
			gen: inst.wakeGen}
		v.sched.restore(e)
		inst.wakeDue = e
	}
	for _, ti := range im.Timers {
		timer := findTimer(inst.typ, ti)
		if timer == nil {
			return fmt.Errorf("restore %s: pending timer %q is no longer in the program; name "+
				"timers with after D as NAME so that they survive program changes", inst.addr, ti.Name)
		}
		t := &timerState{id: ti.ID, timer: timer, due: ti.Due.At, mode: ti.Mode,
			writer: ti.Writer, args: ti.Args}
		t.event = &dueEvent{at: ti.Due.At, order: ti.Due.Order, inst: inst, kind: eventTimer, timer: ti.ID}
		if inst.timers == nil {
			inst.timers = map[uint64]*timerState{}
		}
		inst.timers[t.id] = t
		v.sched.restore(t.event)
	}
	return nil
}

func (v *VM) restoreQueues(inst *instance, im *ObjectImage) error {
	obj := inst.typ
	for _, mi := range im.Inbox {
		if mi.Set != nil {
			values, err := convertFields(obj, mi.Set)
			if err != nil {
				return fmt.Errorf("restore %s: queued write: %w", inst.addr, err)
			}
			inst.inbox = append(inst.inbox, message{set: values, sender: mi.Sender})
			continue
		}
		h := anyHandler(obj, mi.Name)
		if h == nil {
			return fmt.Errorf("restore %s: queued message %q has no handler in this program",
				inst.addr, mi.Name)
		}
		args, err := convertArgs(h, mi.Args)
		if err != nil {
			return fmt.Errorf("restore %s: queued message %s: %w", inst.addr, mi.Name, err)
		}
		inst.inbox = append(inst.inbox, message{name: mi.Name, args: args, sender: mi.Sender})
	}
	if sp := im.PendingSpawn; sp != nil {
		values, err := convertFields(obj, sp.Fields)
		if err != nil {
			return fmt.Errorf("restore %s: pending spawn: %w", inst.addr, err)
		}
		inst.spawn = &spawnRequest{fields: values, sender: sp.Sender}
	}
	if len(inst.inbox) > 0 || inst.spawn != nil {
		v.sched.markReady(inst)
	}
	return nil
}

// RecentFilter reports which lineage entries, read newest first, belong in
// an object's recent window after a restore: the same ones a run keeps,
// the newest window entries that are changes or rejections, and older
// ones a rate limit still reads. It returns false once no older entry
// can belong.
func (v *VM) RecentFilter(addr string) func(e *Entry, now time.Time) (keep, more bool) {
	typ, _, _ := strings.Cut(addr, "/")
	obj := v.prog.Objects[typ]
	if obj == nil {
		return func(*Entry, time.Time) (bool, bool) { return false, false }
	}
	keepFor := retention(obj)
	kept := 0
	return func(e *Entry, now time.Time) (bool, bool) {
		if kept >= v.opts.RecentWindow && now.Sub(e.Time) >= keepFor {
			return false, false
		}
		if e.Kind == KindRejected || e.Kind == KindSet && e.Step != StepSpawn && e.Step != StepUpgrade {
			kept++
			return true, true
		}
		return false, true
	}
}

// restoreRecent puts an object's recent lineage window back.
func (v *VM) restoreRecent(inst *instance, recent []Entry) {
	if len(recent) == 0 || inst.rec == nil {
		return
	}
	inst.rec.Recent = make([]*Entry, len(recent))
	for i := range recent {
		inst.rec.Recent[i] = &recent[i]
	}
}

// findTimer matches a stored timer to the program: by name when it has
// one, else by its place among the object type's timers.
func findTimer(obj *compiler.Object, ti TimerImage) *compiler.Timer {
	if ti.Name != "" {
		for _, t := range obj.Timers {
			if t.Name == ti.Name {
				return t
			}
		}
		return nil
	}
	if ti.Timer < 0 || ti.Timer >= len(obj.Timers) || obj.Timers[ti.Timer].Name != "" {
		return nil
	}
	return obj.Timers[ti.Timer]
}

// restore pushes an event with its recorded order.
func (s *scheduler) restore(e *dueEvent) {
	heap.Push(&s.events, e)
}

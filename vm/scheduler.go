package vm

import (
	"container/heap"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mor-lang/mor/compiler"
)

// instance is one live object. Between rounds only the VM goroutine
// touches it; during a round only the worker that owns it does.
type instance struct {
	addr string
	typ  *compiler.Object
	id   string
	// addrBoxed and idBoxed are addr and id as interface values, made
	// once so that binding them for each step does not allocate.
	addrBoxed, idBoxed any
	rec                *objectRecord // latest committed state; nil before the spawn step

	spawn *spawnRequest // pending spawn step
	inbox []message
	due   []*dueEvent // timer and cycle events due this instant, in order

	timers      map[uint64]*timerState
	nextTimerID uint64
	cycleGen    uint64 // a cycle event with another generation is stale
	wakeGen     uint64
	seq         uint64 // the latest lineage sequence number
	// cycles counts the object's cycle steps; flips follows fields that
	// rules keep changing back and forth (see watchFlips).
	cycles uint64
	flips  map[int]*flip

	// cycleDue and wakeDue are the object's scheduled cycle and wake
	// events, nil when none is pending.
	cycleDue, wakeDue *dueEvent

	ready bool // queued for the current round

	out *roundOutput // the output of the object's steps in the current round
}

type message struct {
	name   string
	args   []any
	sender string
	// set holds field writes made through VM.Set; name is then empty.
	set map[int]any
}

type spawnRequest struct {
	fields map[int]any
	sender string
}

type timerState struct {
	event  *dueEvent // the scheduled firing
	id     uint64
	timer  *compiler.Timer
	due    time.Time
	mode   string
	writer string // the kind of code that set the timer
	args   []any  // the handler parameters' values when the timer was set
}

// Kinds of scheduled events.
const (
	eventCycle = iota
	eventTimer
	eventWake
)

type dueEvent struct {
	at    time.Time
	order uint64 // assigned when scheduled; breaks ties deterministically
	inst  *instance
	kind  int
	gen   uint64 // cycle or wake generation
	timer uint64 // timer id
}

// roundOutput is the output of one object's steps in a round: lineage,
// events, messages, spawns and timers for the merge after the round.
type roundOutput struct {
	entries  []Entry
	events   []Event
	sends    []outgoing
	spawns   []outgoing
	schedule []*dueEvent
	// dirty marks that the object's record changed in this round.
	dirty bool
}

type outgoing struct {
	addr   string
	msg    message
	fields map[string]any
	pos    string
}

type eventHeap []*dueEvent

func (h eventHeap) Len() int { return len(h) }
func (h eventHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].order < h[j].order
}
func (h eventHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *eventHeap) Push(x any)   { *h = append(*h, x.(*dueEvent)) }
func (h *eventHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// scheduler holds the due events and the objects with work this instant.
type scheduler struct {
	events eventHeap
	order  uint64
	ready  []*instance
	// changed holds the addresses of objects that had work since the
	// last checkpoint; nil unless Options.Checkpoints is set.
	changed map[string]bool
}

func (s *scheduler) push(e *dueEvent) {
	s.order++
	e.order = s.order
	heap.Push(&s.events, e)
}

func (s *scheduler) markChanged(addr string) {
	if s.changed != nil {
		s.changed[addr] = true
	}
}

func (s *scheduler) markReady(inst *instance) {
	s.markChanged(inst.addr)
	if !inst.ready {
		inst.ready = true
		s.ready = append(s.ready, inst)
	}
}

// next returns the time of the earliest scheduled event.
func (s *scheduler) next() (time.Time, bool) {
	if len(s.events) == 0 {
		return time.Time{}, false
	}
	return s.events[0].at, true
}

// collectDue moves events due at or before t onto their objects.
func (s *scheduler) collectDue(t time.Time) {
	for len(s.events) > 0 && !s.events[0].at.After(t) {
		e := heap.Pop(&s.events).(*dueEvent)
		e.inst.due = append(e.inst.due, e)
		s.markReady(e.inst)
	}
}

// output returns the object's round output, creating it on first use;
// between rounds an object holds none.
func (inst *instance) output() *roundOutput {
	if inst.out == nil {
		inst.out = &roundOutput{}
	}
	return inst.out
}

// track remembers a scheduled event on its object, for checkpoints.
func (inst *instance) track(e *dueEvent) {
	switch e.kind {
	case eventCycle:
		inst.cycleDue = e
	case eventWake:
		inst.wakeDue = e
	case eventTimer:
		if t := inst.timers[e.timer]; t != nil {
			t.event = e
		}
	}
}

func (v *VM) newInstance(obj *compiler.Object, id string) *instance {
	inst := &instance{addr: obj.Name + "/" + id, typ: obj, id: id}
	inst.addrBoxed, inst.idBoxed = inst.addr, inst.id
	v.objects[inst.addr] = inst
	return inst
}

// Pending reports whether any step is due now or scheduled later.
func (v *VM) Pending() bool {
	return len(v.sched.ready) > 0 || len(v.sched.events) > 0
}

// NextDue returns when the next scheduled event is due.
func (v *VM) NextDue() (time.Time, bool) {
	if len(v.sched.ready) > 0 {
		return v.now, true
	}
	return v.sched.next()
}

// RunUntil runs every step due at or before t, advancing the clock from
// one due instant to the next. With a real clock it sleeps between them.
func (v *VM) RunUntil(t time.Time) error {
	for {
		if err := v.runInstant(v.now); err != nil {
			return err
		}
		next, ok := v.sched.next()
		if !ok || next.After(t) {
			break
		}
		v.now = v.clock.WaitUntil(next, nil)
	}
	if t.After(v.now) && v.clock.Virtual() {
		v.now = v.clock.WaitUntil(t, nil)
	}
	return nil
}

// AdvanceTo runs every step due strictly before t and then moves the
// clock to t without running the steps due at t, so that messages for t
// can be queued before them.
func (v *VM) AdvanceTo(t time.Time) error {
	for v.now.Before(t) {
		if err := v.runInstant(v.now); err != nil {
			return err
		}
		next, ok := v.sched.next()
		if !ok || !next.Before(t) {
			break
		}
		v.now = v.clock.WaitUntil(next, nil)
	}
	if t.After(v.now) {
		v.now = v.clock.WaitUntil(t, nil)
	}
	return nil
}

// RunUntilQuiet runs until no step is due and nothing is scheduled, or
// until the clock passes limit. It reports whether the VM became quiet.
func (v *VM) RunUntilQuiet(limit time.Time) (bool, error) {
	for {
		if err := v.runInstant(v.now); err != nil {
			return false, err
		}
		next, ok := v.sched.next()
		if !ok {
			return true, nil
		}
		if next.After(limit) {
			return false, nil
		}
		v.now = v.clock.WaitUntil(next, nil)
	}
}

// runInstant runs rounds at the current instant until no object has
// work left at it: messages sent in one round are delivered in the next.
func (v *VM) runInstant(now time.Time) error {
	v.nowBoxed = now
	for round := 0; ; round++ {
		v.sched.collectDue(now)
		if len(v.sched.ready) == 0 {
			return nil
		}
		if round >= v.opts.MaxRoundsPerInstant {
			return fmt.Errorf("more than %d rounds of steps at %s: objects keep sending each other "+
				"messages at the same instant (waiting: %s); delay a reply with after D",
				v.opts.MaxRoundsPerInstant, now.UTC().Format(time.RFC3339), readyNames(v.sched.ready))
		}
		batch := v.sched.ready
		v.sched.ready = nil
		sort.Slice(batch, func(i, j int) bool { return batch[i].addr < batch[j].addr })
		v.runRound(batch, now)
		v.storeRound(batch, now)
		if err := v.mergeRound(batch); err != nil {
			return err
		}
	}
}

// readyNames lists up to three waiting objects for an error message.
func readyNames(ready []*instance) string {
	names := make([]string, 0, 3)
	for _, inst := range ready {
		if len(names) == 3 {
			return strings.Join(names, ", ") + fmt.Sprintf(" and %d more", len(ready)-3)
		}
		names = append(names, inst.addr)
	}
	return strings.Join(names, ", ")
}

// runRound runs the steps of each object in batch, spread over workers.
// Objects are independent within a round, so the result does not depend
// on how they are spread.
func (v *VM) runRound(batch []*instance, now time.Time) {
	if len(v.workers) == 1 || len(batch) < 2 {
		for _, inst := range batch {
			v.workers[0].runObject(inst, now)
		}
		return
	}
	var wg sync.WaitGroup
	var next int64
	var mu sync.Mutex
	for _, w := range v.workers {
		wg.Add(1)
		go func(w *worker) {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if int(i) >= len(batch) {
					return
				}
				w.runObject(batch[i], now)
			}
		}(w)
	}
	wg.Wait()
}

// mergeRound delivers what the round produced, in address order.
func (v *VM) mergeRound(batch []*instance) error {
	var entries []Entry
	for _, inst := range batch {
		inst.ready = false
		out := inst.output()
		entries = append(entries, out.entries...)
		for _, e := range out.schedule {
			v.sched.push(e)
			inst.track(e)
		}
		if v.opts.OnEvent != nil {
			for _, ev := range out.events {
				v.opts.OnEvent(ev)
			}
		}
		v.deliverOutgoing(inst, out)
		inst.out = nil
	}
	if v.opts.Sink != nil && len(entries) > 0 {
		return v.opts.Sink.Write(entries)
	}
	return nil
}

func (v *VM) deliverOutgoing(from *instance, out *roundOutput) {
	for _, sp := range out.spawns {
		if err := v.spawn(sp.addr, sp.fields, from.addr); err != nil {
			v.reportDelivery(from, "spawn", sp.addr, err)
		}
	}
	for _, s := range out.sends {
		if err := v.sendInternal(s); err != nil {
			v.reportDelivery(from, "send", s.addr, err)
		}
	}
}

func (v *VM) sendInternal(s outgoing) error {
	obj, id, err := v.ParseAddress(s.addr)
	if err != nil {
		return err
	}
	return v.enqueue(v.lookupOrCreate(obj, id, s.msg.sender), s.msg)
}

// reportDelivery records a send or spawn that could not be delivered as
// an error event, so that nothing is dropped silently.
func (v *VM) reportDelivery(from *instance, what, addr string, err error) {
	if v.opts.OnEvent != nil {
		v.opts.OnEvent(Event{Time: v.now, Object: from.addr, Kind: "error",
			Name: what + " " + addr, Reason: err.Error()})
	}
}

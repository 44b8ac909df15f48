package vm

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-memdb"
	"github.com/mor-lang/mor/compiler"
)

// Options configure a VM. The zero value runs one worker on a virtual
// clock starting at the Unix epoch, and discards lineage.
type Options struct {
	// Clock is the VM clock; nil means a virtual clock at Start.
	Clock Clock
	// Start is the time a default virtual clock starts at.
	Start time.Time
	// Workers is the number of goroutines that run steps; 0 means 1.
	Workers int
	// Sink receives the full lineage; nil discards it.
	Sink Sink
	// OnEvent receives emitted events and mode changes, in deterministic
	// order, from the goroutine that runs the VM.
	OnEvent func(Event)
	// RecentWindow is how many recent lineage entries per object stay in
	// go-memdb for lineage queries; 0 means DefaultRecentWindow.
	RecentWindow int
	// InboxLimit bounds each object's undelivered messages; 0 means
	// DefaultInboxLimit.
	InboxLimit int
	// MaxActionsPerStep bounds the actions one step may run; 0 means
	// DefaultMaxActions.
	MaxActionsPerStep int
	// MemoryBudget bounds the memory one expression evaluation may use,
	// in expr-lang's units (roughly the elements it creates); 0 means
	// DefaultMemoryBudget.
	MemoryBudget uint
	// Checkpoints makes the VM track which objects changed, for
	// Checkpoint; a durable store sets it.
	Checkpoints bool
	// MaxRoundsPerInstant bounds the rounds of steps at one instant, so
	// objects that reply to each other's messages at once cannot loop
	// forever; 0 means DefaultMaxRounds.
	MaxRoundsPerInstant int
	// FlipWarning is after how many consecutive cycles of a rule setting
	// a field back and forth a warning event names the rule; 0 means
	// DefaultFlipWarning.
	FlipWarning int
}

// Defaults for Options.
const (
	DefaultRecentWindow = 32
	DefaultInboxLimit   = 1_000_000
	DefaultMaxActions   = 10000
	DefaultMemoryBudget = 1_000_000
	DefaultFlipWarning  = 10
	DefaultMaxRounds    = 10000
)

// Event is something an object did that the caller may want to see: an
// emitted event, or a mode change.
type Event struct {
	Time   time.Time
	Object string
	// Kind is "emit", "mode", "rejected", "warning" or "error".
	Kind string
	// Name is the event name of an emit.
	Name   string
	Fields map[string]any
	// From, To and Reason describe a mode change.
	From, To, Reason string
}

// VM runs the objects of one Program. Its methods are not safe for
// concurrent use: one goroutine drives it, and the VM spreads steps over
// its own workers.
type VM struct {
	prog    *compiler.Program
	opts    Options
	clock   Clock
	db      *memdb.MemDB
	objects map[string]*instance
	sched   scheduler
	workers []*worker
	// now is the instant of the round being run; nowBoxed is the same
	// time as an interface value, shared by all steps of the round.
	now      time.Time
	nowBoxed any
	// plans holds each object type's binding plan; it is built in New
	// and only read afterwards.
	plans map[*compiler.Object]*bindingPlan
	// restoring is the image Restore is upgrading, for the mode that
	// defaults and migrations read.
	restoring *ObjectImage
	mu        sync.Mutex
}

// New creates a VM for prog.
func New(prog *compiler.Program, opts Options) (*VM, error) {
	if prog == nil {
		return nil, errors.New("vm: nil program")
	}
	db, err := newDB()
	if err != nil {
		return nil, err
	}
	if opts.Workers <= 0 {
		opts.Workers = 1
	}
	if opts.RecentWindow <= 0 {
		opts.RecentWindow = DefaultRecentWindow
	}
	if opts.InboxLimit <= 0 {
		opts.InboxLimit = DefaultInboxLimit
	}
	if opts.MaxRoundsPerInstant <= 0 {
		opts.MaxRoundsPerInstant = DefaultMaxRounds
	}
	if opts.FlipWarning <= 0 {
		opts.FlipWarning = DefaultFlipWarning
	}
	if opts.MemoryBudget == 0 {
		opts.MemoryBudget = DefaultMemoryBudget
	}
	if opts.MaxActionsPerStep <= 0 {
		opts.MaxActionsPerStep = DefaultMaxActions
	}
	clock := opts.Clock
	if clock == nil {
		clock = NewVirtualClock(opts.Start)
	}
	v := &VM{prog: prog, opts: opts, clock: clock, db: db, objects: map[string]*instance{},
		plans: map[*compiler.Object]*bindingPlan{}}
	for _, obj := range prog.Objects {
		v.plans[obj] = newBindingPlan(obj)
	}
	v.now = clock.Now()
	if opts.Checkpoints {
		v.sched.changed = map[string]bool{}
	}
	for i := 0; i < opts.Workers; i++ {
		v.workers = append(v.workers, newWorker(v))
	}
	return v, nil
}

// Program returns the program the VM runs.
func (v *VM) Program() *compiler.Program { return v.prog }

// Now returns the VM clock's current time.
func (v *VM) Now() time.Time { return v.clock.Now() }

// ParseAddress splits "Type/id" and checks that Type is declared.
func (v *VM) ParseAddress(addr string) (*compiler.Object, string, error) {
	typ, id, ok := strings.Cut(addr, "/")
	if !ok || typ == "" || id == "" {
		return nil, "", fmt.Errorf("invalid object address %q: write Type/id, as in Station/seattle", addr)
	}
	obj, found := v.prog.Objects[typ]
	if !found {
		return nil, "", fmt.Errorf("unknown object type %q in address %q (declared types: %s)",
			typ, addr, strings.Join(v.prog.Order, ", "))
	}
	return obj, id, nil
}

// Spawn creates the object at addr with the given field values; fields
// not given take their defaults. The spawn step runs at the current
// instant, when the VM next runs.
func (v *VM) Spawn(addr string, fields map[string]any) error {
	return v.spawn(addr, fields, "api")
}

func (v *VM) spawn(addr string, fields map[string]any, sender string) error {
	obj, id, err := v.ParseAddress(addr)
	if err != nil {
		return err
	}
	values, err := convertFields(obj, fields)
	if err != nil {
		return fmt.Errorf("spawn %s: %w", addr, err)
	}
	inst := v.objects[addr]
	if inst != nil && (inst.rec != nil || inst.spawn != nil) {
		return fmt.Errorf("%s already exists", addr)
	}
	if inst == nil {
		inst = v.newInstance(obj, id)
	}
	inst.spawn = &spawnRequest{fields: values, sender: sender}
	v.sched.markReady(inst)
	return nil
}

// Send queues message msg with args for addr, creating the object with
// default memory if it does not exist. Arguments are checked against the
// handler's parameters now, so a bad argument is an error for the
// caller, not a rejected step.
func (v *VM) Send(addr, msg string, args map[string]any, sender string) error {
	obj, id, err := v.ParseAddress(addr)
	if err != nil {
		return err
	}
	h := anyHandler(obj, msg)
	if h == nil {
		return fmt.Errorf("%s has no handler for message %q (handlers: %s)", obj.Name, msg,
			strings.Join(handlerNames(obj), ", "))
	}
	converted, err := convertArgs(h, args)
	if err != nil {
		return fmt.Errorf("message %s to %s: %w", msg, addr, err)
	}
	return v.enqueue(v.lookupOrCreate(obj, id, sender), message{name: msg, args: converted, sender: sender})
}

// Set queues a write of field values to the object at addr, made at the
// current instant when the VM next runs. The write is a step of kind
// "api": every constraint applies, a field declared "written by
// handlers" or "written by rules" cannot be written this way, and a
// rejected write commits only its rejection entry.
func (v *VM) Set(addr string, fields map[string]any, sender string) error {
	obj, _, err := v.ParseAddress(addr)
	if err != nil {
		return err
	}
	values, err := convertFields(obj, fields)
	if err != nil {
		return fmt.Errorf("set %s: %w", addr, err)
	}
	if len(values) == 0 {
		return fmt.Errorf("set %s: no fields given", addr)
	}
	inst := v.objects[addr]
	if inst == nil || inst.rec == nil && inst.spawn == nil {
		return fmt.Errorf("set %s: no such object; spawn it or send it a message first", addr)
	}
	return v.enqueue(inst, message{set: values, sender: sender})
}

// lookupOrCreate returns the object at Type/id, queuing a spawn with
// default memory if it does not exist yet.
func (v *VM) lookupOrCreate(obj *compiler.Object, id, sender string) *instance {
	inst := v.objects[obj.Name+"/"+id]
	if inst == nil {
		inst = v.newInstance(obj, id)
	}
	if inst.rec == nil && inst.spawn == nil {
		inst.spawn = &spawnRequest{sender: sender}
	}
	return inst
}

func (v *VM) enqueue(inst *instance, m message) error {
	if len(inst.inbox) >= v.opts.InboxLimit {
		return fmt.Errorf("inbox of %s is full (%d undelivered messages); message %s from %s "+
			"was not queued: raise the inbox limit or slow the sender", inst.addr,
			len(inst.inbox), m.name, m.sender)
	}
	inst.inbox = append(inst.inbox, m)
	v.sched.markReady(inst)
	return nil
}

func anyHandler(obj *compiler.Object, msg string) *compiler.Handler {
	if h := obj.LookupHandler(compiler.Active, msg); h != nil {
		return h
	}
	for _, name := range sortedModes(obj) {
		if h := obj.Modes[name].Handlers[msg]; h != nil {
			return h
		}
	}
	return nil
}

func sortedModes(obj *compiler.Object) []string {
	names := make([]string, 0, len(obj.Modes))
	for name := range obj.Modes {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func handlerNames(obj *compiler.Object) []string {
	seen := map[string]bool{}
	for _, m := range obj.Modes {
		for name := range m.Handlers {
			seen[name] = true
		}
	}
	var names []string
	for name := range seen {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// convertArgs checks message arguments against handler parameters.
func convertArgs(h *compiler.Handler, args map[string]any) ([]any, error) {
	for name := range args {
		if !hasParam(h, name) {
			return nil, fmt.Errorf("unknown argument %q (parameters: %s)", name, paramList(h))
		}
	}
	out := make([]any, len(h.Params))
	for i, p := range h.Params {
		raw, present := args[p.Name]
		if !present && !p.Type.Optional {
			return nil, fmt.Errorf("missing argument %q of type %s", p.Name, p.Type)
		}
		val, err := compiler.Convert(raw, p.Type)
		if err != nil {
			return nil, fmt.Errorf("argument %s: %w", p.Name, err)
		}
		out[i] = val
	}
	return out, nil
}

func hasParam(h *compiler.Handler, name string) bool {
	for _, p := range h.Params {
		if p.Name == name {
			return true
		}
	}
	return false
}

func paramList(h *compiler.Handler) string {
	parts := make([]string, len(h.Params))
	for i, p := range h.Params {
		parts[i] = p.Name + ": " + p.Type.String()
	}
	return strings.Join(parts, ", ")
}

// convertFields checks spawn field values against the object's fields.
func convertFields(obj *compiler.Object, fields map[string]any) (map[int]any, error) {
	out := map[int]any{}
	for name, raw := range fields {
		slot, ok := obj.FieldIndex[name]
		if !ok {
			return nil, fmt.Errorf("%s has no field %q", obj.Name, name)
		}
		val, err := compiler.Convert(raw, obj.Fields[slot].Type)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		out[slot] = val
	}
	return out, nil
}

// ObjectState is a snapshot of one object.
type ObjectState struct {
	Addr     string
	Type     string
	Mode     string
	Question string
	Seq      uint64
	Memory   map[string]any
}

// State returns the committed state of the object at addr.
func (v *VM) State(addr string) (ObjectState, bool) {
	txn := v.db.Txn(false)
	raw, err := txn.First(tableObjects, "id", addr)
	if err != nil || raw == nil {
		return ObjectState{}, false
	}
	return v.snapshot(raw.(*objectRecord)), true
}

// States returns every object's committed state, ordered by address.
func (v *VM) States() []ObjectState {
	txn := v.db.Txn(false)
	it, err := txn.Get(tableObjects, "id")
	if err != nil {
		return nil
	}
	var out []ObjectState
	for raw := it.Next(); raw != nil; raw = it.Next() {
		out = append(out, v.snapshot(raw.(*objectRecord)))
	}
	return out
}

func (v *VM) snapshot(rec *objectRecord) ObjectState {
	typ, _, _ := strings.Cut(rec.Addr, "/")
	obj := v.prog.Objects[typ]
	mem := make(map[string]any, len(obj.Fields))
	for i, f := range obj.Fields {
		mem[f.Name] = compiler.Clone(rec.Fields[i])
	}
	return ObjectState{Addr: rec.Addr, Type: typ, Mode: rec.Mode, Question: rec.Question,
		Seq: rec.Seq, Memory: mem}
}

// Recent returns the object's recent lineage window, oldest first: the
// entries lineage queries read.
func (v *VM) Recent(addr string) []Entry {
	txn := v.db.Txn(false)
	raw, err := txn.First(tableObjects, "id", addr)
	if err != nil || raw == nil {
		return nil
	}
	var out []Entry
	for _, e := range raw.(*objectRecord).Recent {
		out = append(out, *e)
	}
	return out
}

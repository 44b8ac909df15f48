// Package vm runs the objects of a compiled Program.
//
// Each object is an instance addressed "Type/id". Work reaches an object
// as steps: its spawn, one message delivery, one timer firing or one
// cycle. A step runs alone for its object on a private copy of memory.
// At its end the VM checks every field constraint and invariant. Then it
// either commits all changes with their lineage entries, or commits only
// a "rejected" lineage entry that names the constraint, the rule or
// handler, the field and the value. The commits of one round reach
// go-memdb together, in one write transaction (see storeRound). A cycle
// in which no rule fires starts no step at all.
//
// The scheduler (scheduler.go) advances a Clock from one due instant to
// the next and runs all steps due at an instant as a round, with objects
// spread across workers. Everything a round produces that crosses
// objects (messages, spawns, emitted events, lineage for the sink and
// new timers) is merged in address order after the round, which is what
// makes lineage identical whatever the number of workers.
//
// The VM never prints. Emitted events, mode changes, rejected steps and
// warnings reach the caller through Options.OnEvent, and the full
// lineage through Options.Sink.
package vm

// Package store keeps a VM's objects durable in a bbolt file, so that a
// run survives restarts and crashes.
//
// A data directory holds one file, mor.db, with these buckets:
//
//	meta       format version, VM clock, scheduler counter, input position,
//	           retention setting
//	objects    one vm.ObjectImage per object (gob): memory, mode, timers,
//	           undelivered messages, recent lineage window
//	lineage    every lineage entry as JSON, keyed by a global sequence number
//	           in commit order
//	index      object address and object seq to the global sequence number
//	snapshots  per object, the memory its compacted lineage folds into
//
// Commit policy: the caller offers the store a checkpoint between VM
// runs with MaybeCommit. The store commits when MaxBatch lineage entries
// are waiting or the oldest has waited MaxDelay. One bbolt transaction
// then writes the lineage, the images of every object that changed and
// the input position, and bbolt fsyncs it before Commit returns (NoSync
// is never set). A step is durable, and acknowledged, once the commit
// that holds it returns. After a crash the run resumes from the last
// commit and redoes the work after it, which gives the same lineage
// because the VM is deterministic. Events printed after the last commit
// may be printed again.
package store

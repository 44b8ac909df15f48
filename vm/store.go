package vm

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/go-memdb"
)

// objectRecord is an object's committed state, stored in go-memdb. A
// record is never modified after it is inserted: a commit inserts a new
// one, so readers may keep a pointer without locking.
type objectRecord struct {
	Addr   string // Type/id
	Mode   string
	Fields []any
	// Seq is the sequence number of the object's latest lineage entry.
	Seq uint64
	// Question is the open question while the object is in inquiry.
	Question string
	Born     time.Time
	Version  int
}

// recentEntry is a lineage entry kept in go-memdb's recent window.
type recentEntry struct {
	Key   string // object, NUL, zero-padded seq: orders an object's entries by seq
	Entry Entry
}

func recentKey(addr string, seq uint64) string {
	return fmt.Sprintf("%s\x00%016x", addr, seq)
}

const (
	tableObjects = "objects"
	tableRecent  = "recent"
)

func newDB() (*memdb.MemDB, error) {
	schema := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		tableObjects: {
			Name: tableObjects,
			Indexes: map[string]*memdb.IndexSchema{
				// Addresses start with the type name, so the objects of
				// one type are a prefix range of this index.
				"id": {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "Addr"}},
			},
		},
		tableRecent: {
			Name: tableRecent,
			Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "Key"}},
			},
		},
	}}
	return memdb.NewMemDB(schema)
}

// recentLineage reads one object's recent lineage: the entries its
// steps committed in the current round, newest first, then go-memdb's
// recent window. It implements stdlib.Lineage. The window holds at most
// Options.RecentWindow entries per object (more while a rate limit still
// needs them), so queries see that far back and no further.
type recentLineage struct {
	db      *memdb.MemDB
	txn     *memdb.Txn // opened on the first query of a step
	addr    string
	born    time.Time
	pending []*Entry
}

// entries calls visit on the object's recent entries, newest first,
// until it returns false.
func (r *recentLineage) entries(visit func(e *Entry) bool) {
	for i := len(r.pending) - 1; i >= 0; i-- {
		if !visit(r.pending[i]) {
			return
		}
	}
	if r.txn == nil {
		r.txn = r.db.Txn(false)
	}
	it, err := r.txn.ReverseLowerBound(tableRecent, "id", r.addr+"\x00\xff")
	if err != nil {
		return
	}
	prefix := r.addr + "\x00"
	for raw := it.Next(); raw != nil; raw = it.Next() {
		re := raw.(*recentEntry)
		if !strings.HasPrefix(re.Key, prefix) || !visit(&re.Entry) {
			return
		}
	}
}

func (r *recentLineage) fieldEntries(field string, visit func(e *Entry) bool) {
	r.entries(func(e *Entry) bool {
		if e.Kind != KindSet || e.Field != field {
			return true
		}
		return visit(e)
	})
}

// Previous implements stdlib.Lineage.
func (r *recentLineage) Previous(field string) (any, bool) {
	var out any
	found := false
	r.fieldEntries(field, func(e *Entry) bool {
		out, found = e.Old, true
		return false
	})
	return out, found
}

// Changes implements stdlib.Lineage.
func (r *recentLineage) Changes(field string, since time.Time) int {
	n := 0
	r.fieldEntries(field, func(e *Entry) bool {
		if e.Time.Before(since) {
			return false
		}
		n++
		return true
	})
	return n
}

// LastChange implements stdlib.Lineage.
func (r *recentLineage) LastChange(field string) (time.Time, bool) {
	var t time.Time
	found := false
	r.fieldEntries(field, func(e *Entry) bool {
		t, found = e.Time, true
		return false
	})
	return t, found
}

// History implements stdlib.Lineage.
func (r *recentLineage) History(field string, n int) []any {
	var out []any
	r.fieldEntries(field, func(e *Entry) bool {
		out = append(out, e.Old)
		return len(out) < n
	})
	return out
}

// Rejections implements stdlib.Lineage.
func (r *recentLineage) Rejections(since time.Time) int {
	n := 0
	r.entries(func(e *Entry) bool {
		if e.Time.Before(since) {
			return false
		}
		if e.Kind == KindRejected {
			n++
		}
		return true
	})
	return n
}

// Born implements stdlib.Lineage.
func (r *recentLineage) Born() time.Time { return r.born }

package vm

import (
	"fmt"
	"time"

	"github.com/hashicorp/go-memdb"
)

// objectRecord is an object's committed state, stored in go-memdb. A
// record is never modified after it is inserted: a commit inserts a new
// one, so readers may keep a pointer without locking.
type objectRecord struct {
	Addr   string
	Type   string
	ID     string
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
	Key      string // object, NUL, zero-padded seq: orders by seq
	FieldKey string // object, NUL, field
	KindKey  string // object, NUL, kind
	Entry    Entry
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
				"id":   {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "Addr"}},
				"type": {Name: "type", Indexer: &memdb.StringFieldIndex{Field: "Type"}},
				"mode": {Name: "mode", Indexer: &memdb.StringFieldIndex{Field: "Mode"}},
			},
		},
		tableRecent: {
			Name: tableRecent,
			Indexes: map[string]*memdb.IndexSchema{
				"id":    {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "Key"}},
				"field": {Name: "field", Indexer: &memdb.StringFieldIndex{Field: "FieldKey"}},
				"kind":  {Name: "kind", Indexer: &memdb.StringFieldIndex{Field: "KindKey"}},
			},
		},
	}}
	return memdb.NewMemDB(schema)
}

// recentLineage reads one object's recent window from a go-memdb
// snapshot. It implements stdlib.Lineage.
type recentLineage struct {
	db   *memdb.MemDB
	txn  *memdb.Txn // opened on the first query of a step
	addr string
	born time.Time
}

func (r *recentLineage) snapshot() *memdb.Txn {
	if r.txn == nil {
		r.txn = r.db.Txn(false)
	}
	return r.txn
}

func (r *recentLineage) fieldEntries(field string, visit func(e *Entry) bool) {
	it, err := r.snapshot().GetReverse(tableRecent, "field", r.addr+"\x00"+field)
	if err != nil {
		return
	}
	for obj := it.Next(); obj != nil; obj = it.Next() {
		if !visit(&obj.(*recentEntry).Entry) {
			return
		}
	}
}

func (r *recentLineage) Previous(field string) (any, bool) {
	var out any
	found := false
	r.fieldEntries(field, func(e *Entry) bool {
		out, found = e.Old, true
		return false
	})
	return out, found
}

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

func (r *recentLineage) LastChange(field string) (time.Time, bool) {
	var t time.Time
	found := false
	r.fieldEntries(field, func(e *Entry) bool {
		t, found = e.Time, true
		return false
	})
	return t, found
}

func (r *recentLineage) History(field string, n int) []any {
	var out []any
	r.fieldEntries(field, func(e *Entry) bool {
		out = append(out, e.Old)
		return len(out) < n
	})
	return out
}

func (r *recentLineage) Rejections(since time.Time) int {
	it, err := r.snapshot().GetReverse(tableRecent, "kind", r.addr+"\x00"+KindRejected)
	if err != nil {
		return 0
	}
	n := 0
	for obj := it.Next(); obj != nil; obj = it.Next() {
		if obj.(*recentEntry).Entry.Time.Before(since) {
			break
		}
		n++
	}
	return n
}

func (r *recentLineage) Born() time.Time { return r.born }

package vm

import (
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
	// Recent is the object's recent lineage window, oldest first: the
	// entries lineage queries read.
	Recent  []*Entry
	Born    time.Time
	Version int
}

const (
	tableObjects = "objects"
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
	}}
	return memdb.NewMemDB(schema)
}

// recentLineage reads one object's recent lineage window, newest first.
// It implements stdlib.Lineage. The window holds at most
// Options.RecentWindow entries (more while a rate limit still needs
// them), so queries see that far back and no further.
type recentLineage struct {
	recent []*Entry
	born   time.Time
}

// entries calls visit on the object's recent entries, newest first,
// until it returns false.
func (r *recentLineage) entries(visit func(e *Entry) bool) {
	for i := len(r.recent) - 1; i >= 0; i-- {
		if !visit(r.recent[i]) {
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

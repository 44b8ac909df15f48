package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime/debug"

	"github.com/mor-lang/mor/vm"
	bolt "go.etcd.io/bbolt"
)

// Snapshot is an object's memory at the point its older lineage was
// compacted away: replay starts from it.
type Snapshot struct {
	Object string         `json:"object"`
	Seq    uint64         `json:"seq"`
	Mode   string         `json:"mode"`
	Memory map[string]any `json:"memory"`
}

// EachLineage calls fn with every stored lineage entry as JSON, in
// commit order.
func (s *Store) EachLineage(fn func(line []byte) error) (err error) {
	defer s.guard(&err)
	debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(false)
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLineage).ForEach(func(_, v []byte) error {
			return fn(v)
		})
	})
}

// Snapshots returns the compaction snapshots by object address.
func (s *Store) Snapshots() (out map[string]Snapshot, err error) {
	defer s.guard(&err)
	debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(false)
	out = map[string]Snapshot{}
	err = s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSnapshots).ForEach(func(k, v []byte) error {
			var snap Snapshot
			if err := json.Unmarshal(v, &snap); err != nil {
				return fmt.Errorf("%s: snapshot of %s: %v", s.path, k, err)
			}
			out[string(k)] = snap
			return nil
		})
	})
	return out, err
}

// compact folds each changed object's lineage older than its newest
// retain entries into its snapshot and deletes those entries.
func compact(tx *bolt.Tx, objects []vm.ObjectImage, retain int) error {
	for i := range objects {
		im := &objects[i]
		if im.Seq <= uint64(retain) {
			continue
		}
		if err := compactObject(tx, im.Addr, im.Seq-uint64(retain)); err != nil {
			return err
		}
	}
	return nil
}

func compactObject(tx *bolt.Tx, addr string, upTo uint64) error {
	snaps := tx.Bucket(bucketSnapshots)
	snap := Snapshot{Object: addr, Mode: "active", Memory: map[string]any{}}
	if raw := snaps.Get([]byte(addr)); raw != nil {
		if err := json.Unmarshal(raw, &snap); err != nil {
			return err
		}
	}
	if snap.Seq >= upTo {
		return nil
	}
	index, lineage := tx.Bucket(bucketIndex), tx.Bucket(bucketLineage)
	prefix := append([]byte(addr), 0)
	c := index.Cursor()
	var doomed [][]byte
	for k, v := c.Seek(indexKey(addr, snap.Seq+1)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		seq := decodeSeq(k[len(prefix):])
		if seq > upTo {
			break
		}
		if err := fold(&snap, lineage.Get(v)); err != nil {
			return fmt.Errorf("compacting %s seq %d: %w", addr, seq, err)
		}
		snap.Seq = seq
		doomed = append(doomed, append([]byte(nil), k...), append([]byte(nil), v...))
	}
	for i := 0; i < len(doomed); i += 2 {
		if err := index.Delete(doomed[i]); err != nil {
			return err
		}
		if err := lineage.Delete(doomed[i+1]); err != nil {
			return err
		}
	}
	return putJSON(snaps, []byte(addr), snap)
}

func decodeSeq(b []byte) uint64 {
	var n uint64
	for _, c := range b {
		n = n<<8 | uint64(c)
	}
	return n
}

// fold applies one JSON lineage entry to a snapshot.
func fold(snap *Snapshot, line []byte) error {
	var e struct {
		Kind  string `json:"kind"`
		Field string `json:"field"`
		New   any    `json:"new"`
	}
	if err := json.Unmarshal(line, &e); err != nil {
		return err
	}
	switch e.Kind {
	case vm.KindSet:
		snap.Memory[e.Field] = e.New
	case vm.KindDrop:
		delete(snap.Memory, e.Field)
	case vm.KindMode:
		snap.Mode = fmt.Sprint(e.New)
	}
	return nil
}

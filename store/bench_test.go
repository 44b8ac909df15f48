package store

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/vm"
	bolt "go.etcd.io/bbolt"
)

const benchSource = `
object Meter {
  memory {
    total: int = 0
    last:  float = 0.0
  }
  on add(n: int) {
    total += n
  }
}
`

var epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

func benchProgram(b *testing.B) *compiler.Program {
	prog, err := compiler.CompileSources(compiler.Source{Name: "bench.mor", Text: benchSource})
	if err != nil {
		b.Fatal(err)
	}
	return prog
}

// durableVM opens a store in a temporary directory and a VM writing to it.
func durableVM(b *testing.B, dir string) (*Store, *vm.VM) {
	s, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	m, err := vm.New(benchProgram(b), vm.Options{Start: epoch, Sink: s, Checkpoints: true})
	if err != nil {
		b.Fatal(err)
	}
	return s, m
}

// BenchmarkDurableSteps measures mutating steps kept in a data
// directory with group commit, over 1,000 objects.
func BenchmarkDurableSteps(b *testing.B) {
	b.Run("mor", func(b *testing.B) {
		s, m := durableVM(b, b.TempDir())
		defer s.Close()
		args := map[string]any{"n": 1}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := m.Send(fmt.Sprintf("Meter/%d", i%1000), "add", args, "bench"); err != nil {
				b.Fatal(err)
			}
			if i%1000 == 999 || i == b.N-1 {
				if err := m.RunUntil(epoch); err != nil {
					b.Fatal(err)
				}
				if _, err := s.MaybeCommit(m, InputPosition{}); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := s.Commit(m, InputPosition{}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
	})
	b.Run("go", func(b *testing.B) {
		// Hand-written Go: the same lineage records marshalled and put
		// into bbolt in transactions of 20,000, fsynced.
		db, err := bolt.Open(filepath.Join(b.TempDir(), "go.db"), 0o644, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("l")); return err })
		totals := make([]int, 1000)
		b.ResetTimer()
		for i := 0; i < b.N; {
			err := db.Update(func(tx *bolt.Tx) error {
				bucket := tx.Bucket([]byte("l"))
				for j := 0; j < 20000 && i < b.N; j, i = j+1, i+1 {
					old := totals[i%1000]
					totals[i%1000]++
					rec, _ := json.Marshal(map[string]any{"object": i % 1000, "seq": i, "field": "total",
						"old": old, "new": old + 1})
					if err := bucket.Put(u64(uint64(i)), rec); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
	})
}

// BenchmarkCommitLatency measures one step committed on its own: the
// time from a message to its fsynced commit.
func BenchmarkCommitLatency(b *testing.B) {
	s, m := durableVM(b, b.TempDir())
	defer s.Close()
	args := map[string]any{"n": 1}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := m.Send("Meter/a", "add", args, "bench"); err != nil {
			b.Fatal(err)
		}
		if err := m.RunUntil(epoch); err != nil {
			b.Fatal(err)
		}
		if err := s.Commit(m, InputPosition{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReopen measures opening a data directory holding 1,000,000
// lineage entries over 1,000 objects and restoring its VM.
func BenchmarkReopen(b *testing.B) {
	dir := b.TempDir()
	s, m := durableVM(b, dir)
	args := map[string]any{"n": 1}
	for i := 0; i < 1_000_000; i++ {
		if err := m.Send(fmt.Sprintf("Meter/%d", i%1000), "add", args, "bench"); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 999 {
			if err := m.RunUntil(epoch); err != nil {
				b.Fatal(err)
			}
		}
		if i%100000 == 99999 {
			if err := s.Commit(m, InputPosition{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		img, err := s.Load()
		if err != nil {
			b.Fatal(err)
		}
		restored, err := vm.New(benchProgram(b), vm.Options{Start: epoch, Checkpoints: true})
		if err != nil {
			b.Fatal(err)
		}
		if err := restored.Restore(img); err != nil {
			b.Fatal(err)
		}
		if n := len(restored.States()); n != 1000 {
			b.Fatalf("restored %d objects, want 1000", n)
		}
		s.Close()
	}
}

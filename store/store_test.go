package store

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/vm"
)

func compileMeter(t *testing.T) *compiler.Program {
	t.Helper()
	prog, err := compiler.CompileSources(compiler.Source{Name: "meter.mor", Text: benchSource})
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

// fill runs n add messages to each of objects through a VM writing to s.
func fill(t *testing.T, s *Store, prog *compiler.Program, objects, n int) *vm.VM {
	t.Helper()
	m, err := vm.New(prog, vm.Options{Start: epoch, Sink: s, Checkpoints: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < objects; j++ {
			addr := "Meter/" + string(rune('a'+j))
			if err := m.Send(addr, "add", map[string]any{"n": i + 1}, "test"); err != nil {
				t.Fatal(err)
			}
		}
		if err := m.RunUntil(epoch.Add(time.Duration(i) * time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := m.AdvanceTo(epoch.Add(time.Duration(i+1) * time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Commit(m, InputPosition{}); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSecondOpenFailsFast(t *testing.T) {
	dir := t.TempDir()
	first, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	start := time.Now()
	_, err = Open(dir, Options{LockTimeout: 300 * time.Millisecond})
	if err == nil {
		t.Fatal("a second open of a data directory in use succeeded")
	}
	if !strings.Contains(err.Error(), "in use by another mor process") {
		t.Errorf("error = %q, want it to say the directory is in use", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("the second open took %s to fail", waited)
	}
}

func checksum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestDamagedFileLeftUnchanged(t *testing.T) {
	prog := compileMeter(t)
	good := t.TempDir()
	s, err := Open(good, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, s, prog, 2, 20)
	s.Close()
	data, err := os.ReadFile(filepath.Join(good, FileName))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"garbage":   bytes.Repeat([]byte("not a database "), 2000),
		"truncated": data[:len(data)/3],
		"empty":     {},
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if err := os.WriteFile(path, content, 0o644); err != nil {
				t.Fatal(err)
			}
			before := checksum(t, path)
			s, err := Open(dir, Options{LockTimeout: time.Second})
			if err == nil {
				s.Close()
				t.Fatal("opening a damaged file succeeded")
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name %s", err, path)
			}
			if checksum(t, path) != before {
				t.Errorf("opening the damaged file changed it")
			}
		})
	}
}

func TestRetainCompactsIntoSnapshots(t *testing.T) {
	prog := compileMeter(t)
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetRetain(5)
	m := fill(t, s, prog, 3, 30)

	var entries []vm.Entry
	err = s.EachLineage(func(line []byte) error {
		e, err := vm.DecodeEntry(prog, line)
		entries = append(entries, e)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	perObject := map[string]int{}
	for _, e := range entries {
		perObject[e.Object]++
	}
	for addr, n := range perObject {
		if n > 5 {
			t.Errorf("%s keeps %d lineage entries, want at most 5", addr, n)
		}
	}
	snaps, err := s.Snapshots()
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]vm.ObjectState{}
	for addr, snap := range snaps {
		mem, err := vm.DecodeMemory(prog, "Meter", snap.Memory)
		if err != nil {
			t.Fatal(err)
		}
		base[addr] = vm.ObjectState{Addr: addr, Type: "Meter", Mode: snap.Mode, Seq: snap.Seq, Memory: mem}
	}
	if len(base) != 3 {
		t.Fatalf("got %d snapshots, want 3", len(base))
	}
	rebuilt, err := vm.ReplayFrom(prog, base, entries)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range m.States() {
		if diff := cmp.Diff(want, rebuilt[want.Addr]); diff != "" {
			t.Errorf("%s rebuilt from snapshot and lineage differs (-run +rebuilt):\n%s", want.Addr, diff)
		}
	}
}

func TestEnqueueReachesResumedRun(t *testing.T) {
	prog := compileMeter(t)
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, s, prog, 1, 2)
	if err := s.Enqueue("Meter/a", vm.MessageImage{Name: "add", Args: map[string]any{"n": 40},
		Sender: "cli"}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, err := vm.New(prog, vm.Options{Start: epoch, Sink: s, Checkpoints: true})
	if err != nil {
		t.Fatal(err)
	}
	img, err := s.LoadFor(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Restore(img); err != nil {
		t.Fatal(err)
	}
	if err := m.RunUntil(m.Now()); err != nil {
		t.Fatal(err)
	}
	st, _ := m.State("Meter/a")
	if got := st.Memory["total"]; got != 43 {
		t.Errorf("total = %v after the queued message, want 43", got)
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/store"

	"github.com/mor-lang/mor/vm"
	"github.com/spf13/cobra"
)

// stateLine is one object's state as mor run --state and mor replay
// write it.
type stateLine struct {
	Object   string         `json:"object"`
	Mode     string         `json:"mode"`
	Question string         `json:"question,omitempty"`
	Seq      uint64         `json:"seq"`
	Memory   map[string]any `json:"memory"`
}

func toStateLine(st vm.ObjectState) stateLine {
	mem := make(map[string]any, len(st.Memory))
	for k, v := range st.Memory {
		mem[k] = vm.JSONValue(v)
	}
	return stateLine{Object: st.Addr, Mode: st.Mode, Question: st.Question, Seq: st.Seq, Memory: mem}
}

// writeStates writes states as JSON Lines, ordered by address.
func writeStates(w io.Writer, states []vm.ObjectState) error {
	sort.Slice(states, func(i, j int) bool { return states[i].Addr < states[j].Addr })
	enc := json.NewEncoder(w)
	for _, st := range states {
		if err := enc.Encode(toStateLine(st)); err != nil {
			return err
		}
	}
	return nil
}

func newReplayCommand() *cobra.Command {
	var lineagePath, statePath, data string
	cmd := &cobra.Command{
		Use:   "replay {FILE... --lineage LINEAGE [--state STATE] | --data DIR}",
		Short: "Rebuild memory from a lineage file and compare it with a run's final state",
		Long: `replay rebuilds every object's memory and mode from lineage alone, checking that
each object's sequence numbers have no gaps and that every value fits the
program's types. It prints the rebuilt state as JSON Lines, in the format of
mor run --state. With --state FILE it compares the rebuilt state with that
file instead and exits with status 1 on any difference.

With --data DIR it rebuilds memory from the directory's snapshots and
lineage, with the program recorded there, and compares it with the stored
memory.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if data != "" {
				return replayData(data, cmd.OutOrStdout(), cmd.ErrOrStderr())
			}
			if len(args) == 0 {
				return fmt.Errorf("replay needs .mor files and --lineage FILE, or --data DIR")
			}
			if lineagePath == "" {
				return fmt.Errorf("replay needs --lineage FILE")
			}
			return replay(args, lineagePath, statePath, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&lineagePath, "lineage", "", "lineage `FILE` written by mor run --lineage")
	cmd.Flags().StringVar(&statePath, "state", "", "state `FILE` written by mor run --state to compare with")
	cmd.Flags().StringVar(&data, "data", "", "rebuild and check the data directory `DIR`")
	return cmd
}

func replay(files []string, lineagePath, statePath string, stdout, stderr io.Writer) error {
	prog, err := loadProgram(files, stderr)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(lineagePath)
	if err != nil {
		return err
	}
	entries, err := vm.DecodeLineage(prog, data)
	if err != nil {
		return fmt.Errorf("%s: %w", lineagePath, err)
	}
	rebuilt, err := vm.Replay(prog, entries)
	if err != nil {
		return fmt.Errorf("%s: %w", lineagePath, err)
	}
	states := make([]vm.ObjectState, 0, len(rebuilt))
	for _, st := range rebuilt {
		states = append(states, st)
	}
	var buf bytes.Buffer
	if err := writeStates(&buf, states); err != nil {
		return err
	}
	if statePath == "" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	return compareStates(statePath, buf.Bytes(), len(entries), stdout, stderr)
}

// replayData rebuilds a data directory's memory from its snapshots and
// lineage and compares it with the stored memory.
func replayData(dir string, stdout, stderr io.Writer) error {
	s, err := openReadOnly(dir)
	if err != nil {
		return err
	}
	defer s.Close()
	prog, err := loadStoredProgram(s)
	if err != nil {
		return err
	}
	base, err := snapshotStates(prog, s)
	if err != nil {
		return err
	}
	var entries []vm.Entry
	err = s.EachLineage(func(line []byte) error {
		e, err := vm.DecodeEntry(prog, line)
		entries = append(entries, e)
		if err != nil {
			return fmt.Errorf("lineage entry %d cannot be read (%v): the file is damaged; "+
				"restore it from a backup", len(entries), err)
		}
		return nil
	})
	if err != nil {
		if strings.Contains(err.Error(), s.Path()) {
			return err
		}
		return fmt.Errorf("%s: %w", s.Path(), err)
	}
	rebuilt, err := vm.ReplayFrom(prog, base, entries)
	if err != nil {
		return fmt.Errorf("replaying %s: %w", s.Path(), err)
	}
	img, err := s.Load()
	if err != nil {
		return err
	}
	var stored, got []vm.ObjectState
	for _, im := range img.Objects {
		if im.Exists {
			stored = append(stored, imageState(im))
		}
	}
	for _, st := range rebuilt {
		got = append(got, st)
	}
	var storedBuf, gotBuf bytes.Buffer
	writeStates(&storedBuf, stored)
	writeStates(&gotBuf, got)
	return compareStateBytes(storedBuf.Bytes(), gotBuf.Bytes(), s.Path(), len(entries), stdout, stderr)
}

func snapshotStates(prog *compiler.Program, s *store.Store) (map[string]vm.ObjectState, error) {
	snaps, err := s.Snapshots()
	if err != nil {
		return nil, err
	}
	base := map[string]vm.ObjectState{}
	for addr, snap := range snaps {
		typ, _, _ := strings.Cut(addr, "/")
		mem, err := vm.DecodeMemory(prog, typ, snap.Memory)
		if err != nil {
			return nil, fmt.Errorf("snapshot of %s: %w", addr, err)
		}
		base[addr] = vm.ObjectState{Addr: addr, Type: typ, Mode: snap.Mode, Seq: snap.Seq, Memory: mem}
	}
	return base, nil
}

func compareStates(statePath string, rebuilt []byte, entries int, stdout, stderr io.Writer) error {
	stored, err := os.ReadFile(statePath)
	if err != nil {
		return err
	}
	return compareStateBytes(stored, rebuilt, statePath, entries, stdout, stderr)
}

func compareStateBytes(stored, rebuilt []byte, statePath string, entries int, stdout,
	stderr io.Writer) error {
	want := splitByObject(stored)
	got := splitByObject(rebuilt)
	differences := 0
	for obj, line := range want {
		if got[obj] != line {
			differences++
			fmt.Fprintf(stderr, "%s differs:\n  stored:  %s\n  rebuilt: %s\n", obj, line, got[obj])
		}
	}
	for obj := range got {
		if _, ok := want[obj]; !ok {
			differences++
			fmt.Fprintf(stderr, "%s is in the lineage but not in %s\n", obj, statePath)
		}
	}
	if differences > 0 {
		fmt.Fprintf(stderr, "%d objects differ\n", differences)
		return &exitError{code: 1}
	}
	fmt.Fprintf(stdout, "ok: %d objects rebuilt from %d lineage entries match %s\n", len(want),
		entries, statePath)
	return nil
}

// splitByObject indexes state lines by object, re-encoded canonically.
func splitByObject(data []byte) map[string]string {
	out := map[string]string{}
	for _, line := range bytes.Split(data, []byte("\n")) {
		var st map[string]any
		if json.Unmarshal(line, &st) != nil {
			continue
		}
		b, _ := json.Marshal(st)
		out[fmt.Sprint(st["object"])] = string(b)
	}
	return out
}

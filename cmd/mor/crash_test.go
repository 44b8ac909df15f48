package main

import (
	"bytes"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// buildMor builds the mor command into a temporary directory.
func buildMor(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mor")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func flightsArgs(extra ...string) []string {
	args := []string{"run", "../../examples/flights/airport.mor",
		"--input", "../../examples/flights/flights-2k.json",
		"--to", "Airport/{origin}", "--msg", "flight", "--time-column", "date",
		"--until-quiet", "--quiet"}
	return append(args, extra...)
}

// TestCrashResume kills mor run --data with SIGKILL at random points and
// restarts it until it finishes. The lineage kept in the data directory
// must equal that of a run never interrupted, and replaying it must give
// the stored memory.
func TestCrashResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds mor and runs it many times")
	}
	bin := buildMor(t)
	dir := t.TempDir()
	want := filepath.Join(dir, "uninterrupted.jsonl")
	if out, err := exec.Command(bin, flightsArgs("--lineage", want)...).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}

	data := filepath.Join(dir, "data")
	r := rand.New(rand.NewSource(time.Now().UnixNano()))
	kills := 0
	for attempt := 0; ; attempt++ {
		if attempt > 60 {
			t.Fatalf("the run did not finish after %d restarts", attempt)
		}
		cmd := exec.Command(bin, flightsArgs("--data", data)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		delay := time.Duration(20+r.Intn(400)) * time.Millisecond
		if kills >= 6 {
			delay = time.Minute // enough kills: let it finish
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run %d failed: %v\n%s", attempt, err, stderr.String())
			}
			if kills < 3 {
				// Finished before enough kills: start again from nothing.
				os.RemoveAll(data)
				continue
			}
		case <-time.After(delay):
			cmd.Process.Kill()
			<-done
			kills++
			continue
		}
		break
	}

	got, err := exec.Command(bin, "lineage", "--data", data, "--json").Output()
	if err != nil {
		t.Fatalf("mor lineage: %v", err)
	}
	wantBytes, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, wantBytes) {
		t.Fatalf("lineage after %d kills differs from the uninterrupted run:\n%s", kills,
			firstDiff(string(wantBytes), string(got)))
	}
	if out, err := exec.Command(bin, "replay", "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("mor replay --data: %v\n%s", err, out)
	}
	t.Logf("%d kills; lineage of %d bytes identical", kills, len(got))
}

// firstDiff shows where two long texts first differ.
func firstDiff(want, got string) string {
	w := bytes.Split([]byte(want), []byte("\n"))
	g := bytes.Split([]byte(got), []byte("\n"))
	for i := 0; i < len(w) && i < len(g); i++ {
		if !bytes.Equal(w[i], g[i]) {
			return cmp.Diff(string(w[i]), string(g[i])) + " at line " + itoa(i+1)
		}
	}
	return "lengths differ: " + itoa(len(w)) + " lines wanted, " + itoa(len(g)) + " got"
}

func itoa(n int) string { return strconv.Itoa(n) }

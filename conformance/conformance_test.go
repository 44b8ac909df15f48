package conformance

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/grammar"
)

var update = flag.Bool("update", false, "rewrite the expected files of every case")

// morBinary is the mor command built for the suite.
var morBinary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "mor-conformance")
	if err != nil {
		panic(err)
	}
	morBinary = filepath.Join(dir, "mor")
	build := exec.Command("go", "build", "-o", morBinary, "../cmd/mor")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building mor: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestCases(t *testing.T) {
	dirs, err := filepath.Glob("cases/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases found: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			runCase(t, dir)
		})
	}
}

func runCase(t *testing.T, dir string) {
	if _, err := os.Stat(filepath.Join(dir, "upgrade.mor")); err == nil {
		runUpgradeCase(t, dir)
		return
	}
	src := readFile(t, filepath.Join(dir, "case.mor"))
	_, err := compiler.CompileSources(compiler.Source{Name: "case.mor", Text: src})
	if err != nil {
		got := grammar.Format(err, map[string]string{"case.mor": src})
		compareGolden(t, filepath.Join(dir, "errors.txt"), got)
		checkCLIErrors(t, dir, got)
		return
	}
	if _, statErr := os.Stat(filepath.Join(dir, "errors.txt")); statErr == nil && !*update {
		t.Fatalf("case.mor compiled, but errors.txt expects compile errors")
	}
	apiLineage, apiOutput := runAPI(t, dir, src, 1)
	compareLineage(t, filepath.Join(dir, "lineage.jsonl"), apiLineage)
	compareGolden(t, filepath.Join(dir, "output.txt"), apiOutput)
	for _, workers := range []int{1, 2, 8} {
		cliLineage, cliOutput := runCLI(t, dir, workers)
		if !bytes.Equal(cliLineage, apiLineage) {
			t.Errorf("mor run --workers %d: lineage differs from the API run:\n%s", workers,
				cmp.Diff(string(apiLineage), string(cliLineage)))
		}
		if cliOutput != apiOutput {
			t.Errorf("mor run --workers %d: output differs from the API run:\n%s", workers,
				cmp.Diff(apiOutput, cliOutput))
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readFile(t, path)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// compareLineage compares lineage entry by entry, as decoded JSON, so a
// difference names the entry and the key.
func compareLineage(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := decodeLines(t, []byte(readFile(t, path)))
	if diff := cmp.Diff(want, decodeLines(t, got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

func decodeLines(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("lineage line %d: %v", i+1, err)
		}
		out = append(out, m)
	}
	return out
}

// caseFlags reads the case's extra mor run flags.
func caseFlags(t *testing.T, dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, "flags"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		out = append(out, strings.Fields(line)...)
	}
	return out
}

func inputPath(dir string) string {
	p := filepath.Join(dir, "input.jsonl")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

func runCLI(t *testing.T, dir string, workers int) ([]byte, string) {
	t.Helper()
	lineage := filepath.Join(t.TempDir(), "lineage.jsonl")
	args := []string{"run", "case.mor", "--lineage", lineage, "--workers", itoa(workers)}
	if inputPath(dir) != "" {
		args = append(args, "--input", "input.jsonl")
	}
	args = append(args, caseFlags(t, dir)...)
	cmd := exec.Command(morBinary, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("mor %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	b, err := os.ReadFile(lineage)
	if err != nil {
		t.Fatal(err)
	}
	return b, stdout.String()
}

// checkCLIErrors checks that mor check reports the same errors.
func checkCLIErrors(t *testing.T, dir, want string) {
	t.Helper()
	cmd := exec.Command(morBinary, "check", "case.mor")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil {
		t.Fatalf("mor check succeeded; want compile errors")
	}
	got := stderr.String()
	if !strings.HasPrefix(got, want) {
		t.Errorf("mor check output differs (-want +got):\n%s", cmp.Diff(want, got))
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// runUpgradeCase runs case.mor with a data directory, then resumes the
// directory with upgrade.mor, the next version of the program, fed by
// upgrade-input.jsonl if present. It compares the directory's lineage
// with lineage.jsonl, or the failure of the second run with
// upgrade-errors.txt.
func runUpgradeCase(t *testing.T, dir string) {
	data := filepath.Join(t.TempDir(), "data")
	first := []string{"run", "case.mor", "--data", data, "--quiet"}
	if inputPath(dir) != "" {
		first = append(first, "--input", "input.jsonl")
	}
	first = append(first, caseFlags(t, dir)...)
	if out, err := morIn(dir, first...); err != nil {
		t.Fatalf("mor %s: %v\n%s", strings.Join(first, " "), err, out)
	}
	second := []string{"run", "upgrade.mor", "--data", data, "--quiet"}
	if _, err := os.Stat(filepath.Join(dir, "upgrade-input.jsonl")); err == nil {
		second = append(second, "--input", "upgrade-input.jsonl")
	}
	second = append(second, caseFlags(t, dir)...)
	out, err := morIn(dir, second...)
	errorsPath := filepath.Join(dir, "upgrade-errors.txt")
	if _, statErr := os.Stat(errorsPath); statErr == nil || (*update && err != nil) {
		if err == nil {
			t.Fatalf("the upgraded run succeeded; upgrade-errors.txt expects it to fail")
		}
		compareGolden(t, errorsPath, strings.ReplaceAll(out, data, "DATA"))
		return
	}
	if err != nil {
		t.Fatalf("mor %s: %v\n%s", strings.Join(second, " "), err, out)
	}
	lineage, err := morIn(dir, "lineage", "--data", data, "--json")
	if err != nil {
		t.Fatalf("mor lineage: %v\n%s", err, lineage)
	}
	compareLineage(t, filepath.Join(dir, "lineage.jsonl"), []byte(lineage))
	if out, err := morIn(dir, "replay", "--data", data); err != nil {
		t.Errorf("mor replay --data after the upgrade: %v\n%s", err, out)
	}
}

// morIn runs the mor command in dir and returns its combined output.
func morIn(dir string, args ...string) (string, error) {
	cmd := exec.Command(morBinary, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

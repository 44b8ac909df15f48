package input

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenPicksFormat(t *testing.T) {
	line := `{"to": "A/b", "msg": "m"}` + "\n"
	tests := []struct {
		name    string
		content string
		mapping Mapping
	}{
		{"in.jsonl", line, Mapping{}},
		{"in.ndjson", line, Mapping{}},
		{"IN.CSV", "x\n1\n", Mapping{To: "A/b", Msg: "m"}},
		{"in.json", `[{"x": 1}]`, Mapping{To: "A/b", Msg: "m"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.name, tt.content)
			r, closer, err := Open(path, tt.mapping)
			if err != nil {
				t.Fatal(err)
			}
			defer closer.Close()
			records := readAll(t, r, 10)
			if len(records) != 1 {
				t.Fatalf("got %d records, want 1", len(records))
			}
			if records[0].File != path {
				t.Errorf("File = %q, want %q", records[0].File, path)
			}
			if records[0].To != "A/b" {
				t.Errorf("To = %q, want A/b", records[0].To)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		path    string
		mapping Mapping
		want    string
	}{
		{"unsupported extension", writeFile(t, "in.txt", ""), Mapping{},
			`unsupported input file extension ".txt"`},
		{"no extension", filepath.Join(dir, "events"), Mapping{}, `extension ""`},
		{"mapping for JSON Lines", writeFile(t, "in.jsonl", ""), Mapping{Msg: "m"},
			"apply only to .csv and .json"},
		{"missing file", filepath.Join(dir, "absent.csv"), Mapping{To: "A/b", Msg: "m"},
			"no such file"},
		{"CSV without mapping", writeFile(t, "in.csv", "x\n"), Mapping{},
			"missing address template"},
		{"bad CSV header", writeFile(t, "bad.csv", "x\n"), Mapping{To: "A/{y}", Msg: "m"},
			`missing column "y"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, closer, err := Open(tt.path, tt.mapping)
			if err == nil {
				closer.Close()
				t.Fatal("got no error")
			}
			if r != nil || closer != nil {
				t.Errorf("got a reader or closer together with error %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.path) {
				t.Errorf("error %q does not name the path %q", err, tt.path)
			}
		})
	}
}

// failingReader returns its data and then a read error.
type failingReader struct {
	data []byte
}

var errDisk = errors.New("disk failure")

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, errDisk
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadFailure(t *testing.T) {
	m := Mapping{To: "A/b", Msg: "m"}
	readers := map[string]func(io.Reader) (Reader, error){
		"JSON Lines": func(r io.Reader) (Reader, error) { return NewJSONLines(r, "in"), nil },
		"CSV":        func(r io.Reader) (Reader, error) { return NewCSV(r, "in", m) },
		"JSON array": func(r io.Reader) (Reader, error) { return NewJSONArray(r, "in", m) },
	}
	starts := map[string]string{
		"JSON Lines": `{"to": "A/b", "msg": "m"}` + "\n",
		"CSV":        "x\n1\n",
		"JSON array": `[{"x": 1},`,
	}
	for name, newReader := range readers {
		t.Run(name, func(t *testing.T) {
			r, err := newReader(&failingReader{data: []byte(starts[name])})
			if err != nil {
				t.Fatal(err)
			}
			err = firstError(r, 10)
			if !errors.Is(err, errDisk) {
				t.Fatalf("error = %v, want the read error", err)
			}
			if !strings.HasPrefix(err.Error(), "in: ") {
				t.Errorf("error %q does not start with the file name", err)
			}
			if _, err := r.Next(); err != io.EOF {
				t.Errorf("call after the read error returned %v, want io.EOF", err)
			}
		})
	}
}

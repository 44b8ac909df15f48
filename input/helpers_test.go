package input

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// wantError describes an expected *Error. The column is the 1-based index of the first
// occurrence of at in the expected line, or col when at is empty.
type wantError struct {
	line  int
	at    string
	col   int
	value string
	msg   string // a substring of Error.Msg
}

// column returns the expected column of w within input.
func (w wantError) column(t *testing.T, input string) int {
	t.Helper()
	if w.at == "" {
		return w.col
	}
	lines := strings.Split(input, "\n")
	if w.line > len(lines) {
		t.Fatalf("test input has %d lines, want line %d", len(lines), w.line)
	}
	i := strings.Index(lines[w.line-1], w.at)
	if i < 0 {
		t.Fatalf("test input line %d %q lacks %q", w.line, lines[w.line-1], w.at)
	}
	return i + 1
}

// checkError asserts that err is an *Error at file:line:col with the given value, and
// that its text shows the position and the value.
func checkError(t *testing.T, err error, file, input string, want wantError) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *Error", err, err)
	}
	col := want.column(t, input)
	if e.File != file {
		t.Errorf("File = %q, want %q", e.File, file)
	}
	if e.Line != want.line {
		t.Errorf("Line = %d, want %d (error: %v)", e.Line, want.line, err)
	}
	if e.Col != col {
		t.Errorf("Col = %d, want %d (error: %v)", e.Col, col, err)
	}
	if e.Value != want.value {
		t.Errorf("Value = %q, want %q", e.Value, want.value)
	}
	if !strings.Contains(e.Msg, want.msg) {
		t.Errorf("Msg = %q, want it to contain %q", e.Msg, want.msg)
	}
	text := err.Error()
	prefix := fmt.Sprintf("%s:%d:%d: ", file, want.line, col)
	if !strings.HasPrefix(text, prefix) {
		t.Errorf("Error() = %q, want prefix %q", text, prefix)
	}
	if quoted := fmt.Sprintf("(value %q)", want.value); !strings.Contains(text, quoted) {
		t.Errorf("Error() = %q, want it to contain %s", text, quoted)
	}
}

// readAll reads records until io.EOF, failing the test on any error. It stops after
// limit calls so that a reader that never ends fails instead of hanging.
func readAll(t *testing.T, r Reader, limit int) []Record {
	t.Helper()
	var records []Record
	for range limit {
		rec, err := r.Next()
		if err == io.EOF {
			return records
		}
		if err != nil {
			t.Fatalf("record %d: %v", len(records)+1, err)
		}
		records = append(records, rec)
	}
	t.Fatalf("reader did not return io.EOF after %d calls", limit)
	return nil
}

// firstError returns the first error other than io.EOF that r returns, or nil.
func firstError(r Reader, limit int) error {
	for range limit {
		_, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return fmt.Errorf("reader did not return io.EOF after %d calls", limit)
}

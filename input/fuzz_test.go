package input

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// drain reads r to the end and checks what every reader promises: each call returns
// a record or an *Error with a valid position (the input is in memory, so no read
// fails), and io.EOF comes within a number of calls bounded by the input size.
func drain(t *testing.T, r Reader, data []byte) {
	size := len(data)
	for range size + 2 {
		rec, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			checkFuzzError(t, err, data)
		} else if !validPosition(data, rec.Line, rec.Col) || rec.Args == nil {
			t.Fatalf("record at %d:%d with Args %v", rec.Line, rec.Col, rec.Args)
		}
	}
	t.Fatalf("no io.EOF after %d calls on %d bytes of input", size+2, size)
}

func checkFuzzError(t *testing.T, err error, data []byte) {
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *Error", err, err)
	}
	if !validPosition(data, e.Line, e.Col) || e.File != "fuzz" {
		t.Fatalf("error at invalid position %s:%d:%d: %v", e.File, e.Line, e.Col, err)
	}
}

// validPosition reports whether line and col lie within data or just past its end.
// A byte column may pass a line's length by one, where an error points past the end.
func validPosition(data []byte, line, col int) bool {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) || col < 1 {
		return false
	}
	return col <= len(lines[line-1])+1
}

func FuzzJSONLines(f *testing.F) {
	f.Add([]byte(`{"to": "Station/seattle", "msg": "reading", "args": {"max": 12.5}, ` +
		`"at": "2012-01-01"}`))
	f.Add([]byte("\ufeff{\"to\": \"A/b\", \"msg\": \"m\"}\r\n\n{\"to\": 1}\n[1]\n{"))
	f.Add([]byte(`{"to": "A/b", "msg": "m", "args": {"x": [1, {"y": null}], "x": 2}}`))
	f.Add([]byte(`{"to": "A/b", "msg": "m", "at": "2001/01/01 06:55"} x`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewJSONLines(bytes.NewReader(data), "fuzz")
		drain(t, r, data)
	})
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("name,date,v\nnorth,2012-01-01,1.5\n"+
		"\"a\"\"b\",2012/01/01 06:55,\"x\ny\"\n"), true)
	f.Add([]byte("name,date\n,\n1,2,3\nx\"y\n\"open"), true)
	f.Add([]byte("a,a\n"), false)
	f.Add([]byte("\ufeffname\r\nx\r\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, template bool) {
		m := Mapping{To: "Fixed/one", Msg: "m"}
		if template {
			m = Mapping{To: "Station/{name}", Msg: "m", TimeColumn: "date"}
		}
		r, err := NewCSV(bytes.NewReader(data), "fuzz", m)
		if err != nil {
			checkFuzzError(t, err, data)
			return
		}
		drain(t, r, data)
	})
}

func FuzzJSONArray(f *testing.F) {
	f.Add([]byte(`[{"origin": "LAX", "date": "2001/01/01 06:55", "delay": -19}]`))
	f.Add([]byte("[\n{\"origin\": \"A\"},\n 1, {\"origin\": [1]}, {\"origin\": \"B\"} {}]"))
	f.Add([]byte(`[{"origin": "A", "origin": "B"},]`))
	f.Add([]byte(" \n[{\"origin\": \"\\u00e9\\\"\"}] x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m := Mapping{To: "Airport/{origin}", Msg: "m"}
		r, err := NewJSONArray(bytes.NewReader(data), "fuzz", m)
		if err != nil {
			checkFuzzError(t, err, data)
			return
		}
		drain(t, r, data)
	})
}

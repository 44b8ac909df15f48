package input

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"time"
)

const hintJSONLine = `write one JSON object per line, such as ` +
	`{"to": "Station/seattle", "msg": "reading", "args": {"max": 12.5}}`

// byteOrderMark is the UTF-8 encoding of U+FEFF, which some editors write at the
// start of a file.
var byteOrderMark = []byte("\ufeff")

type jsonLinesReader struct {
	name string
	in   *bufio.Reader
	line int  // number of the last line read
	done bool // set at the end of the input or after a failed read
}

// NewJSONLines returns a reader of JSON Lines: one JSON object per line with the
// fields "to" (the address), "msg" (the message name), "args" (an optional object)
// and "at" (an optional timestamp for [ParseTime], or null for none). Any other field
// is an error. Blank lines are skipped. Name is the file name that errors report.
func NewJSONLines(r io.Reader, name string) Reader {
	return &jsonLinesReader{name: name, in: bufio.NewReader(r)}
}

func (r *jsonLinesReader) Next() (Record, error) {
	for !r.done {
		text, err := r.in.ReadBytes('\n')
		if err != nil {
			r.done = true
			if err != io.EOF {
				return Record{}, fmt.Errorf("%s: reading line %d: %w", r.name, r.line+1, err)
			}
		}
		if len(text) == 0 {
			continue
		}
		r.line++
		text = bytes.TrimRight(text, "\r\n")
		if r.line == 1 {
			text = bytes.TrimPrefix(text, byteOrderMark)
		}
		if skipSpace(text, 0) < len(text) {
			return r.parseLine(text)
		}
	}
	return Record{}, io.EOF
}

// at returns the position of byte index of the current line.
func (r *jsonLinesReader) at(index int) position {
	return position{file: r.name, line: r.line, col: index + 1}
}

func (r *jsonLinesReader) parseLine(text []byte) (Record, error) {
	if index, problem, bad := syntaxErrorAt(text); bad {
		return Record{}, r.at(index).errorf(excerpt(text, index), hintJSONLine,
			"invalid JSON: %s", problem)
	}
	start := skipSpace(text, 0)
	if text[start] != '{' {
		return Record{}, r.at(start).errorf(excerpt(text, start), hintJSONLine,
			"expected a JSON object")
	}
	fields, err := objectFields(text[start:])
	if err != nil {
		return Record{}, fmt.Errorf("%s:%d: %w", r.name, r.line, err)
	}
	return r.record(text, start, fields)
}

// record builds a Record from the fields of the object that starts at text[start].
func (r *jsonLinesReader) record(text []byte, start int, fields []field) (Record, error) {
	rec := Record{File: r.name, Line: r.line, Col: start + 1, Args: map[string]Value{}}
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		keyAt := r.at(start + f.keyOffset)
		if seen[f.key] {
			return Record{}, keyAt.errorf(f.key, "remove one of them", "duplicate field %q", f.key)
		}
		seen[f.key] = true
		if err := r.setField(&rec, keyAt, f, r.value(start, f)); err != nil {
			return Record{}, err
		}
	}
	for _, name := range []string{"to", "msg"} {
		if !seen[name] {
			return Record{}, r.at(start).errorf(excerpt(text, start), hintJSONLine,
				"missing field %q", name)
		}
	}
	return rec, nil
}

// value returns the decoded value of f, an object member that starts at byte base.
func (r *jsonLinesReader) value(base int, f field) Value {
	// decodeJSON cannot fail here because parseLine validated the whole line.
	raw, _ := decodeJSON(f.raw)
	return Value{Raw: raw, File: r.name, Line: r.line, Col: base + f.rawOffset + 1}
}

func (r *jsonLinesReader) setField(rec *Record, keyAt position, f field, v Value) error {
	var err error
	switch f.key {
	case "to":
		rec.To, err = addressField(v)
	case "msg":
		rec.Msg, err = messageField(v)
	case "args":
		rec.Args, err = r.arguments(f.raw, v)
	case "at":
		rec.At, rec.HasTime, err = timeField(v)
	default:
		err = keyAt.errorf(f.key, `the fields are "to", "msg", "args" and "at"; `+
			`put message arguments in "args"`, "unknown field %q", f.key)
	}
	return err
}
func addressField(v Value) (string, error) {
	s, ok := v.Raw.(string)
	if !ok {
		return "", v.errorf(hintAddress, `invalid "to": found %s, expected a string`,
			kindOf(v.Raw))
	}
	if problem := addressProblem(s); problem != "" {
		return "", v.errorf(hintAddress, "%s", problem)
	}
	return s, nil
}

func messageField(v Value) (string, error) {
	s, ok := v.Raw.(string)
	if !ok {
		return "", v.errorf(hintMessage, `invalid "msg": found %s, expected a string`,
			kindOf(v.Raw))
	}
	if problem := messageProblem(s); problem != "" {
		return "", v.errorf(hintMessage, "%s", problem)
	}
	return s, nil
}

func timeField(v Value) (time.Time, bool, error) {
	if v.Raw == nil {
		return time.Time{}, false, nil
	}
	t, err := v.Time()
	if err != nil {
		return time.Time{}, false, err
	}
	return t, true, nil
}

// arguments decodes the "args" object, whose value v starts with the bytes raw, and
// keeps the position of each argument value.
func (r *jsonLinesReader) arguments(raw []byte, v Value) (map[string]Value, error) {
	if raw[0] != '{' {
		return nil, v.errorf(`write the arguments as an object, such as {"max": 12.5}`,
			`invalid "args": found %s, expected an object`, kindOf(v.Raw))
	}
	fields, err := objectFields(raw)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: %w", r.name, r.line, err)
	}
	base := v.Col - 1
	args := make(map[string]Value, len(fields))
	for _, f := range fields {
		if _, dup := args[f.key]; dup {
			keyAt := r.at(base + f.keyOffset)
			return nil, keyAt.errorf(f.key, "remove one of them", "duplicate argument %q", f.key)
		}
		args[f.key] = r.value(base, f)
	}
	return args, nil
}

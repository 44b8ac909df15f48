package input

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

const hintJSONArray = `the file must contain one JSON array of flat objects, ` +
	`such as [{"origin": "LAX", "delay": -3}]`

type jsonArrayReader struct {
	name  string
	src   *sourceWindow
	dec   *json.Decoder
	plan  *plan
	count int  // number of array elements read
	done  bool // set after the closing bracket or an error that ends the stream
}

// NewJSONArray returns a reader of a JSON array of flat objects, reading the opening
// bracket at once. Each element becomes one record through the mapping m, with one
// [Value] per member. A member value must be a string, number, boolean or null.
// Elements are decoded one at a time, so memory use does not grow with the file.
// Name is the file name that errors report.
func NewJSONArray(r io.Reader, name string, m Mapping) (Reader, error) {
	p, err := compileMapping(m)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	src := newSourceWindow(r)
	dec := json.NewDecoder(src)
	dec.UseNumber() // so that Token never fails on a number too large for float64
	a := &jsonArrayReader{name: name, src: src, dec: dec, plan: p}
	if err := a.readOpening(); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *jsonArrayReader) readOpening() error {
	token, err := a.dec.Token()
	if err == io.EOF && a.src.readErr == nil {
		return a.at(0).errorf("", hintJSONArray, "missing JSON array: the file is empty or blank")
	}
	if err != nil {
		return a.decodeError(0, false, err)
	}
	if token == json.Delim('[') {
		return nil
	}
	start := int64(skipSpace(a.src.bytesFrom(0), 0))
	return a.at(start).errorf(a.src.excerpt(start), hintJSONArray,
		"expected a JSON array of objects")
}

func (a *jsonArrayReader) Next() (Record, error) {
	if a.done {
		return Record{}, io.EOF
	}
	from := a.dec.InputOffset()
	if !a.dec.More() {
		a.done = true
		return Record{}, a.finish(from)
	}
	var raw json.RawMessage
	if err := a.dec.Decode(&raw); err != nil {
		a.done = true
		return Record{}, a.decodeError(from, a.count > 0, err)
	}
	a.count++
	// Decode stores the element's exact source bytes, so they end at InputOffset.
	start := a.dec.InputOffset() - int64(len(raw))
	a.src.discardBefore(start)
	return a.record(start, raw)
}

// finish reads the closing bracket that starts after offset from, and checks that
// nothing but whitespace follows it. It returns io.EOF when the array ended well.
func (a *jsonArrayReader) finish(from int64) error {
	if _, err := a.dec.Token(); err != nil {
		return a.decodeError(from, a.count > 0, err)
	}
	after := a.dec.InputOffset()
	_, err := a.dec.Token()
	if err == io.EOF && a.src.readErr == nil {
		return io.EOF
	}
	if a.src.readErr != nil {
		return fmt.Errorf("%s: %w", a.name, a.src.readErr)
	}
	start := after + int64(skipSpace(a.src.bytesFrom(after), 0))
	return a.at(start).errorf(a.src.excerpt(start), hintJSONArray,
		"unexpected data after the end of the array")
}

// decodeError turns an error of the decoder, which stopped somewhere after offset
// from, into an *Error at the offending byte. A failed read is returned as it is,
// prefixed with the file name.
func (a *jsonArrayReader) decodeError(from int64, expectComma bool, err error) error {
	if a.src.readErr != nil {
		return fmt.Errorf("%s: %w", a.name, a.src.readErr)
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		off, problem := a.locateSyntaxError(from, expectComma, syntax)
		return a.at(off).errorf(a.src.excerpt(off), hintJSONArray, "invalid JSON: %s", problem)
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		off := a.src.end()
		return a.at(off).errorf(a.src.excerpt(off), hintJSONArray, "unexpected end of input")
	}
	return fmt.Errorf("%s: %w", a.name, err)
}

// locateSyntaxError finds the offending byte after offset from. The decoder's own
// SyntaxError.Offset can point at the start of the value rather than at the byte, so
// the kept text is validated again with json.Unmarshal, which reports the exact byte.
func (a *jsonArrayReader) locateSyntaxError(from int64, expectComma bool,
	syntax *json.SyntaxError) (int64, string) {
	b := a.src.bytesFrom(from)
	i := skipSpace(b, 0)
	if expectComma && i < len(b) {
		if b[i] != ',' {
			return from + int64(i), fmt.Sprintf(
				`invalid character %q after array element, expected "," or "]"`, b[i])
		}
		i = skipSpace(b, i+1)
	}
	if index, problem, bad := syntaxErrorAt(b[i:]); bad {
		return from + int64(i+index), problem
	}
	return from + int64(i), syntax.Error()
}

func (a *jsonArrayReader) at(off int64) position {
	line, col := a.src.position(off)
	return position{file: a.name, line: line, col: col}
}

// record builds the record of the array element raw, which starts at offset start.
func (a *jsonArrayReader) record(start int64, raw []byte) (Record, error) {
	if raw[0] != '{' {
		return Record{}, a.at(start).errorf(excerpt(raw, 0), hintJSONArray,
			"array element %d is not an object", a.count)
	}
	fields, err := objectFields(raw)
	if err != nil {
		return Record{}, fmt.Errorf("%s: array element %d: %w", a.name, a.count, err)
	}
	cells := make([]cell, 0, len(fields))
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		c, err := a.cell(start, f)
		if err != nil {
			return Record{}, err
		}
		if seen[f.key] {
			keyAt := a.at(start + int64(f.keyOffset))
			return Record{}, keyAt.errorf(f.key, "remove one of them", "duplicate field %q", f.key)
		}
		seen[f.key] = true
		cells = append(cells, c)
	}
	return a.plan.record(a.at(start), cells)
}

// cell converts one member of the element that starts at offset start.
func (a *jsonArrayReader) cell(start int64, f field) (cell, error) {
	valueAt := a.at(start + int64(f.rawOffset))
	if isNested(f.raw) {
		return cell{}, valueAt.errorf(excerpt(f.raw, 0), "flatten the value into "+
			"separate fields, or use JSON Lines, whose args may hold objects and arrays",
			"field %q holds a nested object or array", f.key)
	}
	// decodeJSON cannot fail here because Decode validated the element.
	raw, _ := decodeJSON(f.raw)
	v := Value{Raw: raw, File: a.name, Line: valueAt.line, Col: valueAt.col}
	return cell{column: f.key, value: v}, nil
}

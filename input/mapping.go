package input

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Mapping describes how each row of a tabular source (CSV or a JSON array) becomes a
// record.
type Mapping struct {
	// To is the address template, such as "Airport/{origin}" or "Station/seattle".
	// Each {column} is replaced by that column's value, which must be a string or a
	// number.
	To string

	// Msg is the message name, such as "reading".
	Msg string

	// TimeColumn, when set, names the column whose value is the record's timestamp.
	TimeColumn string

	// Rename maps argument names to column names, such as {"max": "temp_max"}. A
	// renamed column is passed only under its new name or names. Every other column
	// is passed under its own name.
	Rename map[string]string
}

// isZero reports whether no field of the mapping is set.
func (m Mapping) isZero() bool {
	return m.To == "" && m.Msg == "" && m.TimeColumn == "" && len(m.Rename) == 0
}

// plan is a validated Mapping.
type plan struct {
	address    addressTemplate
	msg        string
	timeColumn string
	rename     map[string]string   // argument name -> column name
	renamedTo  map[string][]string // column name -> sorted argument names
}

// cell is one column of a row.
type cell struct {
	column string
	value  Value
}

// compileMapping validates a Mapping before any input is read.
func compileMapping(m Mapping) (*plan, error) {
	if m.To == "" {
		return nil, fmt.Errorf("missing address template (--to); %s",
			"set it to a fixed address such as Station/seattle or a template such as "+
				"Airport/{origin}")
	}
	address, err := parseTemplate(m.To)
	if err != nil {
		return nil, err
	}
	if len(address.columns()) == 0 {
		if problem := addressProblem(m.To); problem != "" {
			return nil, fmt.Errorf("%s (value %q) in --to; %s",
				problem, m.To, hintAddress)
		}
	}
	if problem := messageProblem(m.Msg); problem != "" {
		return nil, fmt.Errorf("%s (value %q) in --msg; %s",
			problem, m.Msg, hintMessage)
	}
	p := &plan{address: address, msg: m.Msg, timeColumn: m.TimeColumn}
	if err := p.setRename(m.Rename); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *plan) setRename(rename map[string]string) error {
	p.rename = make(map[string]string, len(rename))
	p.renamedTo = make(map[string][]string)
	for _, argument := range slices.Sorted(maps.Keys(rename)) {
		column := rename[argument]
		if argument == "" || column == "" {
			return fmt.Errorf("invalid mapping: Rename %q -> %q has an empty name; "+
				"map each argument name to a column name, such as max -> temp_max",
				argument, column)
		}
		p.rename[argument] = column
		p.renamedTo[column] = append(p.renamedTo[column], argument)
	}
	return nil
}

// requiredColumns lists each column that the mapping names, with what it is used for.
func (p *plan) requiredColumns() map[string]string {
	uses := make(map[string]string)
	for _, column := range p.address.columns() {
		uses[column] = "the address template " + p.address.text
	}
	if p.timeColumn != "" {
		uses[p.timeColumn] = "the time column"
	}
	for argument, column := range p.rename {
		uses[column] = "Rename " + argument + " -> " + column
	}
	return uses
}

// checkHeader reports a column that the mapping names but the header lacks, and an
// argument name that two columns would both set.
func (p *plan) checkHeader(start position, header []cell) error {
	present := make(map[string]bool, len(header))
	names := make([]string, len(header))
	for i, c := range header {
		present[c.column] = true
		names[i] = c.column
	}
	uses := p.requiredColumns()
	for _, column := range slices.Sorted(maps.Keys(uses)) {
		if !present[column] {
			return start.errorf(column, "the header has the columns "+strings.Join(names, ", "),
				"missing column %q, used by %s", column, uses[column])
		}
	}
	_, err := p.arguments(start, header)
	return err
}

// record builds the record of one row that starts at start.
func (p *plan) record(start position, cells []cell) (Record, error) {
	byColumn := make(map[string]Value, len(cells))
	for _, c := range cells {
		byColumn[c.column] = c.value
	}
	rec := Record{File: start.file, Line: start.line, Col: start.col, Msg: p.msg}
	var err error
	if rec.To, err = p.expandAddress(start, byColumn); err != nil {
		return Record{}, err
	}
	if rec.At, rec.HasTime, err = p.timestamp(start, byColumn); err != nil {
		return Record{}, err
	}
	if rec.Args, err = p.arguments(start, cells); err != nil {
		return Record{}, err
	}
	return rec, nil
}

// expandAddress fills in the address template. An invalid result is reported at the
// first column that the template uses, or at the row start for a fixed address.
func (p *plan) expandAddress(start position, byColumn map[string]Value) (string, error) {
	var b strings.Builder
	at, located := start, false
	for _, part := range p.address.parts {
		if part.column == "" {
			b.WriteString(part.literal)
			continue
		}
		v, ok := byColumn[part.column]
		if !ok {
			return "", p.missingColumn(start, part.column)
		}
		if !located {
			at, located = position{file: v.File, line: v.Line, col: v.Col}, true
		}
		text, err := addressText(v)
		if err != nil {
			return "", err
		}
		b.WriteString(text)
	}
	address := b.String()
	if problem := addressProblem(address); problem != "" {
		hint := hintAddress + " (the address template is " + p.address.text + ")"
		return "", at.errorf(address, hint, "%s", problem)
	}
	return address, nil
}

// addressText returns the text of a string or number value for an address.
func addressText(v Value) (string, error) {
	switch raw := v.Raw.(type) {
	case string:
		return raw, nil
	case json.Number:
		return string(raw), nil
	}
	return "", v.errorf("an address column must contain strings or numbers",
		"invalid address part: found %s", kindOf(v.Raw))
}

// timestamp returns the value of the time column, and false when there is none.
func (p *plan) timestamp(start position, byColumn map[string]Value) (time.Time, bool, error) {
	if p.timeColumn == "" {
		return time.Time{}, false, nil
	}
	v, found := byColumn[p.timeColumn]
	if !found {
		return time.Time{}, false, p.missingColumn(start, p.timeColumn)
	}
	t, err := v.Time()
	if err != nil {
		return time.Time{}, false, err
	}
	return t, true, nil
}

// arguments returns the arguments of a row. It rejects an argument name that two
// columns set, and a row that lacks a renamed column.
func (p *plan) arguments(start position, cells []cell) (map[string]Value, error) {
	args := make(map[string]Value, len(cells))
	source := make(map[string]string, len(cells)) // argument name -> column name
	for _, c := range cells {
		names, renamed := p.renamedTo[c.column]
		if !renamed {
			names = []string{c.column}
		}
		for _, name := range names {
			if other, exists := source[name]; exists {
				return nil, argumentConflict(c, name, other)
			}
			args[name] = c.value
			source[name] = c.column
		}
	}
	for _, argument := range slices.Sorted(maps.Keys(p.rename)) {
		if _, ok := args[argument]; !ok {
			return nil, p.missingColumn(start, p.rename[argument])
		}
	}
	return args, nil
}

func argumentConflict(c cell, name, other string) *Error {
	return c.value.errorf("change Rename so that each argument name comes from one column",
		"argument %q is set by both column %q and column %q", name, other, c.column)
}

func (p *plan) missingColumn(start position, column string) *Error {
	return start.errorf(column, "each row needs every column that the mapping names",
		"missing column %q, used by %s", column, p.requiredColumns()[column])
}

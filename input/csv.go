package input

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

const hintCSV = `quote a field that contains a comma, a quote or a line break, ` +
	`and double each quote inside it, such as "say ""hi"""`

type csvReader struct {
	name   string
	csv    *csv.Reader
	lines  *lineRecorder
	plan   *plan
	header []string
	done   bool // set at the end of the input or after a failed read
}

// NewCSV returns a reader of CSV with a header row, reading the header at once. Each
// later row becomes one record through the mapping m. Every cell is passed as a
// string [Value]. Name is the file name that errors report. NewCSV returns an error
// when m is invalid, when the header cannot be read, or when the header lacks a
// column that m names.
func NewCSV(r io.Reader, name string, m Mapping) (Reader, error) {
	p, err := compileMapping(m)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	lines := newLineRecorder(r)
	c := &csvReader{name: name, csv: csv.NewReader(lines), lines: lines, plan: p}
	c.csv.FieldsPerRecord = -1 // checked against the header by Next, to report the row
	if err := c.readHeader(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *csvReader) readHeader() error {
	header, err := c.csv.Read()
	if err == io.EOF {
		return c.at(1, 1).errorf("", "the first row must name the columns, such as "+
			"date,temp_max", "missing header row: the file is empty")
	}
	if err != nil {
		return c.readError(err)
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	cells := c.cells(header)
	for i, cell := range cells {
		if err := checkColumnName(cells[:i], cell); err != nil {
			return err
		}
	}
	c.header = header
	line, col := c.csv.FieldPos(0)
	return c.plan.checkHeader(c.at(line, col), cells)
}

func checkColumnName(before []cell, c cell) error {
	if c.column == "" {
		return c.value.errorf("name every column in the header row", "empty column name")
	}
	for _, other := range before {
		if other.column == c.column {
			return c.value.errorf("give each column a different name",
				"duplicate column %q", c.column)
		}
	}
	return nil
}

func (c *csvReader) Next() (Record, error) {
	if c.done {
		return Record{}, io.EOF
	}
	row, err := c.csv.Read()
	if err != nil {
		return Record{}, c.readError(err)
	}
	if len(row) != len(c.header) {
		return Record{}, c.fieldCountError(row)
	}
	line, col := c.csv.FieldPos(0)
	return c.plan.record(c.at(line, col), c.cells(row))
}

// cells pairs the fields of the row last read with the header's column names. For the
// header row itself, each column is named by its own text.
func (c *csvReader) cells(row []string) []cell {
	cells := make([]cell, len(row))
	for i, text := range row {
		line, col := c.csv.FieldPos(i)
		column := text
		if c.header != nil {
			column = c.header[i]
		}
		cells[i] = cell{column, Value{Raw: text, File: c.name, Line: line, Col: col}}
	}
	return cells
}

func (c *csvReader) at(line, col int) position {
	return position{file: c.name, line: line, col: col}
}

// fieldCountError reports a row whose length differs from the header's, at the first
// extra field or at the last field of a short row.
func (c *csvReader) fieldCountError(row []string) error {
	index := min(len(row), len(c.header)) - 1
	if len(row) > len(c.header) {
		index = len(c.header)
	}
	line, col := c.csv.FieldPos(index)
	return c.at(line, col).errorf(strings.Join(row, ","),
		"the header has the columns "+strings.Join(c.header, ", "),
		"wrong number of fields: the row has %d and the header has %d",
		len(row), len(c.header))
}

// readError turns a csv.ParseError into an *Error after which reading goes on, and
// ends the stream on io.EOF or a failed read.
func (c *csvReader) readError(err error) error {
	var parse *csv.ParseError
	if !errors.As(err, &parse) {
		c.done = true
		if err == io.EOF {
			return io.EOF
		}
		return fmt.Errorf("%s: %w", c.name, err)
	}
	line, found := c.lines.line(parse.Line)
	index := max(parse.Column, 1) - 1
	if found {
		// At the end of the input, encoding/csv counts the final line break as a column.
		index = min(index, len(line))
	}
	msg := "invalid CSV: " + parse.Err.Error()
	if parse.StartLine != parse.Line {
		msg += fmt.Sprintf(" (the record starts on line %d)", parse.StartLine)
	}
	return c.at(parse.Line, index+1).errorf(excerpt(line, index), hintCSV, "%s", msg)
}

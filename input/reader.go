package input

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Record is one message read from an input file.
type Record struct {
	File string
	Line int // 1-based line where the record starts
	Col  int // 1-based byte column where the record starts

	To   string           // address of the receiving object, such as "Station/seattle"
	Msg  string           // message name, such as "reading"
	Args map[string]Value // arguments by name; never nil

	At      time.Time // timestamp in UTC; valid only when HasTime is true
	HasTime bool
}

// Reader reads records one at a time.
//
// Next returns io.EOF after the last record. An error about one record or row is
// returned once, and the next call reads the next record, so a caller that reports
// each error and calls Next again until io.EOF gets every bad record in a file. An
// error after which nothing more can be read (malformed JSON in a JSON array file, a
// failed read) is also returned once, and every later call returns io.EOF.
type Reader interface {
	Next() (Record, error)
}

// Open opens the file at path and returns a reader for its format, chosen by the
// extension: .jsonl or .ndjson for JSON Lines, .csv for CSV, .json for a JSON array
// of objects. The mapping is required for CSV and JSON array files, and must be
// empty for JSON Lines, whose records name their own address and message. The
// caller closes the returned io.Closer when done with the reader.
func Open(path string, m Mapping) (Reader, io.Closer, error) {
	format, err := formatOf(path)
	if err != nil {
		return nil, nil, err
	}
	if format == formatJSONLines && !m.isZero() {
		return nil, nil, fmt.Errorf("%s: --to, --msg, --time-column and --arg apply only to "+
			".csv and .json input; "+
			"a JSON Lines record names its own address and message in \"to\" and \"msg\"",
			path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	r, err := newReader(format, f, path, m)
	if err != nil {
		return nil, nil, errors.Join(err, f.Close())
	}
	return r, f, nil
}

type format int

const (
	formatJSONLines format = iota
	formatCSV
	formatJSONArray
)

func formatOf(path string) (format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		return formatJSONLines, nil
	case ".csv":
		return formatCSV, nil
	case ".json":
		return formatJSONArray, nil
	}
	return 0, fmt.Errorf("%s: unsupported input file extension %q; "+
		"use .jsonl or .ndjson (JSON Lines), .csv, or .json (a JSON array of objects)",
		path, filepath.Ext(path))
}

func newReader(f format, r io.Reader, name string, m Mapping) (Reader, error) {
	switch f {
	case formatCSV:
		return NewCSV(r, name, m)
	case formatJSONArray:
		return NewJSONArray(r, name, m)
	}
	return NewJSONLines(r, name), nil
}

package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/store"
	"github.com/mor-lang/mor/vm"
)

// teeSink writes lineage to several sinks.
type teeSink []vm.Sink

func (t teeSink) Write(entries []vm.Entry) error {
	var errs []error
	for _, s := range t {
		errs = append(errs, s.Write(entries))
	}
	return errors.Join(errs...)
}

// openData opens the run's data directory and, when it already holds a
// run, returns where that run stopped.
func (r *runner) openData() (resume bool, err error) {
	if r.o.data == "" {
		return false, nil
	}
	r.store, err = store.Open(r.o.data, store.Options{})
	if err != nil {
		return false, err
	}
	if r.o.retain > 0 {
		r.store.SetRetain(r.o.retain)
	}
	r.store.SetProgram(r.sources)
	if r.store.Empty() {
		return false, nil
	}
	return true, nil
}

// resume restores the VM from the data directory and skips the input
// records the stored run already consumed.
func (r *runner) resume() error {
	img, err := r.store.LoadFor(r.machine)
	if err != nil {
		return err
	}
	if err := r.machine.Restore(img); err != nil {
		return fmt.Errorf("resuming from %s: %w", r.store.Path(), err)
	}
	// The same input file resumes where the stored run stopped; another
	// file is new input, read from its start.
	skip := 0
	if in := r.store.Meta().Input; in.Path != "" && samePath(in.Path, r.o.input) {
		if in.Mapping != r.mappingText() {
			return fmt.Errorf("data directory %s read %s with %s; resume it with the same flags, or "+
				"use another --data directory", r.o.data, r.o.input, in.Mapping)
		}
		skip = in.Records
	}
	for r.reader != nil && r.position < skip {
		if _, err := r.reader.Next(); err != nil && isEOF(err) {
			return fmt.Errorf("%s has only %d records, but the data directory already consumed %d",
				r.o.input, r.position, skip)
		}
		r.position++
	}
	return nil
}

// mappingText describes how input rows become messages.
func (r *runner) mappingText() string {
	if r.o.to == "" && r.o.msg == "" && r.o.timeColumn == "" && len(r.o.args) == 0 {
		return "no mapping flags"
	}
	return fmt.Sprintf("--to %q --msg %q --time-column %q --arg %q", r.o.to, r.o.msg,
		r.o.timeColumn, r.o.args)
}

// checkpoint offers the store a commit point.
func (r *runner) checkpoint(final bool) error {
	if r.store == nil {
		return nil
	}
	path := r.o.input
	if abs, err := filepath.Abs(path); err == nil && path != "" {
		path = abs
	}
	pos := store.InputPosition{Path: path, Records: r.position, Mapping: r.mappingText()}
	if r.o.input == "" {
		pos = r.store.Meta().Input
	}
	if final {
		return r.store.Commit(r.machine, pos)
	}
	_, err := r.store.MaybeCommit(r.machine, pos)
	return err
}

// loadStoredProgram compiles the program recorded in a data directory.
func loadStoredProgram(s *store.Store) (*compiler.Program, error) {
	meta := s.Meta()
	if len(meta.Program) == 0 {
		return nil, fmt.Errorf("%s records no program; run mor run --data first", s.Path())
	}
	var sources []compiler.Source
	for name, text := range meta.Program {
		sources = append(sources, compiler.Source{Name: name, Text: text})
	}
	prog, err := compiler.CompileSources(sources...)
	if err != nil {
		return nil, fmt.Errorf("the copy of the program stored in %s does not compile, so the file "+
			"may be damaged; run mor run --data again with the .mor files to store them anew: %v",
			s.Path(), err)
	}
	return prog, nil
}

package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/input"
	"github.com/mor-lang/mor/vm"
)

// feed delivers every input record as a message. A record's timestamp
// first advances the virtual clock, running everything due before it.
func (r *runner) feed() error {
	if r.reader == nil {
		return nil
	}
	for !r.stopped() {
		rec, err := r.nextRecord()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err == nil {
			err = r.deliver(rec)
		}
		if err == nil {
			r.records++
			if err := r.checkpoint(false); err != nil {
				return err
			}
			continue
		}
		var inputErr *input.Error
		if !errors.As(err, &inputErr) && !isRecordError(err) {
			return err
		}
		if !r.o.skipBad {
			fmt.Fprintf(r.stderr, "%v\n", err)
			return &exitError{code: 1}
		}
		r.skipped++
		fmt.Fprintf(r.stderr, "skipped: %v\n", err)
	}
	return nil
}

func (r *runner) nextRecord() (input.Record, error) {
	if r.first != nil {
		rec, err := *r.first, r.firstErr
		r.first = nil
		return rec, err
	}
	rec, err := r.reader.Next()
	if !isEOF(err) {
		r.position++
	}
	return rec, err
}

func isEOF(err error) bool { return errors.Is(err, io.EOF) }

// recordError is a problem with one record found after decoding: an
// unknown address or message, a bad argument, or a timestamp that goes
// back in time.
type recordError struct{ msg string }

func (e *recordError) Error() string { return e.msg }

func isRecordError(err error) bool {
	var re *recordError
	return errors.As(err, &re)
}

func recordErrorf(rec input.Record, format string, args ...any) error {
	return &recordError{msg: fmt.Sprintf("%s:%d:%d: ", rec.File, rec.Line, rec.Col) +
		fmt.Sprintf(format, args...)}
}

func (r *runner) deliver(rec input.Record) error {
	m := r.machine
	obj, _, err := m.ParseAddress(rec.To)
	if err != nil {
		return recordErrorf(rec, "%v", err)
	}
	h := handlerFor(obj, rec.Msg)
	if h == nil {
		return recordErrorf(rec, "%s has no handler for message %q", obj.Name, rec.Msg)
	}
	args, err := recordArgs(rec, h, r.o.input)
	if err != nil {
		return err
	}
	if rec.HasTime && r.clock.Virtual() {
		if rec.At.Before(m.Now()) {
			return recordErrorf(rec, "timestamp %s is earlier than the clock (%s); input must be "+
				"in time order", formatTime(rec.At), formatTime(m.Now()))
		}
		if err := m.AdvanceTo(rec.At); err != nil {
			return err
		}
	}
	sender := fmt.Sprintf("input:%d", rec.Line)
	if err := m.Send(rec.To, rec.Msg, args, sender); err != nil {
		return recordErrorf(rec, "%v", err)
	}
	return nil
}

func handlerFor(obj *compiler.Object, msg string) *compiler.Handler {
	if h := obj.LookupHandler(compiler.Active, msg); h != nil {
		return h
	}
	for _, mode := range obj.Modes {
		if h := mode.Handlers[msg]; h != nil {
			return h
		}
	}
	return nil
}

// recordArgs converts a record's values to the handler's parameter
// types. JSON Lines records must name only parameters; for tabular
// input, columns that name no parameter are not used.
func recordArgs(rec input.Record, h *compiler.Handler, path string) (map[string]any, error) {
	tabular := !isJSONLines(path)
	out := map[string]any{}
	for name, v := range rec.Args {
		if !tabular && paramOf(h, name) == nil {
			return nil, &input.Error{File: v.File, Line: v.Line, Col: v.Col, Value: name,
				Msg:  fmt.Sprintf("message %s has no parameter %q", h.Message, name),
				Hint: "parameters are " + paramNames(h)}
		}
	}
	for _, p := range h.Params {
		v, ok := rec.Args[p.Name]
		if !ok {
			if p.Type.Optional {
				continue
			}
			return nil, recordErrorf(rec, "missing argument %q (%s) for message %s%s", p.Name, p.Type,
				h.Message, missingHint(tabular, p.Name))
		}
		val, err := convertValue(v, p.Type)
		if err != nil {
			return nil, err
		}
		out[p.Name] = val
	}
	return out, nil
}

func missingHint(tabular bool, param string) string {
	if tabular {
		return fmt.Sprintf("; add a column %q or map one with --arg %s=COLUMN", param, param)
	}
	return ""
}

func isJSONLines(path string) bool {
	for _, ext := range []string{".jsonl", ".ndjson"} {
		if len(path) >= len(ext) && path[len(path)-len(ext):] == ext {
			return true
		}
	}
	return false
}

func paramOf(h *compiler.Handler, name string) *compiler.Field {
	for _, p := range h.Params {
		if p.Name == name {
			return p
		}
	}
	return nil
}

func paramNames(h *compiler.Handler) string {
	s := ""
	for i, p := range h.Params {
		if i > 0 {
			s += ", "
		}
		s += p.Name
	}
	return s
}

// convertValue converts one input value to a parameter type, reporting
// failures at the value's line and column.
func convertValue(v input.Value, t *compiler.Type) (any, error) {
	if v.Raw == nil && t.Optional {
		return nil, nil
	}
	switch t.Kind {
	case compiler.Int:
		n, err := v.Int()
		return int(n), err
	case compiler.Float:
		return v.Float()
	case compiler.Bool:
		return v.Bool()
	case compiler.String, compiler.Enum:
		s, err := v.Text()
		if err == nil && t.Kind == compiler.Enum && !t.HasValue(s) {
			return nil, valueError(v, fmt.Sprintf("%q is not a value of %s", s, t))
		}
		return s, err
	case compiler.Time:
		return v.Time()
	case compiler.Duration:
		s, err := v.Text()
		if err != nil {
			return nil, err
		}
		d, err := compiler.ParseDuration(s)
		if err != nil {
			return nil, valueError(v, err.Error())
		}
		return d, nil
	}
	out, err := compiler.Convert(vm.PlainJSON(v.Raw), t)
	if err != nil {
		return nil, valueError(v, err.Error())
	}
	return out, nil
}

func valueError(v input.Value, msg string) error {
	return &input.Error{File: v.File, Line: v.Line, Col: v.Col, Value: v.String(), Msg: msg}
}

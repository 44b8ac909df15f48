package vm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mor-lang/mor/compiler"
)

// Replay rebuilds every object's memory and mode from lineage alone, by
// applying set and mode entries in sequence order. It checks that each
// object's sequence numbers start at 1 and have no gaps, and that every
// value fits its field's type.
func Replay(prog *compiler.Program, entries []Entry) (map[string]ObjectState, error) {
	return ReplayFrom(prog, nil, entries)
}

// ReplayFrom is Replay starting from base states, such as the snapshots
// that compacted lineage folds into: an object with a base state
// continues from its Seq.
func ReplayFrom(prog *compiler.Program, base map[string]ObjectState,
	entries []Entry) (map[string]ObjectState, error) {
	states := map[string]*ObjectState{}
	for addr, st := range base {
		copied := st
		copied.Memory = map[string]any{}
		for k, v := range st.Memory {
			copied.Memory[k] = v
		}
		states[addr] = &copied
	}
	for i := range entries {
		e := &entries[i]
		st := states[e.Object]
		if st == nil {
			if e.Seq != 1 {
				return nil, fmt.Errorf("%s: lineage starts at seq %d, not 1", e.Object, e.Seq)
			}
			typ, _, _ := strings.Cut(e.Object, "/")
			st = &ObjectState{Addr: e.Object, Type: typ, Mode: compiler.Active, Memory: map[string]any{}}
			states[e.Object] = st
		} else if e.Seq != st.Seq+1 {
			return nil, fmt.Errorf("%s: seq %d follows seq %d; the lineage has a gap or a duplicate",
				e.Object, e.Seq, st.Seq)
		}
		st.Seq = e.Seq
		if err := applyEntry(prog, st, e); err != nil {
			return nil, fmt.Errorf("%s seq %d: %w", e.Object, e.Seq, err)
		}
	}
	out := make(map[string]ObjectState, len(states))
	for addr, st := range states {
		out[addr] = *st
	}
	return out, nil
}

func applyEntry(prog *compiler.Program, st *ObjectState, e *Entry) error {
	switch e.Kind {
	case KindSet:
		obj := prog.Objects[st.Type]
		if obj == nil {
			return fmt.Errorf("unknown object type %q", st.Type)
		}
		slot, ok := obj.FieldIndex[e.Field]
		if !ok {
			// A field of an earlier program version: kept until its
			// upgrade entry drops or moves it.
			st.Memory[e.Field] = e.New
			return nil
		}
		val, err := compiler.Convert(e.New, obj.Fields[slot].Type)
		if err != nil && e.Version != obj.Version {
			val, err = e.New, nil // an earlier version's type; an upgrade entry follows
		}
		if err != nil {
			return fmt.Errorf("field %s: %w", e.Field, err)
		}
		st.Memory[e.Field] = val
	case KindDrop:
		delete(st.Memory, e.Field)
	case KindMode:
		mode, _ := e.New.(string)
		st.Mode = mode
		st.Question = ""
		if mode == compiler.Inquiry {
			st.Question = e.Reason
		}
	}
	return nil
}

// DecodeMemory converts memory decoded from JSON to the Go types of the
// fields of object type typ.
func DecodeMemory(prog *compiler.Program, typ string, raw map[string]any) (map[string]any, error) {
	obj := prog.Objects[typ]
	if obj == nil {
		return nil, fmt.Errorf("unknown object type %q", typ)
	}
	out := make(map[string]any, len(raw))
	for name, v := range raw {
		slot, ok := obj.FieldIndex[name]
		if !ok {
			out[name] = plainJSON(v)
			continue
		}
		val, err := fromJSON(plainJSON(v), obj.Fields[slot].Type)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		out[name] = val
	}
	return out, nil
}

// DecodeLineage reads JSON Lines lineage, converting each value to the
// Go type of its field in prog so that Replay and comparisons see the
// same values a run produced.
func DecodeLineage(prog *compiler.Program, data []byte) ([]Entry, error) {
	var out []Entry
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		e, err := DecodeEntry(prog, line)
		if err != nil {
			return nil, fmt.Errorf("lineage line %d: %w", i+1, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// DecodeEntry decodes one JSON lineage entry.
func DecodeEntry(prog *compiler.Program, line []byte) (Entry, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var e Entry
	if err := dec.Decode(&e); err != nil {
		return Entry{}, err
	}
	typ, _, _ := strings.Cut(e.Object, "/")
	obj := prog.Objects[typ]
	if e.Kind != KindSet || obj == nil {
		e.Old, e.New, e.Value = plainJSON(e.Old), plainJSON(e.New), plainJSON(e.Value)
		return e, nil
	}
	slot, ok := obj.FieldIndex[e.Field]
	if !ok {
		// A field an earlier program version had.
		e.Old, e.New = plainJSON(e.Old), plainJSON(e.New)
		return e, nil
	}
	t := obj.Fields[slot].Type
	var err error
	rawOld, rawNew := e.Old, e.New
	if e.Old, err = fromJSON(e.Old, t); err != nil {
		if e.Version == obj.Version {
			return Entry{}, fmt.Errorf("old value of %s: %w", e.Field, err)
		}
		e.Old = plainJSON(rawOld)
	}
	if e.New, err = fromJSON(e.New, t); err != nil {
		if e.Version == obj.Version {
			return Entry{}, fmt.Errorf("new value of %s: %w", e.Field, err)
		}
		e.New = plainJSON(rawNew)
	}
	return e, nil
}

// fromJSON converts a decoded JSON value to a value of type t: strings
// to times and durations, numbers to ints or floats.
func fromJSON(v any, t *compiler.Type) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch t.Kind {
	case compiler.Time:
		s, _ := v.(string)
		tm, err := time.Parse(time.RFC3339Nano, s)
		return tm, err
	case compiler.Duration:
		s, _ := v.(string)
		return compiler.ParseDuration(s)
	case compiler.List:
		items, _ := v.([]any)
		out := make([]any, len(items))
		for i, item := range items {
			c, err := fromJSON(item, t.Elem)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case compiler.Map:
		return fromJSONMap(v, func(string) *compiler.Type { return t.Elem })
	case compiler.Record:
		return fromJSONMap(v, func(k string) *compiler.Type {
			if i, ok := t.Record.Index[k]; ok {
				return t.Record.Fields[i].Type
			}
			return &compiler.Type{Kind: compiler.Invalid}
		})
	}
	return compiler.Convert(plainJSON(v), t)
}

func fromJSONMap(v any, elem func(string) *compiler.Type) (any, error) {
	m, _ := v.(map[string]any)
	out := make(map[string]any, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c, err := fromJSON(m[k], elem(k))
		if err != nil {
			return nil, err
		}
		out[k] = c
	}
	return out, nil
}

// PlainJSON turns json.Number values, also inside lists and maps, into
// int when whole and float64 otherwise.
func PlainJSON(v any) any { return plainJSON(v) }

// plainJSON turns json.Number values into int when whole, else float64.
func plainJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return int(n)
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = plainJSON(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = plainJSON(x[k])
		}
	}
	return v
}

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/mor-lang/mor/input"
	"github.com/mor-lang/mor/store"
	"github.com/spf13/cobra"
)

// lineageFilter selects lineage entries.
type lineageFilter struct {
	object, field, kind, cause string
	since, until, asOf         time.Time
}

func newLineageCommand() *cobra.Command {
	var kind, cause, since, until, asOf, data string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "lineage {FILE | --data DIR} [OBJECT[.FIELD]]",
		Short: "Read and filter lineage from a file written by mor run --lineage, or a data directory",
		Long: `lineage prints the entries of a lineage file, optionally only those of one
object (Station/seattle) or one field (Station/seattle.alert), of one kind
(set, mode, rejected, skipped, missed, drop), of one cause (a rule, message or
timer name), or within a time range.

With --as-of T it prints each object's memory and mode as they were at time T
instead, rebuilt from the entries up to T.`,
		Args: cobra.RangeArgs(0, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := lineageFilter{kind: kind, cause: cause}
			source := ""
			switch {
			case data == "" && len(args) == 0:
				return fmt.Errorf("lineage needs a lineage FILE or --data DIR")
			case data == "":
				source, args = args[0], args[1:]
			}
			if len(args) > 1 {
				return fmt.Errorf("unexpected argument %q", args[1])
			}
			if len(args) == 1 {
				f.object, f.field = splitObjectField(args[0])
			}
			var err error
			for _, p := range []struct {
				text string
				dst  *time.Time
				name string
			}{{since, &f.since, "--since"}, {until, &f.until, "--until"}, {asOf, &f.asOf, "--as-of"}} {
				if p.text == "" {
					continue
				}
				if *p.dst, err = input.ParseTime(p.text); err != nil {
					return fmt.Errorf("invalid %s: %v", p.name, err)
				}
			}
			if err := f.validate(); err != nil {
				return err
			}
			each := func(fn func(e *rawEntry) error) error { return eachLineage(source, data, fn) }
			if !f.asOf.IsZero() {
				return printAsOf(cmd.OutOrStdout(), each, f, asJSON)
			}
			return printEntries(cmd.OutOrStdout(), each, f, asJSON)
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "only entries of this `KIND`")
	cmd.Flags().StringVar(&cause, "cause", "", "only entries with this `CAUSE` (rule, message or timer)")
	cmd.Flags().StringVar(&since, "since", "", "only entries at or after `TIME`")
	cmd.Flags().StringVar(&until, "until", "", "only entries at or before `TIME`")
	cmd.Flags().StringVar(&asOf, "as-of", "", "print memory as it was at `TIME`")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON Lines")
	cmd.Flags().StringVar(&data, "data", "", "read the lineage kept in data directory `DIR`")
	return cmd
}

// splitObjectField splits "Type/id.field"; ids may contain dots, so the
// field is what follows the last dot only when a field name follows.
func splitObjectField(arg string) (string, string) {
	i := strings.LastIndex(arg, ".")
	slash := strings.Index(arg, "/")
	if i < 0 || i < slash {
		return arg, ""
	}
	return arg[:i], arg[i+1:]
}

// rawEntry is a lineage entry as JSON, kept as decoded so that printing
// does not depend on the program.
type rawEntry struct {
	Object string         `json:"object"`
	Seq    uint64         `json:"seq"`
	Time   time.Time      `json:"time"`
	Kind   string         `json:"kind"`
	Cause  string         `json:"cause"`
	Field  string         `json:"field"`
	Fields map[string]any `json:"-"`
	line   []byte
}

// eachLineage calls fn with every lineage entry of a file, or of a data
// directory when data is set, one at a time, so that reading a long
// lineage takes little memory. Only the entry's keys used for filtering
// are decoded; fields() decodes the rest on demand.
func eachLineage(path, data string, fn func(e *rawEntry) error) error {
	if data == "" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for n := 1; sc.Scan(); n++ {
			if err := decodeRaw(sc.Bytes(), path, n, fn); err != nil {
				return err
			}
		}
		return sc.Err()
	}
	s, err := store.Open(data, store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer s.Close()
	n := 0
	return s.EachLineage(func(line []byte) error {
		n++
		return decodeRaw(line, s.Path(), n, fn)
	})
}

func decodeRaw(line []byte, name string, n int, fn func(e *rawEntry) error) error {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return nil
	}
	var e rawEntry
	if err := json.Unmarshal(line, &e); err != nil || e.Object == "" {
		return fmt.Errorf("%s:%d: invalid lineage entry (%v); the file is not lineage written by mor "+
			"or it is damaged", name, n, err)
	}
	e.line = line
	return fn(&e)
}

// fields decodes the whole entry, numbers kept exact.
func (e *rawEntry) fields() map[string]any {
	if e.Fields == nil {
		dec := json.NewDecoder(bytes.NewReader(e.line))
		dec.UseNumber()
		dec.Decode(&e.Fields)
	}
	return e.Fields
}

var entryKinds = map[string]bool{"set": true, "mode": true, "rejected": true, "skipped": true,
	"missed": true, "drop": true}

func (f lineageFilter) validate() error {
	if f.kind != "" && !entryKinds[f.kind] {
		return fmt.Errorf("invalid --kind %q: use set, mode, rejected, skipped, missed or drop", f.kind)
	}
	if !f.since.IsZero() && !f.until.IsZero() && f.until.Before(f.since) {
		return fmt.Errorf("--until %s is before --since %s", formatTime(f.until), formatTime(f.since))
	}
	return nil
}

func (f lineageFilter) matchObject(e rawEntry) bool {
	return f.object == "" || e.Object == f.object || strings.HasSuffix(f.object, "/") &&
		strings.HasPrefix(e.Object, f.object)
}

func (f lineageFilter) match(e rawEntry) bool {
	switch {
	case !f.matchObject(e):
	case f.field != "" && e.Field != f.field:
	case f.kind != "" && e.Kind != f.kind:
	case f.cause != "" && e.Cause != f.cause:
	case !f.since.IsZero() && e.Time.Before(f.since):
	case !f.until.IsZero() && e.Time.After(f.until):
	default:
		return true
	}
	return false
}

// entrySource calls a function with each lineage entry in turn.
type entrySource func(fn func(e *rawEntry) error) error

func printEntries(w io.Writer, each entrySource, f lineageFilter, asJSON bool) error {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	matched := 0
	err := each(func(e *rawEntry) error {
		if !f.match(*e) {
			return nil
		}
		matched++
		if asJSON {
			bw.Write(e.line)
			return bw.WriteByte('\n')
		}
		_, err := fmt.Fprintln(bw, describeEntry(e))
		return err
	})
	if err == nil && matched == 0 {
		fmt.Fprintln(os.Stderr, "no lineage entry matches")
	}
	return err
}

// describeEntry renders one entry as a readable line.
func describeEntry(e *rawEntry) string {
	fields := e.fields()
	head := fmt.Sprintf("%s  %s #%d  %s %s", formatTime(e.Time), e.Object, e.Seq,
		fields["step"], e.Cause)
	switch e.Kind {
	case "set":
		return fmt.Sprintf("%s  %s: %s -> %s", head, e.Field, jsonText(fields["old"]),
			jsonText(fields["new"]))
	case "mode":
		return fmt.Sprintf("%s  mode %v -> %v  %s", head, fields["old"], fields["new"],
			jsonText(fields["reason"]))
	case "rejected":
		return fmt.Sprintf("%s  REJECTED [%v] %v", head, fields["constraint"], fields["error"])
	case "drop":
		return fmt.Sprintf("%s  dropped field %s (was %s)", head, e.Field, jsonText(fields["old"]))
	case "missed":
		return fmt.Sprintf("%s  missed %v cycle ticks", head, fields["count"])
	}
	return fmt.Sprintf("%s  %s %s", head, e.Kind, jsonText(fields["reason"]))
}

func jsonText(v any) string {
	if v == nil {
		return "nil"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// objectAt is an object's memory rebuilt from lineage.
type objectAt struct {
	Object string         `json:"object"`
	Mode   string         `json:"mode"`
	Seq    uint64         `json:"seq"`
	Memory map[string]any `json:"memory"`
}

func printAsOf(w io.Writer, each entrySource, f lineageFilter, asJSON bool) error {
	objects := map[string]*objectAt{}
	err := each(func(e *rawEntry) error {
		if e.Time.After(f.asOf) || !f.matchObject(*e) {
			return nil
		}
		o := objects[e.Object]
		if o == nil {
			o = &objectAt{Object: e.Object, Mode: "active", Memory: map[string]any{}}
			objects[e.Object] = o
		}
		o.Seq = e.Seq
		switch e.Kind {
		case "set":
			o.Memory[e.Field] = e.fields()["new"]
		case "drop":
			delete(o.Memory, e.Field)
		case "mode":
			o.Mode = fmt.Sprint(e.fields()["new"])
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(objects) == 0 {
		fmt.Fprintf(os.Stderr, "no object has lineage at or before %s; with --retain, older "+
			"history is compacted into snapshots\n", formatTime(f.asOf))
	}
	addrs := make([]string, 0, len(objects))
	for a := range objects {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	enc := json.NewEncoder(w)
	for _, a := range addrs {
		o := objects[a]
		if f.field != "" {
			o.Memory = map[string]any{f.field: o.Memory[f.field]}
		}
		if asJSON {
			if err := enc.Encode(o); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(w, "%s  mode %s  (seq %d)\n", o.Object, o.Mode, o.Seq)
		keys := make([]string, 0, len(o.Memory))
		for k := range o.Memory {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "  %s = %s\n", k, jsonText(o.Memory[k]))
		}
	}
	return nil
}

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
			entries, err := readLineageSource(source, data)
			if err != nil {
				return err
			}
			if !f.asOf.IsZero() {
				return printAsOf(cmd.OutOrStdout(), entries, f, asJSON)
			}
			return printEntries(cmd.OutOrStdout(), entries, f, asJSON)
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

func readLineageSource(path, data string) ([]rawEntry, error) {
	if data == "" {
		return readLineageFile(path)
	}
	s, err := store.Open(data, store.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var buf bytes.Buffer
	err = s.EachLineage(func(line []byte) error {
		buf.Write(line)
		buf.WriteByte('\n')
		return nil
	})
	if err != nil {
		return nil, err
	}
	return readLineage(&buf, s.Path())
}

func readLineageFile(path string) ([]rawEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLineage(f, path)
}

func readLineage(r io.Reader, name string) ([]rawEntry, error) {
	var out []rawEntry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var e rawEntry
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&e.Fields); err != nil {
			return nil, fmt.Errorf("%s:%d: invalid lineage entry: %v", name, n, err)
		}
		if err := json.Unmarshal(line, &e); err != nil || e.Object == "" {
			return nil, fmt.Errorf("%s:%d: invalid lineage entry: missing object, seq or time", name, n)
		}
		e.line = append([]byte(nil), line...)
		out = append(out, e)
	}
	return out, sc.Err()
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

func printEntries(w io.Writer, entries []rawEntry, f lineageFilter, asJSON bool) error {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	matched := 0
	defer func() {
		if matched == 0 {
			bw.Flush()
			fmt.Fprintln(os.Stderr, "no lineage entry matches")
		}
	}()
	for _, e := range entries {
		if !f.match(e) {
			continue
		}
		matched++
		if asJSON {
			bw.Write(e.line)
			bw.WriteByte('\n')
			continue
		}
		fmt.Fprintln(bw, describeEntry(e))
	}
	return nil
}

// describeEntry renders one entry as a readable line.
func describeEntry(e rawEntry) string {
	head := fmt.Sprintf("%s  %s #%d  %s %s", formatTime(e.Time), e.Object, e.Seq,
		e.Fields["step"], e.Cause)
	switch e.Kind {
	case "set":
		return fmt.Sprintf("%s  %s: %s -> %s", head, e.Field, jsonText(e.Fields["old"]),
			jsonText(e.Fields["new"]))
	case "mode":
		return fmt.Sprintf("%s  mode %v -> %v  %s", head, e.Fields["old"], e.Fields["new"],
			jsonText(e.Fields["reason"]))
	case "rejected":
		return fmt.Sprintf("%s  REJECTED [%v] %v", head, e.Fields["constraint"], e.Fields["error"])
	case "drop":
		return fmt.Sprintf("%s  dropped field %s (was %s)", head, e.Field, jsonText(e.Fields["old"]))
	case "missed":
		return fmt.Sprintf("%s  missed %v cycle ticks", head, e.Fields["count"])
	}
	return fmt.Sprintf("%s  %s %s", head, e.Kind, jsonText(e.Fields["reason"]))
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

func printAsOf(w io.Writer, entries []rawEntry, f lineageFilter, asJSON bool) error {
	objects := map[string]*objectAt{}
	for _, e := range entries {
		if e.Time.After(f.asOf) || !f.matchObject(e) {
			continue
		}
		o := objects[e.Object]
		if o == nil {
			o = &objectAt{Object: e.Object, Mode: "active", Memory: map[string]any{}}
			objects[e.Object] = o
		}
		o.Seq = e.Seq
		switch e.Kind {
		case "set":
			o.Memory[e.Field] = e.Fields["new"]
		case "mode":
			o.Mode = fmt.Sprint(e.Fields["new"])
		}
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

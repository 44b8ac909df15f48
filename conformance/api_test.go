package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/input"
	"github.com/mor-lang/mor/vm"
)

// runAPI runs a case through the Go API, as a program embedding the VM
// would, and returns its lineage and its printed events.
func runAPI(t *testing.T, dir, src string, workers int) ([]byte, string) {
	t.Helper()
	prog, err := compiler.CompileSources(compiler.Source{Name: "case.mor", Text: src})
	if err != nil {
		t.Fatal(err)
	}
	flags := parseFlags(t, caseFlags(t, dir))
	records := readInput(t, dir)
	start := flags.start
	if start.IsZero() {
		start = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
		if len(records) > 0 && records[0].HasTime {
			start = records[0].At
		}
	}
	var lineage bytes.Buffer
	var output strings.Builder
	sink := vm.NewJSONLinesSink(&lineage)
	machine, err := vm.New(prog, vm.Options{Start: start, Workers: workers, Sink: sink,
		OnEvent: func(e vm.Event) { output.WriteString(formatEvent(e)) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range flags.spawns {
		if err := machine.Spawn(addr, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, rec := range records {
		if rec.HasTime {
			if err := machine.AdvanceTo(rec.At); err != nil {
				t.Fatal(err)
			}
		}
		args := map[string]any{}
		for name, v := range rec.Args {
			args[name] = jsonArg(t, prog, rec, name, v)
		}
		if err := machine.Send(rec.To, rec.Msg, args, fmt.Sprintf("input:%d", rec.Line)); err != nil {
			t.Fatalf("input line %d: %v", rec.Line, err)
		}
	}
	now := machine.Now()
	if err := machine.RunUntil(now); err != nil {
		t.Fatal(err)
	}
	switch {
	case flags.forTime > 0:
		err = machine.RunUntil(now.Add(flags.forTime))
	case flags.untilQuiet:
		_, err = machine.RunUntilQuiet(now.Add(10 * 365 * 24 * time.Hour))
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Flush(); err != nil {
		t.Fatal(err)
	}
	return lineage.Bytes(), output.String()
}

type runFlags struct {
	untilQuiet bool
	forTime    time.Duration
	start      time.Time
	spawns     []string
}

func parseFlags(t *testing.T, args []string) runFlags {
	var f runFlags
	for i := 0; i < len(args); i++ {
		var err error
		switch args[i] {
		case "--until-quiet":
			f.untilQuiet = true
		case "--for":
			i++
			f.forTime, err = compiler.ParseDuration(args[i])
		case "--start":
			i++
			f.start, err = input.ParseTime(args[i])
		case "--spawn":
			i++
			f.spawns = append(f.spawns, args[i])
		default:
			t.Fatalf("flags: %q is not supported by the API runner", args[i])
		}
		if err != nil {
			t.Fatalf("flags: %v", err)
		}
	}
	return f
}

func readInput(t *testing.T, dir string) []input.Record {
	path := inputPath(dir)
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := input.NewJSONLines(f, path)
	var out []input.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

// jsonArg converts a JSON argument to the Go value the parameter needs.
func jsonArg(t *testing.T, prog *compiler.Program, rec input.Record, name string, v input.Value) any {
	var p *compiler.Field
	if obj := prog.Objects[strings.Split(rec.To, "/")[0]]; obj != nil {
		for _, mode := range obj.Modes {
			if h := mode.Handlers[rec.Msg]; h != nil {
				for _, param := range h.Params {
					if param.Name == name {
						p = param
					}
				}
			}
		}
	}
	if p == nil {
		t.Fatalf("input line %d: no parameter %q", rec.Line, name)
	}
	var out any
	var err error
	switch p.Type.Kind {
	case compiler.Time:
		out, err = v.Time()
	case compiler.Duration:
		var s string
		if s, err = v.Text(); err == nil {
			out, err = compiler.ParseDuration(s)
		}
	case compiler.Int:
		var n int64
		n, err = v.Int()
		out = int(n)
	case compiler.Float:
		out, err = v.Float()
	default:
		b, _ := json.Marshal(v.Raw)
		err = json.Unmarshal(b, &out)
		out = plain(out)
	}
	if err != nil {
		t.Fatalf("input line %d: %v", rec.Line, err)
	}
	return out
}

// plain turns whole JSON numbers into ints.
func plain(v any) any {
	switch x := v.(type) {
	case float64:
		if x == float64(int(x)) {
			return int(x)
		}
	case []any:
		for i := range x {
			x[i] = plain(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = plain(x[k])
		}
	}
	return v
}

// formatEvent prints an event as mor run does.
func formatEvent(e vm.Event) string {
	ts := e.Time.UTC().Format("2006-01-02 15:04")
	if e.Time.Second() != 0 {
		ts = e.Time.UTC().Format("2006-01-02 15:04:05")
	}
	switch e.Kind {
	case "emit":
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + compiler.Format(e.Fields[k])
		}
		line := fmt.Sprintf("%s  %s  emit %s", ts, e.Object, e.Name)
		if len(parts) > 0 {
			line += "  " + strings.Join(parts, " ")
		}
		return line + "\n"
	case "mode":
		line := fmt.Sprintf("%s  %s  mode %s -> %s", ts, e.Object, e.From, e.To)
		if e.Reason != "" {
			line += fmt.Sprintf("  %q", e.Reason)
		}
		return line + "\n"
	}
	return fmt.Sprintf("%s  %s  %s %s: %s\n", ts, e.Object, e.Kind, e.Name, e.Reason)
}

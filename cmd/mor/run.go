package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/input"
	"github.com/mor-lang/mor/store"
	"github.com/mor-lang/mor/vm"
	"github.com/spf13/cobra"
)

// runOptions are the flags of mor run.
type runOptions struct {
	input      string
	to         string
	msg        string
	timeColumn string
	args       []string
	lineage    string
	state      string
	data       string
	retain     int
	clock      string
	start      string
	forTime    string
	untilQuiet bool
	quietLimit string
	workers    int
	skipBad    bool
	spawns     []string
	quiet      bool
}

func newRunCommand() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run FILE... [--input FILE]",
		Short: "Run the objects of .mor files, fed by an input stream",
		Long: `run compiles the .mor files and runs their objects. Each input record becomes a
message to an object address; a record's timestamp drives the virtual clock.

Input formats, chosen by extension:
  .jsonl   one message per line: {"to": "Station/a", "msg": "reading",
           "args": {...}, "at": "2012-01-01T00:00:00Z"}
  .csv     one message per row; --to, --msg and optionally --time-column say
  .json    which object, message and timestamp each row becomes (a JSON file
           holds an array of flat objects)

For .csv and .json input, each handler parameter is read from the column of
the same name; --arg param=column reads it from another column. Other columns
are not used.

run prints emitted events and mode changes; --lineage FILE writes the full
lineage as JSON Lines.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runProgram(args, &o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.input, "input", "", "input `FILE` (.jsonl, .csv or .json)")
	f.StringVar(&o.to, "to", "", "address `TEMPLATE` for .csv/.json rows, such as Airport/{origin}")
	f.StringVar(&o.msg, "msg", "", "message `NAME` for .csv/.json rows")
	f.StringVar(&o.timeColumn, "time-column", "", "`COLUMN` holding each row's timestamp")
	f.StringArrayVar(&o.args, "arg", nil, "read parameter from another column: `param=column` (repeatable)")
	f.StringVar(&o.lineage, "lineage", "", "write the full lineage as JSON Lines to `FILE`")
	f.StringVar(&o.data, "data", "", "keep objects, lineage, timers and the input position in `DIR`, "+
		"and resume from it")
	f.IntVar(&o.retain, "retain", 0, "with --data, keep this many lineage entries per object and "+
		"compact older ones into a snapshot (0 keeps all); below 32, lineage queries see fewer "+
		"entries after a resume")
	f.StringVar(&o.state, "state", "", "write every object's final memory and mode as JSON Lines to `FILE`")
	f.StringVar(&o.clock, "clock", "virtual", "clock: virtual (jumps between due events) or real")
	f.StringVar(&o.start, "start", "", "virtual clock start `TIME` (default: the first input timestamp, "+
		"else 2000-01-01T00:00:00Z)")
	f.StringVar(&o.forTime, "for", "", "after the input, keep running for `DURATION` (such as 30d)")
	f.BoolVar(&o.untilQuiet, "until-quiet", false, "after the input, run until nothing is pending")
	f.StringVar(&o.quietLimit, "quiet-limit", "1y", "with --until-quiet on the virtual clock, give up "+
		"after this much virtual `DURATION`")
	f.IntVar(&o.workers, "workers", 1, "number of worker goroutines that run steps")
	f.BoolVar(&o.skipBad, "skip-bad", false, "report bad input records and go on; print the count at the end")
	f.StringArrayVar(&o.spawns, "spawn", nil, "spawn an object before the input: `Type/id` (repeatable)")
	f.BoolVar(&o.quiet, "quiet", false, "do not print events and mode changes")
	return cmd
}

func runProgram(files []string, o *runOptions, stdout, stderr io.Writer) error {
	if err := o.validate(files); err != nil {
		return err
	}
	prog, err := loadProgram(files, stderr)
	if err != nil {
		return err
	}
	sources, err := readSources(files)
	if err != nil {
		return err
	}
	r, err := newRunner(prog, sources, o, stdout, stderr)
	if err != nil {
		return err
	}
	defer r.close()
	if err := r.run(); err != nil {
		return err
	}
	if r.exitCode != 0 {
		return &exitError{code: r.exitCode}
	}
	return nil
}

// validate checks the flags before anything runs, so that a mistake
// is reported at once rather than after the run.
func (o *runOptions) validate(files []string) error {
	if o.workers < 1 {
		return fmt.Errorf("invalid --workers %d: use 1 or more", o.workers)
	}
	if o.retain < 0 {
		return fmt.Errorf("invalid --retain %d: use 0 (keep all) or more", o.retain)
	}
	if o.forTime != "" {
		if d, err := compiler.ParseDuration(o.forTime); err != nil || d <= 0 {
			return fmt.Errorf("invalid --for %q: use a positive duration such as 30d", o.forTime)
		}
	}
	if _, err := parseLongDuration(o.quietLimit); err != nil {
		return fmt.Errorf("invalid --quiet-limit: %v", err)
	}
	protected := append([]string{o.input}, files...)
	for _, out := range []struct{ flag, path string }{{"--lineage", o.lineage}, {"--state", o.state}} {
		if out.path == "" {
			continue
		}
		for _, p := range protected {
			if p != "" && samePath(p, out.path) {
				return fmt.Errorf("%s %s would overwrite an input file; choose another file", out.flag,
					out.path)
			}
		}
		if strings.HasSuffix(out.path, ".mor") {
			return fmt.Errorf("%s %s looks like a program file; choose a .jsonl file", out.flag, out.path)
		}
		if dir := filepath.Dir(out.path); !isDir(dir) {
			return fmt.Errorf("%s %s: directory %s does not exist", out.flag, out.path, dir)
		}
	}
	seen := map[string]bool{}
	for _, a := range o.args {
		param, _, _ := strings.Cut(a, "=")
		if seen[param] {
			return fmt.Errorf("--arg %s is given twice", param)
		}
		seen[param] = true
	}
	return nil
}

func samePath(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// runner drives one mor run: the VM, the input, the lineage file and
// the printed output.
type runner struct {
	o       *runOptions
	prog    *compiler.Program
	machine *vm.VM
	clock   vm.Clock
	reader  input.Reader
	closer  io.Closer
	sink    *vm.JSONLinesSink
	sinkOut *os.File
	printer *printer
	stderr  io.Writer

	records, skipped int
	// position counts the input records read, good or bad.
	position int
	store    *store.Store
	sources  map[string]string
	// stop receives Ctrl-C; the run then ends at the next instant and
	// keeps what it did.
	stop        chan os.Signal
	interrupted bool
	exitCode    int
	// first is the first record, read ahead to find the start time.
	first    *input.Record
	firstErr error
}

func newRunner(prog *compiler.Program, sources map[string]string, o *runOptions, stdout,
	stderr io.Writer) (*runner, error) {
	r := &runner{o: o, prog: prog, printer: newPrinter(stdout, o.quiet), stderr: stderr,
		sources: sources}
	if err := r.openInput(); err != nil {
		return nil, err
	}
	resume, err := r.openData()
	if err != nil {
		r.close()
		return nil, err
	}
	var start time.Time
	if resume {
		start = r.store.Meta().Now
	} else {
		if start, err = r.startTime(); err != nil {
			r.close()
			return nil, err
		}
	}
	switch o.clock {
	case "virtual":
		r.clock = vm.NewVirtualClock(start)
	case "real":
		r.clock = vm.RealClock{}
	default:
		return nil, fmt.Errorf("invalid --clock %q: use virtual or real", o.clock)
	}
	opts := vm.Options{Clock: r.clock, Workers: o.workers, OnEvent: r.printer.event,
		Checkpoints: r.store != nil}
	var sinks teeSink
	if r.store != nil {
		sinks = append(sinks, r.store)
	}
	if o.lineage != "" {
		f, err := os.Create(o.lineage)
		if err != nil {
			r.close()
			return nil, err
		}
		r.sinkOut, r.sink = f, vm.NewJSONLinesSink(f)
		sinks = append(sinks, r.sink)
	}
	if len(sinks) > 0 {
		opts.Sink = sinks
	}
	if r.machine, err = vm.New(prog, opts); err != nil {
		r.close()
		return nil, err
	}
	if resume {
		if err := r.resume(); err != nil {
			r.close()
			return nil, err
		}
	}
	return r, nil
}

func readSources(files []string) (map[string]string, error) {
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out[f] = string(b)
	}
	return out, nil
}

func (r *runner) openInput() error {
	if r.o.input == "" {
		return nil
	}
	m := input.Mapping{To: r.o.to, Msg: r.o.msg, TimeColumn: r.o.timeColumn}
	for _, a := range r.o.args {
		param, column, ok := strings.Cut(a, "=")
		if !ok || param == "" || column == "" {
			return fmt.Errorf("invalid --arg %q: write param=column, as in --arg max=temp_max", a)
		}
		if m.Rename == nil {
			m.Rename = map[string]string{}
		}
		m.Rename[param] = column
	}
	reader, closer, err := input.Open(r.o.input, m)
	if err != nil {
		return err
	}
	r.reader, r.closer = reader, closer
	return nil
}

// startTime returns where the virtual clock starts: --start, else the
// first input record's timestamp, else 2000-01-01.
func (r *runner) startTime() (time.Time, error) {
	if r.o.start != "" {
		t, err := input.ParseTime(r.o.start)
		if err != nil {
			return time.Time{}, fmt.Errorf("invalid --start: %v", err)
		}
		return t, nil
	}
	if r.reader != nil {
		rec, err := r.reader.Next()
		if err == nil || !errors.Is(err, io.EOF) {
			r.first, r.firstErr = &rec, err
			r.position++
		}
		if err == nil && rec.HasTime {
			return rec.At, nil
		}
	}
	return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), nil
}

func (r *runner) close() {
	if r.closer != nil {
		r.closer.Close()
	}
	if r.store != nil {
		r.store.Close()
		r.store = nil
	}
	if r.sink != nil {
		r.sink.Flush()
		r.sinkOut.Close()
	}
}

func (r *runner) run() error {
	r.stop = make(chan os.Signal, 1)
	signal.Notify(r.stop, os.Interrupt)
	defer signal.Stop(r.stop)
	for _, addr := range r.o.spawns {
		if err := r.machine.Spawn(addr, nil); err != nil {
			return err
		}
	}
	if err := r.feed(); err != nil {
		return err
	}
	if err := r.runAfterInput(); err != nil {
		return err
	}
	return r.finish()
}

// runAfterInput runs the steps due at the last input instant, then keeps
// the objects running as --for or --until-quiet ask.
func (r *runner) runAfterInput() error {
	m := r.machine
	now := m.Now()
	if err := m.RunUntil(now); err != nil {
		return err
	}
	switch {
	case r.o.forTime != "":
		d, err := compiler.ParseDuration(r.o.forTime)
		if err != nil {
			return fmt.Errorf("invalid --for: %v", err)
		}
		if _, err := r.runQuietSteps(now.Add(d)); err != nil {
			return err
		}
		return m.RunUntil(now.Add(d))
	case r.o.untilQuiet:
		return r.runUntilQuiet(now)
	case !r.clock.Virtual():
		return r.runForever()
	}
	return nil
}

func (r *runner) runUntilQuiet(now time.Time) error {
	limit := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	if r.clock.Virtual() {
		d, err := parseLongDuration(r.o.quietLimit)
		if err != nil {
			return fmt.Errorf("invalid --quiet-limit: %v", err)
		}
		limit = now.Add(d)
	}
	quiet, err := r.runQuietSteps(limit)
	if err != nil {
		return err
	}
	if !quiet && !r.interrupted {
		fmt.Fprintf(r.stderr, "mor: objects were still scheduled at %s, %s after the input; "+
			"stopped there (raise --quiet-limit or use --for)\n", formatTime(limit), r.o.quietLimit)
	}
	return nil
}

// runQuietSteps runs one due instant at a time until nothing is
// scheduled or the clock would pass limit, offering the data directory a
// commit between instants.
// stopped reports whether Ctrl-C was pressed.
func (r *runner) stopped() bool {
	select {
	case <-r.stop:
		r.interrupted = true
		fmt.Fprintln(r.stderr, "mor: interrupted; stopping after the current instant")
	default:
	}
	return r.interrupted
}

func (r *runner) runQuietSteps(limit time.Time) (bool, error) {
	m := r.machine
	for !r.stopped() {
		next, ok := m.NextDue()
		if !ok {
			return true, nil
		}
		if next.After(limit) {
			return false, nil
		}
		if err := m.RunUntil(next); err != nil {
			return false, err
		}
		if err := r.checkpoint(false); err != nil {
			return false, err
		}
	}
	return false, nil
}

// parseLongDuration accepts a duration literal or a whole number of
// 365-day years, such as 10y.
func parseLongDuration(text string) (time.Duration, error) {
	if years, ok := strings.CutSuffix(text, "y"); ok {
		n, err := strconv.Atoi(years)
		if err != nil || n <= 0 || n > 200 {
			return 0, fmt.Errorf("%q: write a whole number of years from 1 to 200, such as 10y", text)
		}
		return time.Duration(n) * 365 * 24 * time.Hour, nil
	}
	return compiler.ParseDuration(text)
}

// runForever runs a real-clock VM until interrupted.
func (r *runner) runForever() error {
	for !r.stopped() {
		next, ok := r.machine.NextDue()
		if !ok {
			return nil
		}
		if err := r.machine.RunUntil(next); err != nil {
			return err
		}
		if err := r.checkpoint(false); err != nil {
			return err
		}
	}
	return nil
}

func (r *runner) finish() error {
	if err := r.checkpoint(true); err != nil {
		return err
	}
	defer func() {
		if r.interrupted {
			r.exitCode = 130 // the shell's status for a run ended by Ctrl-C
		}
	}()
	if r.sink != nil {
		if err := r.sink.Flush(); err != nil {
			return err
		}
	}
	states := r.machine.States()
	if r.o.state != "" {
		if err := writeStateFile(r.o.state, states); err != nil {
			return err
		}
	}
	fmt.Fprintf(r.stderr, "mor: %s, %s, %s, clock at %s\n", count(r.records, "input record"),
		count(len(states), "object"), count(r.printer.rejected, "rejected step"),
		formatTime(r.machine.Now()))
	if r.skipped > 0 {
		fmt.Fprintf(r.stderr, "mor: skipped %s\n", count(r.skipped, "bad input record"))
	}
	return nil
}

// count writes n and noun, plural unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func writeStateFile(path string, states []vm.ObjectState) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := writeStates(f, states); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

package vm

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/mor-lang/mor/compiler"
)

// Entry kinds.
const (
	KindSet      = "set"      // a field changed
	KindMode     = "mode"     // the object changed mode
	KindRejected = "rejected" // a step was rejected and committed nothing else
	KindSkipped  = "skipped"  // an emit, send or spawn did not run in inquiry
	KindMissed   = "missed"   // cycle ticks were missed
	KindDrop     = "drop"     // a program upgrade removed a stored field
)

// Step kinds.
const (
	StepSpawn   = "spawn"
	StepMessage = "message"
	StepTimer   = "timer"
	StepCycle   = "cycle"
	StepAPI     = "api"
	StepUpgrade = "upgrade"
)

// Entry is one lineage record. A committed step writes one entry per
// changed field plus one for a mode change; a rejected step writes a
// single rejected entry. Seq numbers an object's entries from 1 with no
// gaps.
type Entry struct {
	Object string    `json:"object"`
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"`
	Step   string    `json:"step"`
	// Cause names what ran: the rule, the message, the timer or "spawn".
	Cause  string `json:"cause"`
	Sender string `json:"sender,omitempty"`
	Kind   string `json:"kind"`
	Field  string `json:"field,omitempty"`
	Old    any    `json:"old,omitempty"`
	New    any    `json:"new,omitempty"`
	// Reason is the reason of a mode change or the question of an
	// inquiry.
	Reason string `json:"reason,omitempty"`
	// Constraint and Error explain a rejection; Value is the offending
	// value.
	Constraint string `json:"constraint,omitempty"`
	Error      string `json:"error,omitempty"`
	Value      any    `json:"value,omitempty"`
	Count      int    `json:"count,omitempty"`
	Version    int    `json:"version"`
}

// MarshalJSON writes values in their JSON lineage form: times in RFC 3339
// and durations as duration literals, so that a replay can read them
// back against the field's type.
func (e Entry) MarshalJSON() ([]byte, error) {
	type plain Entry
	p := plain(e)
	p.Old, p.New, p.Value = jsonValue(e.Old), jsonValue(e.New), jsonValue(e.Value)
	p.Time = e.Time.UTC()
	return json.Marshal(p)
}

// JSONValue converts a run-time value into its lineage JSON form: times
// in RFC 3339, durations as duration literals, containers element-wise.
func JSONValue(v any) any { return jsonValue(v) }

// jsonValue converts a run-time value into a JSON-friendly one. A nil
// value is left out of the entry, so a set entry without "new" sets an
// optional field to nil.
func jsonValue(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return strconv.FormatFloat(x, 'g', -1, 64) // JSON has no infinities
		}
		return x
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case time.Duration:
		return compiler.FormatDuration(x)
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = jsonValue(item)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = jsonValue(item)
		}
		return out
	}
	return v
}

// Sink receives the full lineage, in a deterministic order, after each
// round of steps.
type Sink interface {
	Write(entries []Entry) error
}

// JSONLinesSink writes entries as JSON Lines.
type JSONLinesSink struct {
	mu  sync.Mutex
	w   *bufio.Writer
	buf []byte
}

// NewJSONLinesSink returns a sink writing to w. Call Flush at the end.
func NewJSONLinesSink(w io.Writer) *JSONLinesSink {
	return &JSONLinesSink{w: bufio.NewWriterSize(w, 1<<16)}
}

// Write implements Sink.
func (s *JSONLinesSink) Write(entries []Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range entries {
		s.buf = entries[i].AppendJSON(s.buf[:0])
		s.buf = append(s.buf, '\n')
		if _, err := s.w.Write(s.buf); err != nil {
			return err
		}
	}
	return nil
}

// Flush writes buffered entries through.
func (s *JSONLinesSink) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Flush()
}

// MemorySink keeps entries in memory, for tests and embedding.
type MemorySink struct {
	mu      sync.Mutex
	Entries []Entry
}

// Write implements Sink.
func (s *MemorySink) Write(entries []Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Entries = append(s.Entries, entries...)
	return nil
}

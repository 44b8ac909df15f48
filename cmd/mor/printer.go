package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/vm"
)

// printer writes emitted events and mode changes as readable lines:
//
//	2012-06-29 00:00  Station/seattle  emit heat_alert  station="seattle" temp=35.6
//	2016-01-04 00:00  Station/seattle  mode active -> inquiry  "no readings ..."
type printer struct {
	w     io.Writer
	quiet bool
	// rejected counts rejected steps, for the summary.
	rejected int
}

func newPrinter(w io.Writer, quiet bool) *printer { return &printer{w: w, quiet: quiet} }

func (p *printer) event(e vm.Event) {
	if e.Kind == "rejected" {
		p.rejected++
	}
	if p.quiet && e.Kind != "error" && e.Kind != "warning" {
		return
	}
	switch e.Kind {
	case "emit":
		line := fmt.Sprintf("%s  %s  emit %s", formatTime(e.Time), e.Object, e.Name)
		if len(e.Fields) > 0 {
			line += "  " + formatFields(e.Fields)
		}
		fmt.Fprintln(p.w, line)
	case "mode":
		line := fmt.Sprintf("%s  %s  mode %s -> %s", formatTime(e.Time), e.Object, e.From, e.To)
		if e.Reason != "" {
			line += fmt.Sprintf("  %q", e.Reason)
		}
		fmt.Fprintln(p.w, line)
	case "error", "warning", "rejected":
		fmt.Fprintf(p.w, "%s  %s  %s %s: %s\n", formatTime(e.Time), e.Object, e.Kind, e.Name, e.Reason)
	}
}

func formatFields(fields map[string]any) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + compiler.Format(fields[k])
	}
	return strings.Join(parts, " ")
}

// formatTime prints a time to the minute, or to the second or finer
// when it has them.
func formatTime(t time.Time) string {
	t = t.UTC()
	switch {
	case t.Nanosecond() != 0:
		return t.Format("2006-01-02 15:04:05.000")
	case t.Second() != 0:
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04")
}

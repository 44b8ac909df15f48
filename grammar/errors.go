package grammar

import (
	"fmt"
	"sort"
	"strings"
)

// Error is a problem at a place in a source file.
type Error struct {
	Pos Position
	Msg string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
}

// ErrorList is a list of errors sorted by position. A nil list means no
// errors; use Err to turn a list into an error value.
type ErrorList []*Error

// Add appends an error at pos.
func (l *ErrorList) Add(pos Position, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// Sort orders the list by file, line and column, keeping the order of
// errors at the same place, and drops exact duplicates.
func (l ErrorList) Sort() ErrorList {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	type key struct {
		pos Position
		msg string
	}
	seen := map[key]bool{}
	out := l[:0]
	for _, e := range l {
		k := key{e.Pos, e.Msg}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	return out
}

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Err returns nil for an empty list and the sorted list otherwise.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l.Sort()
}

// Format writes each error as "file:line:col: message", followed by the
// source line and a caret under the column when sources holds the file's
// text, keyed by file name.
func Format(err error, sources map[string]string) string {
	var list ErrorList
	switch e := err.(type) {
	case ErrorList:
		list = e
	case *Error:
		list = ErrorList{e}
	default:
		return err.Error() + "\n"
	}
	var b strings.Builder
	for _, e := range list {
		fmt.Fprintf(&b, "%s\n", e)
		if line, ok := sourceLine(sources[e.Pos.Filename], e.Pos.Line); ok {
			line, col := clipLine(line, e.Pos.Column)
			fmt.Fprintf(&b, "    %s\n    %s^\n", line, caretPad(line, col))
		}
	}
	return b.String()
}

// clipLine shortens a long source line to about 100 characters around
// column col, and replaces control characters, so that binary or
// minified input does not flood the terminal. It returns the column
// in the shortened line.
func clipLine(line string, col int) (string, int) {
	runes := []rune(line)
	for i, r := range runes {
		if r < 0x20 && r != '\t' || r == 0x7f {
			runes[i] = '?'
		}
	}
	const width = 100
	if len(runes) <= width {
		return string(runes), col
	}
	start := max(0, col-1-width/2)
	end := min(len(runes), start+width)
	clipped := string(runes[start:end])
	if start > 0 {
		clipped = "..." + clipped
		col = col - start + 3
	}
	if end < len(runes) {
		clipped += "..."
	}
	return clipped, col
}

func sourceLine(src string, n int) (string, bool) {
	if src == "" || n < 1 {
		return "", false
	}
	lines := strings.Split(src, "\n")
	if n > len(lines) {
		return "", false
	}
	return strings.TrimRight(lines[n-1], "\r"), true
}

// caretPad returns the blanks that put a caret under column col of line,
// keeping tabs so the caret lines up in a terminal.
func caretPad(line string, col int) string {
	var b strings.Builder
	i := 1
	for _, r := range line {
		if i >= col {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		i++
	}
	for ; i < col; i++ {
		b.WriteByte(' ')
	}
	return b.String()
}

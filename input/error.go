package input

import (
	"fmt"
	"unicode/utf8"
)

// maxValueLen is the longest offending value, in bytes, that an [Error] keeps.
const maxValueLen = 80

// Error is a problem at one place in an input file.
type Error struct {
	File  string
	Line  int    // 1-based line number
	Col   int    // 1-based byte column within the line
	Value string // offending text, shortened to about 80 bytes
	Msg   string // what is wrong
	Hint  string // the fix to suggest; empty when there is nothing to add
}

// Error formats the problem as `file:line:col: msg (value "..."); hint`.
func (e *Error) Error() string {
	s := fmt.Sprintf("%s:%d:%d: %s (value %q)", e.File, e.Line, e.Col, e.Msg, e.Value)
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

// position is a place in a named input file.
type position struct {
	file      string
	line, col int
}

// errorf returns an *Error at p whose message is formatted from format and args.
func (p position) errorf(value, hint, format string, args ...any) *Error {
	return &Error{
		File:  p.file,
		Line:  p.line,
		Col:   p.col,
		Value: shorten(value),
		Msg:   fmt.Sprintf(format, args...),
		Hint:  hint,
	}
}

// shorten cuts s to at most maxValueLen bytes on a rune boundary, ending it with "...".
func shorten(s string) string {
	if len(s) <= maxValueLen {
		return s
	}
	end := maxValueLen - len("...")
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[:end] + "..."
}

// excerptRadius is how many bytes an excerpt shows on each side of the offending byte.
const excerptRadius = 30

// excerpt returns the text around text[index] on the same line, marking each cut with
// "...". An index past the end points just after the last byte.
func excerpt(text []byte, index int) string {
	index = max(0, min(index, len(text)))
	start, end := lineBounds(text, index)
	from := max(start, index-excerptRadius)
	to := min(end, index+excerptRadius)
	for from > start && !utf8.RuneStart(text[from]) {
		from--
	}
	for to < end && !utf8.RuneStart(text[to]) {
		to++
	}
	s := string(text[from:to])
	if from > start {
		s = "..." + s
	}
	if to < end {
		s += "..."
	}
	return s
}

// lineBounds returns the start and end of the line of text that contains index,
// without its line break.
func lineBounds(text []byte, index int) (start, end int) {
	start = index
	for start > 0 && text[start-1] != '\n' {
		start--
	}
	end = index
	for end < len(text) && text[end] != '\n' && text[end] != '\r' {
		end++
	}
	return start, end
}

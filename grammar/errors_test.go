package grammar

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	objectKeywordList = "memory, invariant, cycle, rule, on, inquiry, dormant, mode, version, migrate"
	actionKeywordList = "if, enter, inquire, resume, sleep, emit, send, spawn, after, cancel, append, " +
		"remove, advance, expect"
	fieldKeywordList = "const, in, where, monotonic, append, max, transitions, at, written"
	modeKeywordList  = "cycle, rule, on, wake"
)

// parseError parses src as t.mor and returns its single error.
func parseError(t *testing.T, src string) *Error {
	t.Helper()
	_, err := ParseFile("t.mor", src)
	if err == nil {
		t.Fatalf("ParseFile succeeded, want an error")
	}
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("ParseFile error is %T, want ErrorList", err)
	}
	if len(list) != 1 {
		t.Fatalf("ParseFile returned %d errors, want 1: %v", len(list), list)
	}
	return list[0]
}

func TestParseErrorMisspelledKeyword(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{
			name: "rul in object",
			src:  "object A {\n  rul r when x { }\n}\n",
			want: `t.mor:2:3: unknown keyword "rul" in object body (did you mean "rule"?); ` +
				"expected one of " + objectKeywordList,
		},
		{
			name: "memroy in object",
			src:  "object A {\n  memroy { x: int }\n}\n",
			want: `t.mor:2:3: unknown keyword "memroy" in object body (did you mean "memory"?); ` +
				"expected one of " + objectKeywordList,
		},
		{
			name: "invarient after a block",
			src:  "object A {\n  memory {\n    x: int = 0\n  }\n  invarient \"x\": x > 0\n}\n",
			want: `t.mor:5:3: unknown keyword "invarient" in object body (did you mean "invariant"?); ` +
				"expected one of " + objectKeywordList,
		},
		{
			name: "emitt in rule",
			src:  "object A {\n  rule r when x {\n    emitt foo\n  }\n}\n",
			want: `t.mor:3:5: unknown keyword "emitt" in action block (did you mean "emit"?); ` +
				"expected one of " + actionKeywordList,
		},
		{
			name: "sendd in handler",
			src:  "object A {\n  on m() {\n    sendd B(\"b\").go()\n  }\n}\n",
			want: `t.mor:3:5: unknown keyword "sendd" in action block (did you mean "send"?); ` +
				"expected one of " + actionKeywordList,
		},
		{
			name: "resum in one-line block",
			src:  "object A {\n  inquiry {\n    rule r when x { resum }\n  }\n}\n",
			want: `t.mor:3:21: unknown keyword "resum" in action block (did you mean "resume"?); ` +
				"expected one of " + actionKeywordList,
		},
		{
			name: "advanse in test",
			src:  "test \"t\" {\n  advanse 1d\n}\n",
			want: `t.mor:2:3: unknown keyword "advanse" in action block (did you mean "advance"?); ` +
				"expected one of " + actionKeywordList,
		},
		{
			name: "monotonik after type",
			src:  "object A {\n  memory {\n    x: int monotonik\n  }\n}\n",
			want: `t.mor:3:12: unknown keyword "monotonik" in memory (did you mean "monotonic"?); ` +
				"expected one of " + fieldKeywordList,
		},
		{
			name: "trasitions on its own line",
			src:  "object A {\n  memory {\n    x: enum(a, b) = a\n    trasitions a -> b\n  }\n}\n",
			want: `t.mor:4:5: unknown keyword "trasitions" in memory (did you mean "transitions"?); ` +
				"expected one of " + fieldKeywordList,
		},
		{
			name: "wak in dormant",
			src:  "object A {\n  dormant {\n    wak after 1d\n  }\n}\n",
			want: `t.mor:3:5: unknown keyword "wak" in dormant block (did you mean "wake"?); ` +
				"expected one of " + modeKeywordList,
		},
		{
			name: "rul in named mode",
			src:  "object A {\n  mode busy {\n    rul r when a {}\n  }\n}\n",
			want: `t.mor:3:5: unknown keyword "rul" in mode block (did you mean "rule"?); ` +
				"expected one of " + modeKeywordList,
		},
		{
			name: "modee in object",
			src:  "object A {\n  modee m { }\n}\n",
			want: `t.mor:2:3: unknown keyword "modee" in object body (did you mean "mode"?); ` +
				"expected one of " + objectKeywordList,
		},
		{
			name: "objct at top level",
			src:  "objct A {}\n",
			want: `t.mor:1:1: unknown keyword "objct" in file (did you mean "object"?); ` +
				"expected one of object, type, test",
		},
		{
			name: "objet after a type",
			src:  "type R { a: int }\nobjet A {}\n",
			want: `t.mor:2:1: unknown keyword "objet" in file (did you mean "object"?); ` +
				"expected one of object, type, test",
		},
		{
			name: "obj too far from any keyword",
			src:  "obj A {}\n",
			want: `t.mor:1:1: unexpected "obj" in file; expected one of object, type, test`,
		},
		{
			name: "tab before the keyword",
			src:  "object A {\n\trul r when x { }\n}\n",
			want: `t.mor:2:2: unknown keyword "rul" in object body (did you mean "rule"?); ` +
				"expected one of " + objectKeywordList,
		},
		{
			name: "non-ASCII text before the keyword",
			src:  "object A {\n  memory { s: string = \"héllo\" } rul r when x { }\n}\n",
			want: `t.mor:2:34: unknown keyword "rul" in object body (did you mean "rule"?); ` +
				"expected one of " + objectKeywordList,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseError(t, tt.src).Error(); got != tt.want {
				t.Errorf("error mismatch\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func TestParseErrorSyntax(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{
			name: "end of file",
			src:  "object A {\n",
			want: `t.mor:2:1: unexpected end of file (expected "}")`,
		},
		{
			name: "missing condition",
			src:  "object A {\n  rule r when {\n  }\n}\n",
			want: `t.mor:2:15: missing condition after "when"; write when CONDITION { ... }`,
		},
		{
			name: "unclosed call",
			src:  "object A {\n  rule r when x {\n    send B(\"a\").m(1\n  }\n}\n",
			want: `t.mor:4:3: unexpected token "}" (expected ")")`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseError(t, tt.src).Error(); got != tt.want {
				t.Errorf("error mismatch\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

// TestParseErrorPosition covers errors whose wording comes from the
// parser library or the lexer, so it checks only the place and the key
// words.
func TestParseErrorPosition(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		line     int
		col      int
		contains string
	}{
		{"missing type", "object A { memory { x: } }\n", 1, 24, `unexpected token "}"`},
		{"unterminated string", "object A {\n  on m() {\n    x = \"open\n  }\n}\n", 3, 9, "unterminated string literal"},
		{"unknown character", "object A {\n  on m() {\n    x = 1 \\ 2\n  }\n}\n", 3, 11, "invalid character"},
		{"stray closing brace", "object A {}\n}\n", 2, 1, `"}"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := parseError(t, tt.src)
			if e.Pos.Filename != "t.mor" || e.Pos.Line != tt.line || e.Pos.Column != tt.col {
				t.Errorf("error at %s, want t.mor:%d:%d", e.Pos, tt.line, tt.col)
			}
			if !strings.Contains(e.Msg, tt.contains) {
				t.Errorf("message %q does not contain %q", e.Msg, tt.contains)
			}
		})
	}
}

func TestFormatCaret(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{
			name: "spaces",
			src:  "object A {\n  rul r when x { }\n}\n",
			want: `t.mor:2:3: unknown keyword "rul" in object body (did you mean "rule"?); ` +
				"expected one of " + objectKeywordList + "\n" +
				"      rul r when x { }\n" +
				"      ^\n",
		},
		{
			name: "tab keeps its width",
			src:  "object A {\n\trul r when x { }\n}\n",
			want: `t.mor:2:2: unknown keyword "rul" in object body (did you mean "rule"?); ` +
				"expected one of " + objectKeywordList + "\n" +
				"    \trul r when x { }\n" +
				"    \t^\n",
		},
		{
			name: "non-ASCII text counts as one column",
			src:  "object A {\n  memory { s: string = \"héllo\" } rul r when x { }\n}\n",
			want: `t.mor:2:34: unknown keyword "rul" in object body (did you mean "rule"?); ` +
				"expected one of " + objectKeywordList + "\n" +
				"      memory { s: string = \"héllo\" } rul r when x { }\n" +
				"                                     ^\n",
		},
		{
			name: "carriage return is dropped",
			src:  "object A {\r\n  rul r when x { }\r\n}\r\n",
			want: `t.mor:2:3: unknown keyword "rul" in object body (did you mean "rule"?); ` +
				"expected one of " + objectKeywordList + "\n" +
				"      rul r when x { }\n" +
				"      ^\n",
		},
		{
			name: "end of file on an empty line",
			src:  "object A {\n",
			want: "t.mor:2:1: unexpected end of file (expected \"}\")\n" +
				"    \n" +
				"    ^\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFile("t.mor", tt.src)
			if err == nil {
				t.Fatal("ParseFile succeeded, want an error")
			}
			got := Format(err, map[string]string{"t.mor": tt.src})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Format mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormatWithoutSource(t *testing.T) {
	pos := Position{Filename: "a.mor", Line: 3, Column: 2}
	tests := []struct {
		name    string
		err     error
		sources map[string]string
		want    string
	}{
		{
			name: "no source text",
			err:  &Error{Pos: pos, Msg: "bad"},
			want: "a.mor:3:2: bad\n",
		},
		{
			name:    "line past the end",
			err:     ErrorList{{Pos: pos, Msg: "bad"}},
			sources: map[string]string{"a.mor": "one line"},
			want:    "a.mor:3:2: bad\n",
		},
		{
			name:    "column past the line end",
			err:     ErrorList{{Pos: Position{Filename: "a.mor", Line: 1, Column: 6}, Msg: "bad"}},
			sources: map[string]string{"a.mor": "ab"},
			want:    "a.mor:1:6: bad\n    ab\n         ^\n",
		},
		{
			name: "several errors",
			err: ErrorList{
				{Pos: Position{Filename: "a.mor", Line: 1, Column: 1}, Msg: "first"},
				{Pos: Position{Filename: "b.mor", Line: 1, Column: 2}, Msg: "second"},
			},
			sources: map[string]string{"a.mor": "x y", "b.mor": "z w"},
			want:    "a.mor:1:1: first\n    x y\n    ^\nb.mor:1:2: second\n    z w\n     ^\n",
		},
		{
			name: "other error",
			err:  errors.New("disk full"),
			want: "disk full\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Format(tt.err, tt.sources)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Format mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func errorAt(file string, line, col int, msg string) *Error {
	return &Error{Pos: Position{Filename: file, Line: line, Column: col}, Msg: msg}
}

func TestErrorListSort(t *testing.T) {
	list := ErrorList{
		errorAt("b.mor", 1, 1, "b"),
		errorAt("a.mor", 2, 5, "late column"),
		errorAt("a.mor", 2, 1, "first at 2:1"),
		errorAt("a.mor", 1, 9, "line one"),
		errorAt("a.mor", 2, 1, "first at 2:1"),
		errorAt("a.mor", 2, 1, "second at 2:1"),
	}
	var got []string
	for _, e := range list.Sort() {
		got = append(got, e.Error())
	}
	want := []string{
		"a.mor:1:9: line one",
		"a.mor:2:1: first at 2:1",
		"a.mor:2:1: second at 2:1",
		"a.mor:2:5: late column",
		"b.mor:1:1: b",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Sort mismatch (-want +got):\n%s", diff)
	}
}

func TestErrorListAdd(t *testing.T) {
	var list ErrorList
	list.Add(Position{Filename: "a.mor", Line: 4, Column: 7}, "unknown field %q", "x")
	if got, want := list.Error(), `a.mor:4:7: unknown field "x"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestErrorListErr(t *testing.T) {
	var empty ErrorList
	if err := empty.Err(); err != nil {
		t.Errorf("Err() of an empty list = %v, want nil", err)
	}
	if got, want := empty.Error(), "no errors"; got != want {
		t.Errorf("Error() of an empty list = %q, want %q", got, want)
	}
	list := ErrorList{errorAt("a.mor", 2, 1, "two"), errorAt("a.mor", 1, 1, "one"), errorAt("a.mor", 3, 1, "three")}
	err := list.Err()
	if got, want := err.Error(), "a.mor:1:1: one (and 2 more errors)"; got != want {
		t.Errorf("Err().Error() = %q, want %q", got, want)
	}
	var sorted ErrorList
	if !errors.As(err, &sorted) || len(sorted) != 3 {
		t.Errorf("Err() = %#v, want an ErrorList of 3", err)
	}
}

package grammar

import (
	"strings"
	"testing"
)

// Selectors pick one captured expression out of a parsed file.
func firstField(f *File) *Field {
	return f.Decls[0].Object.Members[0].Memory.Fields[0]
}

func defaultOf(f *File) *Expr { return &firstField(f).Default.Expr }
func whereOf(f *File) *Expr   { return &firstField(f).Constraints[0].Where.Expr }
func rangeHiOf(f *File) *Expr { return &firstField(f).Constraints[0].RangeHi.Expr }
func ruleWhen(f *File) *Expr  { return &f.Decls[0].Object.Members[0].Item.Rule.When.Expr }

func invariantCond(f *File) *Expr {
	return &f.Decls[0].Object.Members[0].Invariant.Cond.Expr
}

func handlerStmt(f *File, i int) *Stmt {
	return f.Decls[0].Object.Members[0].Item.Handler.Body.Stmts[i]
}

func assignValue(i int) func(*File) *Expr {
	return func(f *File) *Expr { return &handlerStmt(f, i).Assign.Value.Expr }
}

func sendArg(i int) func(*File) *Expr {
	return func(f *File) *Expr { return &handlerStmt(f, 0).Send.Args[i].Value.Expr }
}

func TestExprCapture(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		expr   func(*File) *Expr
		source string
		want   span
	}{
		{
			name:   "line ends in operator",
			src:    "object A {\n  on m() {\n    x = a +\n      b\n  }\n}",
			expr:   assignValue(0),
			source: "a +\n      b",
			want:   span{3, 9, 4, 8},
		},
		{
			name:   "line ends in opening bracket",
			src:    "object A {\n  on m() {\n    x = max(a,\n      b)\n  }\n}",
			expr:   assignValue(0),
			source: "max(a,\n      b)",
			want:   span{3, 9, 4, 9},
		},
		{
			name:   "next line starts with and",
			src:    "object A {\n  on m() {\n    x = a\n      && b\n      || c\n  }\n}",
			expr:   assignValue(0),
			source: "a\n      && b\n      || c",
			want:   span{3, 9, 5, 11},
		},
		{
			name:   "next line starts with member access",
			src:    "object A {\n  on m() {\n    x = r\n      .max\n  }\n}",
			expr:   assignValue(0),
			source: "r\n      .max",
			want:   span{3, 9, 4, 11},
		},
		{
			name:   "next line starts with word operator",
			src:    "object A {\n  on m() {\n    x = a\n      and b\n  }\n}",
			expr:   assignValue(0),
			source: "a\n      and b",
			want:   span{3, 9, 4, 12},
		},
		{
			name:   "line break ends the expression",
			src:    "object A {\n  on m() {\n    x = a\n    y = b\n  }\n}",
			expr:   assignValue(0),
			source: "a",
			want:   span{3, 9, 3, 10},
		},
		{
			name:   "value on the next line",
			src:    "object A {\n  on m() {\n    x =\n      3\n  }\n}",
			expr:   assignValue(0),
			source: "3",
			want:   span{4, 7, 4, 8},
		},
		{
			name:   "closing brace ends the expression",
			src:    "object A {\n  on m() { if a { x = f(1) } }\n}",
			expr:   func(f *File) *Expr { return &handlerStmt(f, 0).If.Then.Stmts[0].Assign.Value.Expr },
			source: "f(1)",
			want:   span{2, 23, 2, 27},
		},
		{
			name:   "semicolon ends the expression",
			src:    "object A {\n  on m() { x = 1 + 2; y = 3 }\n}",
			expr:   assignValue(1),
			source: "3",
			want:   span{2, 27, 2, 28},
		},
		{
			name:   "block comment becomes spaces",
			src:    "object A {\n  on m() {\n    x = a /* note */ + b\n  }\n}",
			expr:   assignValue(0),
			source: "a" + strings.Repeat(" ", 12) + "+ b",
			want:   span{3, 9, 3, 25},
		},
		{
			name:   "line comment after an operator",
			src:    "object A {\n  on m() {\n    x = a + // note\n      b\n  }\n}",
			expr:   assignValue(0),
			source: "a +\n      b",
			want:   span{3, 9, 4, 8},
		},
		{
			name:   "multi-line block comment",
			src:    "object A {\n  on m() {\n    x = a + /* one\n two */ b\n  }\n}",
			expr:   assignValue(0),
			source: "a +\n        b",
			want:   span{3, 9, 4, 10},
		},
		{
			name:   "non-ASCII string",
			src:    "object A {\n  on m() {\n    x = \"héllo\" + y\n  }\n}",
			expr:   assignValue(0),
			source: `"héllo" + y`,
			want:   span{3, 9, 3, 20},
		},
		{
			name:   "raw string with a line break",
			src:    "object A {\n  on m() {\n    x = `a\nb` + y\n  }\n}",
			expr:   assignValue(0),
			source: "`a\nb` + y",
			want:   span{3, 9, 4, 7},
		},
		{
			name:   "map literal value",
			src:    "object A {\n  on m() {\n    x = {\"a\": 1,\n      \"b\": 2}\n  }\n}",
			expr:   assignValue(0),
			source: "{\"a\": 1,\n      \"b\": 2}",
			want:   span{3, 9, 4, 14},
		},
		{
			name:   "arguments with nested commas",
			src:    "object A {\n  on m() {\n    send B(\"b\").go(f(1, 2), [3, 4])\n  }\n}",
			expr:   sendArg(1),
			source: "[3, 4]",
			want:   span{3, 29, 3, 35},
		},
		{
			name:   "rule condition over lines",
			src:    "object A {\n  rule r when a > 1 &&\n      b < 2\n      && c {\n  }\n}",
			expr:   ruleWhen,
			source: "a > 1 &&\n      b < 2\n      && c",
			want:   span{2, 15, 4, 11},
		},
		{
			name:   "condition with map literal",
			src:    "object A {\n  rule r when x == {\"a\": 1} {\n  }\n}",
			expr:   ruleWhen,
			source: `x == {"a": 1}`,
			want:   span{2, 15, 2, 28},
		},
		{
			name:   "invariant continued with and",
			src:    "object A {\n  invariant \"ok\": low <= high\n    && high < 60.0\n}",
			expr:   invariantCond,
			source: "low <= high\n    && high < 60.0",
			want:   span{2, 19, 3, 19},
		},
		{
			name:   "default calls max",
			src:    "object A {\n  memory {\n    x: float = max(1.0, 2.0) in 0.0..10.0\n  }\n}",
			expr:   defaultOf,
			source: "max(1.0, 2.0)",
			want:   span{3, 16, 3, 29},
		},
		{
			name:   "range bound calls max",
			src:    "object A {\n  memory {\n    x: float = 1.0 in 0.0..max(1.0, 2.0)\n  }\n}",
			expr:   rangeHiOf,
			source: "max(1.0, 2.0)",
			want:   span{3, 28, 3, 41},
		},
		{
			name:   "default with in inside brackets",
			src:    "object A {\n  memory {\n    ok: bool = (\"a\" in [\"a\", \"b\"]) const\n  }\n}",
			expr:   defaultOf,
			source: `("a" in ["a", "b"])`,
			want:   span{3, 16, 3, 35},
		},
		{
			name:   "where with in inside brackets",
			src:    "object A {\n  memory {\n    n: int where value > 0 && (value in [1, 2])\n  }\n}",
			expr:   whereOf,
			source: "value > 0 && (value in [1, 2])",
			want:   span{3, 18, 3, 48},
		},
		{
			name:   "where with in at the top level",
			src:    "object A {\n  memory {\n    n: int where value > 0 && value in [1, 2, 3]\n  }\n}",
			expr:   whereOf,
			source: "value > 0 && value in [1, 2, 3]",
			want:   span{3, 18, 3, 49},
		},
		{
			name:   "multi-line map default",
			src:    "object A {\n  memory {\n    m: map<int> = {\n      \"SEA\": 1,\n      \"PDX\": 2,\n    } max 5\n  }\n}",
			expr:   defaultOf,
			source: "{\n      \"SEA\": 1,\n      \"PDX\": 2,\n    }",
			want:   span{3, 19, 6, 6},
		},
		{
			name:   "default continued on the next line",
			src:    "object A {\n  memory {\n    x: float = 1.0 +\n      2.0 monotonic\n  }\n}",
			expr:   defaultOf,
			source: "1.0 +\n      2.0",
			want:   span{3, 16, 4, 10},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, tt.src)
			e := tt.expr(f)
			if e.Source != tt.source {
				t.Errorf("Source = %q, want %q", e.Source, tt.source)
			}
			if got := spanOf(e.Pos, e.EndPos); got != tt.want {
				t.Errorf("expression spans %s, want %s", got, tt.want)
			}
			if want := offsetAt(tt.src, e.Pos.Line, e.Pos.Column); e.Pos.Offset != want {
				t.Errorf("Pos.Offset = %d, want %d", e.Pos.Offset, want)
			}
		})
	}
}

// TestExprStatementBoundaries checks that an expression stops where the
// next statement starts, so the statement count is right.
func TestExprStatementBoundaries(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		count int
	}{
		{"one per line", "x = a\ny = b\nz = c", 3},
		{"operator at line end joins", "x = a +\nb\ny = c", 2},
		{"and at line start joins", "x = a\n&& b\ny = c", 2},
		{"open paren at line start does not join", "x = a\nsend B(\"b\").go()", 2},
		{"not at line start does not join", "x = a\nif !b { y = 1 }", 2},
		{"keyword after value", "append a to xs\nremove b from xs", 2},
		{"semicolons on one line", "x = 1; y = 2; z = 3", 3},
		{"emit then assignment", "emit e { a: 1 }\nx = 2", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stmts := parseStmts(t, tt.body)
			if len(stmts) != tt.count {
				t.Errorf("parsed %d statements, want %d", len(stmts), tt.count)
			}
		})
	}
}

package grammar

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// span is a node's start and end as line:column pairs. The end is
// exclusive: it is the place just after the node's last character.
type span struct {
	Line, Col, EndLine, EndCol int
}

func spanOf(pos, end Position) span {
	return span{pos.Line, pos.Column, end.Line, end.Column}
}

func (s span) String() string {
	return fmt.Sprintf("%d:%d-%d:%d", s.Line, s.Col, s.EndLine, s.EndCol)
}

// positioned is a node found by walkNodes, with its Go type name, its
// span and, for an expression, the Expr itself.
type positioned struct {
	typ      string
	pos, end Position
	expr     *Expr
}

// walkNodes returns every AST node that has Pos and EndPos fields, in
// depth-first order.
func walkNodes(root any) []positioned {
	var out []positioned
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		case reflect.Struct:
			pos, end := v.FieldByName("Pos"), v.FieldByName("EndPos")
			if pos.IsValid() && end.IsValid() && pos.Type() == reflect.TypeOf(Position{}) {
				n := positioned{typ: v.Type().Name(), pos: pos.Interface().(Position),
					end: end.Interface().(Position)}
				if v.Type() == reflect.TypeOf(Expr{}) && v.CanAddr() {
					n.expr = v.Addr().Interface().(*Expr)
				}
				out = append(out, n)
			}
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).Type != reflect.TypeOf(Position{}) {
					walk(v.Field(i))
				}
			}
		}
	}
	walk(reflect.ValueOf(root))
	return out
}

// offsetAt returns the byte offset of 1-based line and rune column in
// src, or -1 when the place is not in src.
func offsetAt(src string, line, col int) int {
	offset := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[offset:], '\n')
		if i < 0 {
			return -1
		}
		offset += i + 1
	}
	for c := 1; c < col; c++ {
		if offset >= len(src) {
			return -1
		}
		_, size := utf8.DecodeRuneInString(src[offset:])
		offset += size
	}
	return offset
}

// checkPositions reports nodes whose positions disagree with each other
// or with src. Every Offset must be the byte offset of its Line and
// Column, a node must not end before it starts, and an expression's
// Source must have one line break per line its span crosses.
func checkPositions(src string, f *File) []string {
	var problems []string
	for _, n := range walkNodes(f) {
		for _, p := range []Position{n.pos, n.end} {
			if want := offsetAt(src, p.Line, p.Column); p.Offset != want {
				problems = append(problems, fmt.Sprintf("%s at %d:%d has offset %d, want %d",
					n.typ, p.Line, p.Column, p.Offset, want))
			}
		}
		if n.end.Offset < n.pos.Offset {
			problems = append(problems, fmt.Sprintf("%s ends at %s before it starts at %s",
				n.typ, n.end, n.pos))
		}
		if n.expr != nil {
			lines := strings.Count(n.expr.Source, "\n")
			if n.end.Line-n.pos.Line != lines {
				problems = append(problems, fmt.Sprintf("expression %q spans %d:%d-%d:%d but has %d line breaks",
					n.expr.Source, n.pos.Line, n.pos.Column, n.end.Line, n.end.Column, lines))
			}
		}
	}
	return problems
}

const positionSource = `object Station {
  memory {
    temp: float = 0.0 in -40.0..60.0
  }
  rule heat priority 10 when temp > 35.0 {
    emit heat_alert { temp: temp }
  }
}
`

func TestPositionsOfNodes(t *testing.T) {
	f := mustParse(t, positionSource)
	obj := f.Decls[0].Object
	field := obj.Members[0].Memory.Fields[0]
	rule := obj.Members[1].Item.Rule
	emit := rule.Body.Stmts[0].Emit
	tests := []struct {
		node     string
		pos, end Position
		want     span
	}{
		{"File", f.Pos, f.EndPos, span{1, 1, 8, 2}},
		{"ObjectDecl", obj.Pos, obj.EndPos, span{1, 1, 8, 2}},
		{"MemoryBlock", obj.Members[0].Memory.Pos, obj.Members[0].Memory.EndPos, span{2, 3, 4, 4}},
		{"Field", field.Pos, field.EndPos, span{3, 5, 3, 37}},
		{"TypeExpr", field.Type.Pos, field.Type.EndPos, span{3, 11, 3, 16}},
		{"Default", field.Default.Pos, field.Default.EndPos, span{3, 19, 3, 22}},
		{"Constraint", field.Constraints[0].Pos, field.Constraints[0].EndPos, span{3, 23, 3, 37}},
		{"RangeLo", field.Constraints[0].RangeLo.Pos, field.Constraints[0].RangeLo.EndPos, span{3, 26, 3, 31}},
		{"RangeHi", field.Constraints[0].RangeHi.Pos, field.Constraints[0].RangeHi.EndPos, span{3, 33, 3, 37}},
		{"RuleDecl", rule.Pos, rule.EndPos, span{5, 3, 7, 4}},
		{"Priority", rule.Priority.Pos, rule.Priority.EndPos, span{5, 22, 5, 24}},
		{"When", rule.When.Pos, rule.When.EndPos, span{5, 30, 5, 41}},
		{"Body", rule.Body.Pos, rule.Body.EndPos, span{5, 42, 7, 4}},
		{"EmitStmt", emit.Pos, emit.EndPos, span{6, 5, 6, 35}},
		{"FieldInit", emit.Fields[0].Pos, emit.Fields[0].EndPos, span{6, 23, 6, 33}},
		{"FieldInit value", emit.Fields[0].Value.Pos, emit.Fields[0].Value.EndPos, span{6, 29, 6, 33}},
	}
	for _, tt := range tests {
		if got := spanOf(tt.pos, tt.end); got != tt.want {
			t.Errorf("%s spans %s, want %s", tt.node, got, tt.want)
		}
		if tt.pos.Filename != "t.mor" {
			t.Errorf("%s has file name %q, want t.mor", tt.node, tt.pos.Filename)
		}
	}
}

func TestPositionsOfStatements(t *testing.T) {
	src := "object A {\n" +
		"  on m(a: int, b: list<R>?) {\n" + // line 2
		"    send B(\"id\").go(1, n: 2)\n" + // line 3
		"    x.y[0] -= 2\n" + // line 4
		"    spawn B(id) { a: 1, b: 2, }\n" + // line 5
		"    after 1d as t { x = 1 }\n" + // line 6
		"    enter calm \"why\"\n" + // line 7
		"  }\n" +
		"}\n"
	f := mustParse(t, src)
	h := f.Decls[0].Object.Members[0].Item.Handler
	send := h.Body.Stmts[0].Send
	assign := h.Body.Stmts[1].Assign
	spawn := h.Body.Stmts[2].Spawn
	after := h.Body.Stmts[3].After
	enter := h.Body.Stmts[4].Enter
	tests := []struct {
		node     string
		pos, end Position
		want     span
	}{
		{"HandlerDecl", h.Pos, h.EndPos, span{2, 3, 8, 4}},
		{"Param a", h.Params[0].Pos, h.Params[0].EndPos, span{2, 8, 2, 14}},
		{"Param b", h.Params[1].Pos, h.Params[1].EndPos, span{2, 16, 2, 27}},
		{"Param b elem", h.Params[1].Type.Elem.Pos, h.Params[1].Type.Elem.EndPos, span{2, 24, 2, 25}},
		{"SendStmt", send.Pos, send.EndPos, span{3, 5, 3, 29}},
		{"Target", send.To.Pos, send.To.EndPos, span{3, 10, 3, 17}},
		{"Target ID", send.To.ID.Pos, send.To.ID.EndPos, span{3, 12, 3, 16}},
		{"Arg 1", send.Args[0].Pos, send.Args[0].EndPos, span{3, 21, 3, 22}},
		{"Arg n", send.Args[1].Pos, send.Args[1].EndPos, span{3, 24, 3, 28}},
		{"AssignStmt", assign.Pos, assign.EndPos, span{4, 5, 4, 16}},
		{"Path", assign.Target.Pos, assign.Target.EndPos, span{4, 5, 4, 11}},
		{"PathStep .y", assign.Target.Steps[0].Pos, assign.Target.Steps[0].EndPos, span{4, 6, 4, 8}},
		{"PathStep [0]", assign.Target.Steps[1].Pos, assign.Target.Steps[1].EndPos, span{4, 8, 4, 11}},
		{"SpawnStmt", spawn.Pos, spawn.EndPos, span{5, 5, 5, 32}},
		{"AfterStmt", after.Pos, after.EndPos, span{6, 5, 6, 28}},
		{"After delay", after.Delay.Pos, after.Delay.EndPos, span{6, 11, 6, 13}},
		{"EnterStmt", enter.Pos, enter.EndPos, span{7, 5, 7, 21}},
		{"Enter reason", enter.Reason.Pos, enter.Reason.EndPos, span{7, 16, 7, 21}},
	}
	for _, tt := range tests {
		if got := spanOf(tt.pos, tt.end); got != tt.want {
			t.Errorf("%s spans %s, want %s", tt.node, got, tt.want)
		}
	}
}

// TestPositionsAgree checks every node of the example files and of a
// file with tabs, non-ASCII text, comments and CRLF line ends.
func TestPositionsAgree(t *testing.T) {
	sources := map[string]string{
		"positions": positionSource,
		"tabs and unicode": "object Cafe {\n\tmemory {\n\t\tnom: string = \"crème\" // brûlée\n\t}\n" +
			"\ton m() {\n\t\tnom = \"é\" +\n\t\t\t\"è\"\n\t}\n}\n",
		"comments": "/* head */ object A { /* a\n b */ rule r when x /* c */ > 1 { y = 2 // d\n } }",
		"crlf":     "object A {\r\n  rule r when a &&\r\n    b {\r\n    x = 1\r\n  }\r\n}\r\n",
	}
	for _, path := range []string{
		"../examples/weather/station.mor",
		"../examples/flights/airport.mor",
		"../examples/greenhouse/greenhouse.mor",
	} {
		sources[path] = readFile(t, path)
	}
	for name, src := range sources {
		t.Run(name, func(t *testing.T) {
			f := mustParse(t, src)
			for _, p := range checkPositions(src, f) {
				t.Error(p)
			}
		})
	}
}

// TestSourceMatchesFile checks that an expression's Source is the exact
// file text between its Pos and EndPos offsets when it has no comments.
func TestSourceMatchesFile(t *testing.T) {
	for _, path := range []string{
		"../examples/weather/station.mor",
		"../examples/flights/airport.mor",
		"../examples/greenhouse/greenhouse.mor",
	} {
		src := readFile(t, path)
		f := mustParse(t, src)
		count := 0
		for _, n := range walkNodes(f) {
			if n.expr == nil {
				continue
			}
			count++
			got := src[n.pos.Offset:n.end.Offset]
			if diff := cmp.Diff(got, n.expr.Source); diff != "" {
				t.Errorf("%s:%d:%d: Source differs from the file (-file +Source):\n%s",
					path, n.pos.Line, n.pos.Column, diff)
			}
		}
		if count < 20 {
			t.Errorf("%s: found %d expressions, want at least 20", path, count)
		}
	}
}

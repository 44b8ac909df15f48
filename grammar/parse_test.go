package grammar

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// shapeOptions compare the shape of an AST and ignore positions, which
// position_test.go checks. An absent list equals an empty one.
var shapeOptions = cmp.Options{
	cmpopts.IgnoreTypes(Position{}),
	cmpopts.EquateEmpty(),
}

func mustParse(t *testing.T, src string) *File {
	t.Helper()
	f, err := ParseFile("t.mor", src)
	if err != nil {
		t.Fatalf("ParseFile failed:\n%s", Format(err, map[string]string{"t.mor": src}))
	}
	return f
}

// parseObject parses body as the members of an object named A.
func parseObject(t *testing.T, body string) *ObjectDecl {
	t.Helper()
	f := mustParse(t, "object A {\n"+body+"\n}\n")
	if len(f.Decls) != 1 || f.Decls[0].Object == nil {
		t.Fatalf("parsed %d declarations, want one object", len(f.Decls))
	}
	return f.Decls[0].Object
}

// parseStmts parses body as the statements of a handler.
func parseStmts(t *testing.T, body string) []*Stmt {
	t.Helper()
	obj := parseObject(t, "on m() {\n"+body+"\n}")
	return obj.Members[0].Item.Handler.Body.Stmts
}

func lineExpr(src string) *LineExpr       { return &LineExpr{Expr{Source: src}} }
func condExpr(src string) *CondExpr       { return &CondExpr{Expr{Source: src}} }
func argExpr(src string) *ArgExpr         { return &ArgExpr{Expr{Source: src}} }
func valueExpr(src string) *ValueExpr     { return &ValueExpr{Expr{Source: src}} }
func defaultExpr(src string) *DefaultExpr { return &DefaultExpr{Expr{Source: src}} }
func boundExpr(src string) *BoundExpr     { return &BoundExpr{Expr{Source: src}} }
func intLit(v string) *IntLit             { return &IntLit{Value: v} }
func durationLit(v string) *DurationLit   { return &DurationLit{Value: v} }
func stringLit(v string) *StringLit       { return &StringLit{Value: v} }
func typeName(name string) *TypeExpr      { return &TypeExpr{Name: name} }

func TestParseTopLevel(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []*Decl
	}{
		{
			name: "empty file",
			src:  "// only a comment\n",
			want: nil,
		},
		{
			name: "empty object",
			src:  "object A {}",
			want: []*Decl{{Object: &ObjectDecl{Name: "A"}}},
		},
		{
			name: "record type",
			src:  "type Reading {\n  max: float = 0.0\n  at: time?\n}",
			want: []*Decl{{Type: &TypeDecl{Name: "Reading", Fields: []*Field{
				{Name: "max", Type: typeName("float"), Default: defaultExpr("0.0")},
				{Name: "at", Type: &TypeExpr{Name: "time", Optional: true}},
			}}}},
		},
		{
			name: "test block",
			src:  "test \"three readings\" {\n  spawn A(\"a\")\n  advance 3d\n}",
			want: []*Decl{{Test: &TestDecl{
				Name: stringLit(`"three readings"`),
				Body: &Block{Stmts: []*Stmt{
					{Spawn: &SpawnStmt{Target: &Target{Type: "A", ID: argExpr(`"a"`)}}},
					{Advance: &AdvanceStmt{By: durationLit("3d")}},
				}},
			}}},
		},
		{
			name: "declaration order",
			src:  "object B {}\ntype R { a: int }\ntest \"t\" {}\nobject A {}",
			want: []*Decl{
				{Object: &ObjectDecl{Name: "B"}},
				{Type: &TypeDecl{Name: "R", Fields: []*Field{{Name: "a", Type: typeName("int")}}}},
				{Test: &TestDecl{Name: stringLit(`"t"`), Body: &Block{}}},
				{Object: &ObjectDecl{Name: "A"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, tt.src)
			if diff := cmp.Diff(tt.want, f.Decls, shapeOptions); diff != "" {
				t.Errorf("declarations mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseFieldTypes(t *testing.T) {
	tests := []struct {
		src  string
		want *TypeExpr
	}{
		{"int", typeName("int")},
		{"time?", &TypeExpr{Name: "time", Optional: true}},
		{"list<float>", &TypeExpr{Name: "list", Elem: typeName("float")}},
		{"map<int>", &TypeExpr{Name: "map", Elem: typeName("int")}},
		{"list<list<int>>", &TypeExpr{Name: "list", Elem: &TypeExpr{Name: "list", Elem: typeName("int")}}},
		{"list<R?>?", &TypeExpr{Name: "list", Elem: &TypeExpr{Name: "R", Optional: true}, Optional: true}},
		{"enum(none, heat, frost)", &TypeExpr{Enum: []string{"none", "heat", "frost"}}},
		{"enum(a)?", &TypeExpr{Enum: []string{"a"}, Optional: true}},
		{"Reading", typeName("Reading")},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			obj := parseObject(t, "memory { f: "+tt.src+" }")
			got := obj.Members[0].Memory.Fields[0].Type
			if diff := cmp.Diff(tt.want, got, shapeOptions); diff != "" {
				t.Errorf("type mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseConstraints(t *testing.T) {
	tests := []struct {
		name  string
		field string
		want  *Field
	}{
		{
			name:  "const",
			field: "name: string const",
			want: &Field{Name: "name", Type: typeName("string"),
				Constraints: []*Constraint{{Const: true}}},
		},
		{
			name:  "range",
			field: "high: float = 0.0 in -40.0..60.0",
			want: &Field{Name: "high", Type: typeName("float"), Default: defaultExpr("0.0"),
				Constraints: []*Constraint{{RangeLo: boundExpr("-40.0"), RangeHi: boundExpr("60.0")}}},
		},
		{
			name:  "int range",
			field: "n: int in 0..10",
			want: &Field{Name: "n", Type: typeName("int"),
				Constraints: []*Constraint{{RangeLo: boundExpr("0"), RangeHi: boundExpr("10")}}},
		},
		{
			name:  "duration range",
			field: "d: duration in 1h..2d",
			want: &Field{Name: "d", Type: typeName("duration"),
				Constraints: []*Constraint{{RangeLo: boundExpr("1h"), RangeHi: boundExpr("2d")}}},
		},
		{
			name:  "where",
			field: "n: int = 1 where value % 2 == 1",
			want: &Field{Name: "n", Type: typeName("int"), Default: defaultExpr("1"),
				Constraints: []*Constraint{{Where: defaultExpr("value % 2 == 1")}}},
		},
		{
			name:  "monotonic",
			field: "readings: int = 0 monotonic",
			want: &Field{Name: "readings", Type: typeName("int"), Default: defaultExpr("0"),
				Constraints: []*Constraint{{Monotonic: true}}},
		},
		{
			name:  "append only",
			field: "log: list<string> = [] append only",
			want: &Field{Name: "log", Type: &TypeExpr{Name: "list", Elem: typeName("string")},
				Default: defaultExpr("[]"), Constraints: []*Constraint{{AppendOnly: true}}},
		},
		{
			name:  "max",
			field: "rain: list<float> = [] max 30",
			want: &Field{Name: "rain", Type: &TypeExpr{Name: "list", Elem: typeName("float")},
				Default: defaultExpr("[]"), Constraints: []*Constraint{{Max: intLit("30")}}},
		},
		{
			name:  "transitions",
			field: "alert: enum(none, heat) = none transitions none -> heat, heat -> none",
			want: &Field{Name: "alert", Type: &TypeExpr{Enum: []string{"none", "heat"}},
				Default: defaultExpr("none"), Constraints: []*Constraint{{Transitions: []*Transition{
					{From: "none", To: "heat"}, {From: "heat", To: "none"},
				}}}},
		},
		{
			name:  "rate limit",
			field: "level: float at most 4 changes per 7d",
			want: &Field{Name: "level", Type: typeName("float"),
				Constraints: []*Constraint{{RateCount: intLit("4"), RatePer: durationLit("7d")}}},
		},
		{
			name:  "written by handlers",
			field: "x: int written by handlers",
			want: &Field{Name: "x", Type: typeName("int"),
				Constraints: []*Constraint{{WrittenBy: "handlers"}}},
		},
		{
			name:  "written by rules",
			field: "x: int written by rules",
			want: &Field{Name: "x", Type: typeName("int"),
				Constraints: []*Constraint{{WrittenBy: "rules"}}},
		},
		{
			name: "several on continuation lines",
			field: "alert: enum(none, heat, frost) = none\n" +
				"    transitions none -> heat, heat -> none\n" +
				"    at most 4 changes per 7d\n" +
				"    written by rules",
			want: &Field{Name: "alert", Type: &TypeExpr{Enum: []string{"none", "heat", "frost"}},
				Default: defaultExpr("none"), Constraints: []*Constraint{
					{Transitions: []*Transition{{From: "none", To: "heat"}, {From: "heat", To: "none"}}},
					{RateCount: intLit("4"), RatePer: durationLit("7d")},
					{WrittenBy: "rules"},
				}},
		},
		{
			name:  "call named like a constraint",
			field: "top: float = max(1.0, 2.0) in 0.0..max(3.0, 4.0) max 5",
			want: &Field{Name: "top", Type: typeName("float"), Default: defaultExpr("max(1.0, 2.0)"),
				Constraints: []*Constraint{
					{RangeLo: boundExpr("0.0"), RangeHi: boundExpr("max(3.0, 4.0)")},
					{Max: intLit("5")},
				}},
		},
		{
			name:  "in inside brackets",
			field: "ok: bool = (1 in [1, 2]) where (value in [true])",
			want: &Field{Name: "ok", Type: typeName("bool"), Default: defaultExpr("(1 in [1, 2])"),
				Constraints: []*Constraint{{Where: defaultExpr("(value in [true])")}}},
		},
		{
			name:  "in as membership",
			field: "ok: bool = 1 in [1, 2] where value in [true] const",
			want: &Field{Name: "ok", Type: typeName("bool"), Default: defaultExpr("1 in [1, 2]"),
				Constraints: []*Constraint{{Where: defaultExpr("value in [true]")}, {Const: true}}},
		},
		{
			name:  "in before a negative bound",
			field: "n: int = 0 in -5..5",
			want: &Field{Name: "n", Type: typeName("int"), Default: defaultExpr("0"),
				Constraints: []*Constraint{{RangeLo: boundExpr("-5"), RangeHi: boundExpr("5")}}},
		},
		{
			name:  "map literal default",
			field: `totals: map<int> = {"SEA": 1, "PDX": 2} max 10`,
			want: &Field{Name: "totals", Type: &TypeExpr{Name: "map", Elem: typeName("int")},
				Default: defaultExpr(`{"SEA": 1, "PDX": 2}`), Constraints: []*Constraint{{Max: intLit("10")}}},
		},
		{
			name:  "member access named like a constraint",
			field: "n: int = r.max where value >= r.in",
			want: &Field{Name: "n", Type: typeName("int"), Default: defaultExpr("r.max"),
				Constraints: []*Constraint{{Where: defaultExpr("value >= r.in")}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := parseObject(t, "memory {\n    "+tt.field+"\n}")
			fields := obj.Members[0].Memory.Fields
			if len(fields) != 1 {
				t.Fatalf("parsed %d fields, want 1", len(fields))
			}
			if diff := cmp.Diff(tt.want, fields[0], shapeOptions); diff != "" {
				t.Errorf("field mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseMembers(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []*Member
	}{
		{
			name: "invariant",
			body: `invariant "low at or below high": low <= high`,
			want: []*Member{{Invariant: &Invariant{Name: stringLit(`"low at or below high"`),
				Cond: lineExpr("low <= high")}}},
		},
		{
			name: "version",
			body: "version 3",
			want: []*Member{{Version: &VersionDecl{Number: intLit("3")}}},
		},
		{
			name: "migrate rename",
			body: "migrate temp from temperature",
			want: []*Member{{Migrate: &MigrateDecl{Field: "temp", From: "temperature"}}},
		},
		{
			name: "migrate value",
			body: "migrate temp = old * 1.8 + 32",
			want: []*Member{{Migrate: &MigrateDecl{Field: "temp", Value: lineExpr("old * 1.8 + 32")}}},
		},
		{
			name: "cycle",
			body: "cycle every 1d",
			want: []*Member{{Item: &ModeItem{Cycle: &CycleDecl{Every: durationLit("1d")}}}},
		},
		{
			name: "cycle catch up",
			body: "cycle every 1h30m catch up skip",
			want: []*Member{{Item: &ModeItem{Cycle: &CycleDecl{Every: durationLit("1h30m"), CatchUp: "skip"}}}},
		},
		{
			name: "rule",
			body: "rule stale when since(last_seen) > 3d {\n  confidence = confidence * 0.5\n}",
			want: []*Member{{Item: &ModeItem{Rule: &RuleDecl{
				Name: "stale",
				When: condExpr("since(last_seen) > 3d"),
				Body: &Block{Stmts: []*Stmt{{Assign: &AssignStmt{
					Target: &Path{Field: "confidence"}, Op: "=", Value: lineExpr("confidence * 0.5"),
				}}}},
			}}}},
		},
		{
			name: "rule priority",
			body: "rule heat priority 10 when t > 35.0 {}",
			want: []*Member{{Item: &ModeItem{Rule: &RuleDecl{
				Name: "heat", Priority: intLit("10"), When: condExpr("t > 35.0"), Body: &Block{},
			}}}},
		},
		{
			name: "rule negative priority",
			body: "rule doubt priority -10 when c < 0.3 {}",
			want: []*Member{{Item: &ModeItem{Rule: &RuleDecl{
				Name: "doubt", Negative: true, Priority: intLit("10"), When: condExpr("c < 0.3"), Body: &Block{},
			}}}},
		},
		{
			name: "handler",
			body: "on reading(max: float, at: time?) {}",
			want: []*Member{{Item: &ModeItem{Handler: &HandlerDecl{
				Message: "reading",
				Params: []*Param{
					{Name: "max", Type: typeName("float")},
					{Name: "at", Type: &TypeExpr{Name: "time", Optional: true}},
				},
				Body: &Block{},
			}}}},
		},
		{
			name: "handler without parameters",
			body: "on tick() {}",
			want: []*Member{{Item: &ModeItem{Handler: &HandlerDecl{Message: "tick", Body: &Block{}}}}},
		},
		{
			name: "inquiry",
			body: "inquiry {\n  rule ok when c >= 0.6 { resume }\n  on answer(alive: bool) {}\n}",
			want: []*Member{{Inquiry: &ModeBlock{Items: []*ModeItem{
				{Rule: &RuleDecl{Name: "ok", When: condExpr("c >= 0.6"),
					Body: &Block{Stmts: []*Stmt{{Resume: &ResumeStmt{Keyword: "resume"}}}}}},
				{Handler: &HandlerDecl{Message: "answer",
					Params: []*Param{{Name: "alive", Type: typeName("bool")}}, Body: &Block{}}},
			}}}},
		},
		{
			name: "dormant",
			body: "dormant {\n  wake on reading when max > 30.0\n  wake on start\n  wake after 30d\n}",
			want: []*Member{{Dormant: &ModeBlock{Items: []*ModeItem{
				{Wake: &WakeDecl{Message: "reading", When: lineExpr("max > 30.0")}},
				{Wake: &WakeDecl{Message: "start"}},
				{Wake: &WakeDecl{After: durationLit("30d")}},
			}}}},
		},
		{
			name: "named mode",
			body: "mode congested {\n  cycle every 6h\n}",
			want: []*Member{{Mode: &NamedMode{Name: "congested", Block: &ModeBlock{Items: []*ModeItem{
				{Cycle: &CycleDecl{Every: durationLit("6h")}},
			}}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := parseObject(t, tt.body)
			if diff := cmp.Diff(tt.want, obj.Members, shapeOptions); diff != "" {
				t.Errorf("members mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseStatements(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []*Stmt
	}{
		{
			name: "assign",
			body: "x = 1\nx += 2\nx -= 3",
			want: []*Stmt{
				{Assign: &AssignStmt{Target: &Path{Field: "x"}, Op: "=", Value: lineExpr("1")}},
				{Assign: &AssignStmt{Target: &Path{Field: "x"}, Op: "+=", Value: lineExpr("2")}},
				{Assign: &AssignStmt{Target: &Path{Field: "x"}, Op: "-=", Value: lineExpr("3")}},
			},
		},
		{
			name: "assign path",
			body: `totals["SEA"].max = 1`,
			want: []*Stmt{{Assign: &AssignStmt{
				Target: &Path{Field: "totals", Steps: []*PathStep{
					{Index: argExpr(`"SEA"`)}, {Field: "max"},
				}},
				Op:    "=",
				Value: lineExpr("1"),
			}}},
		},
		{
			name: "semicolons",
			body: "x = 1; y = 2;",
			want: []*Stmt{
				{Assign: &AssignStmt{Target: &Path{Field: "x"}, Op: "=", Value: lineExpr("1")}},
				{Assign: &AssignStmt{Target: &Path{Field: "y"}, Op: "=", Value: lineExpr("2")}},
			},
		},
		{
			name: "if else if else",
			body: "if a { x = 1 } else if b { x = 2 } else { x = 3 }",
			want: []*Stmt{{If: &IfStmt{
				Cond: condExpr("a"),
				Then: &Block{Stmts: []*Stmt{{Assign: &AssignStmt{Target: &Path{Field: "x"}, Op: "=", Value: lineExpr("1")}}}},
				ElseIf: &IfStmt{
					Cond: condExpr("b"),
					Then: &Block{Stmts: []*Stmt{{Assign: &AssignStmt{Target: &Path{Field: "x"}, Op: "=", Value: lineExpr("2")}}}},
					Else: &Block{Stmts: []*Stmt{{Assign: &AssignStmt{Target: &Path{Field: "x"}, Op: "=", Value: lineExpr("3")}}}},
				},
			}}},
		},
		{
			name: "mode changes",
			body: "enter busy \"queue is long\"\nenter calm\ninquire \"alive?\"\nresume\nsleep\nsleep \"done\"",
			want: []*Stmt{
				{Enter: &EnterStmt{Mode: "busy", Reason: stringLit(`"queue is long"`)}},
				{Enter: &EnterStmt{Mode: "calm"}},
				{Inquire: &InquireStmt{Question: lineExpr(`"alive?"`)}},
				{Resume: &ResumeStmt{Keyword: "resume"}},
				{Sleep: &SleepStmt{Keyword: "sleep"}},
				{Sleep: &SleepStmt{Keyword: "sleep", Reason: stringLit(`"done"`)}},
			},
		},
		{
			name: "emit",
			body: "emit ping\nemit heat { station: name, temp: max(a, b), }",
			want: []*Stmt{
				{Emit: &EmitStmt{Name: "ping"}},
				{Emit: &EmitStmt{Name: "heat", Fields: []*FieldInit{
					{Name: "station", Value: argExpr("name")},
					{Name: "temp", Value: argExpr("max(a, b)")},
				}}},
			},
		},
		{
			name: "send",
			body: `send Station("s-" + id).reading(1.0, at: now)`,
			want: []*Stmt{{Send: &SendStmt{
				To:      &Target{Type: "Station", ID: argExpr(`"s-" + id`)},
				Message: "reading",
				Args: []*Arg{
					{Value: argExpr("1.0")},
					{Name: "at", Value: argExpr("now")},
				},
			}}},
		},
		{
			name: "send without arguments",
			body: `send A("a").tick()`,
			want: []*Stmt{{Send: &SendStmt{To: &Target{Type: "A", ID: argExpr(`"a"`)}, Message: "tick"}}},
		},
		{
			name: "spawn",
			body: "spawn Station(\"b\")\nspawn Station(\"c\") { name: \"c\", readings: 0 }",
			want: []*Stmt{
				{Spawn: &SpawnStmt{Target: &Target{Type: "Station", ID: argExpr(`"b"`)}}},
				{Spawn: &SpawnStmt{Target: &Target{Type: "Station", ID: argExpr(`"c"`)}, Fields: []*FieldInit{
					{Name: "name", Value: argExpr(`"c"`)},
					{Name: "readings", Value: argExpr("0")},
				}}},
			},
		},
		{
			name: "timers",
			body: "after 30m as check { x = 1 }\nafter 1h {}\ncancel check",
			want: []*Stmt{
				{After: &AfterStmt{Delay: durationLit("30m"), Name: "check", Body: &Block{Stmts: []*Stmt{
					{Assign: &AssignStmt{Target: &Path{Field: "x"}, Op: "=", Value: lineExpr("1")}},
				}}}},
				{After: &AfterStmt{Delay: durationLit("1h"), Body: &Block{}}},
				{Cancel: &CancelStmt{Name: "check"}},
			},
		},
		{
			name: "append and remove",
			body: "append p * 2 to rain\nremove rain[0] from rain\nremove \"SEA\" from totals",
			want: []*Stmt{
				{Append: &AppendStmt{Value: valueExpr("p * 2"), Target: &Path{Field: "rain"}}},
				{Remove: &RemoveStmt{Value: valueExpr("rain[0]"), Target: &Path{Field: "rain"}}},
				{Remove: &RemoveStmt{Value: valueExpr(`"SEA"`), Target: &Path{Field: "totals"}}},
			},
		},
		{
			name: "advance and expect",
			body: "advance 1d12h\nexpect A(\"a\"): readings == 3\nexpect readings > 0",
			want: []*Stmt{
				{Advance: &AdvanceStmt{By: durationLit("1d12h")}},
				{Expect: &ExpectStmt{Object: &Target{Type: "A", ID: argExpr(`"a"`)}, Cond: lineExpr("readings == 3")}},
				{Expect: &ExpectStmt{Cond: lineExpr("readings > 0")}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseStmts(t, tt.body)
			if diff := cmp.Diff(tt.want, got, shapeOptions); diff != "" {
				t.Errorf("statements mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStringLitText(t *testing.T) {
	tests := []struct {
		lit  *StringLit
		want string
	}{
		{nil, ""},
		{stringLit(`"plain"`), "plain"},
		{stringLit(`"tab\tand \"quote\""`), "tab\tand \"quote\""},
		{stringLit(`'single'`), "single"},
		{stringLit("`raw \\n`"), `raw \n`},
		{stringLit(`"é"`), "é"},
	}
	for _, tt := range tests {
		if got := tt.lit.Text(); got != tt.want {
			t.Errorf("Text(%v) = %q, want %q", tt.lit, got, tt.want)
		}
	}
}

func TestEBNF(t *testing.T) {
	ebnf := EBNF()
	for _, rule := range []string{"File", "ObjectDecl", "Constraint", "RuleDecl", "Stmt"} {
		if !strings.Contains(ebnf, rule+" =") {
			t.Errorf("EBNF has no rule %s:\n%s", rule, ebnf)
		}
	}
}

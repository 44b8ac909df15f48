package grammar

import "strconv"

// File is one parsed .mor source file.
//
//	File = { TypeDecl | ObjectDecl | TestDecl } .
type File struct {
	Pos    Position
	EndPos Position

	Decls []*Decl `parser:"@@*"`
}

// Decl is a top-level declaration. Exactly one field is set.
type Decl struct {
	Type   *TypeDecl   `parser:"  @@"`
	Object *ObjectDecl `parser:"| @@"`
	Test   *TestDecl   `parser:"| @@"`
}

// TypeDecl declares a record type.
//
//	TypeDecl = "type" Ident "{" { Field } "}" .
type TypeDecl struct {
	Pos    Position
	EndPos Position

	Name   string   `parser:"\"type\" @Ident \"{\""`
	Fields []*Field `parser:"@@* \"}\""`
}

// ObjectDecl declares an object type.
//
//	ObjectDecl = "object" Ident "{" { Member } "}" .
type ObjectDecl struct {
	Pos    Position
	EndPos Position

	Name    string    `parser:"\"object\" @Ident \"{\""`
	Members []*Member `parser:"@@* \"}\""`
}

// Member is one item in an object body. Exactly one field is set.
type Member struct {
	Memory    *MemoryBlock `parser:"  @@"`
	Invariant *Invariant   `parser:"| @@"`
	Version   *VersionDecl `parser:"| @@"`
	Migrate   *MigrateDecl `parser:"| @@"`
	Inquiry   *ModeBlock   `parser:"| \"inquiry\" @@"`
	Dormant   *ModeBlock   `parser:"| \"dormant\" @@"`
	Mode      *NamedMode   `parser:"| @@"`
	Item      *ModeItem    `parser:"| @@"`
}

// MemoryBlock declares the object's typed fields.
//
//	MemoryBlock = "memory" "{" { Field } "}" .
type MemoryBlock struct {
	Pos    Position
	EndPos Position

	Fields []*Field `parser:"\"memory\" \"{\" @@* \"}\""`
}

// Field declares one memory field or record field.
//
//	Field = Ident ":" TypeExpr [ "=" DefaultExpr ] { Constraint } .
type Field struct {
	Pos    Position
	EndPos Position

	Name        string        `parser:"@Ident \":\""`
	Type        *TypeExpr     `parser:"@@"`
	Default     *DefaultExpr  `parser:"( \"=\" @@ )?"`
	Constraints []*Constraint `parser:"@@*"`
}

// TypeExpr is a type: a name, a parameterised list or map, an enum, or an
// optional type.
//
//	TypeExpr = ( "enum" "(" Ident { "," Ident } ")"
//	           | Ident [ "<" TypeExpr ">" ] ) [ "?" ] .
type TypeExpr struct {
	Pos    Position
	EndPos Position

	Enum     []string  `parser:"(  \"enum\" \"(\" @Ident ( \",\" @Ident )* \")\""`
	Name     string    `parser:"  | @Ident"`
	Elem     *TypeExpr `parser:"    ( \"<\" @@ \">\" )? )"`
	Optional bool      `parser:"@\"?\"?"`
}

// Constraint is one governance constraint on a field. Exactly one of the
// forms is set.
//
//	Constraint = "const" | "in" Bound ".." Bound | "where" DefaultExpr
//	           | "monotonic" | "append" "only" | "max" Int
//	           | "transitions" Transition { "," Transition }
//	           | "at" "most" Int "changes" "per" Duration
//	           | "written" "by" ( "handlers" | "rules" ) .
type Constraint struct {
	Pos    Position
	EndPos Position

	Const       bool          `parser:"(  @\"const\""`
	RangeLo     *BoundExpr    `parser:"  | \"in\" @@"`
	RangeHi     *BoundExpr    `parser:"    \"..\" @@"`
	Where       *DefaultExpr  `parser:"  | \"where\" @@"`
	Monotonic   bool          `parser:"  | @\"monotonic\""`
	AppendOnly  bool          `parser:"  | @(\"append\" \"only\")"`
	Max         *IntLit       `parser:"  | \"max\" @@"`
	Transitions []*Transition `parser:"  | \"transitions\" @@ ( \",\" @@ )*"`
	RateCount   *IntLit       `parser:"  | \"at\" \"most\" @@"`
	RatePer     *DurationLit  `parser:"    \"changes\" \"per\" @@"`
	WrittenBy   string        `parser:"  | \"written\" \"by\" @( \"handlers\" | \"rules\" ) )"`
}

// Transition is one allowed enum transition, "from -> to".
type Transition struct {
	Pos    Position
	EndPos Position

	From string `parser:"@Ident \"->\""`
	To   string `parser:"@Ident"`
}

// Invariant is an object-level condition checked before every commit.
//
//	Invariant = "invariant" String ":" LineExpr .
type Invariant struct {
	Pos    Position
	EndPos Position

	Name *StringLit `parser:"\"invariant\" @@ \":\""`
	Cond *LineExpr  `parser:"@@"`
}

// VersionDecl states the program version recorded in lineage.
//
//	VersionDecl = "version" Int .
type VersionDecl struct {
	Pos    Position
	EndPos Position

	Number *IntLit `parser:"\"version\" @@"`
}

// MigrateDecl describes how a stored field from an earlier program version
// becomes part of this one.
//
//	MigrateDecl = "migrate" Ident [ "from" Ident ] [ "=" LineExpr ] .
type MigrateDecl struct {
	Pos    Position
	EndPos Position

	Field string    `parser:"\"migrate\" @Ident"`
	From  string    `parser:"( \"from\" @Ident )?"`
	Value *LineExpr `parser:"( \"=\" @@ )?"`
}

// NamedMode is a user-declared executing mode.
//
//	NamedMode = "mode" Ident ModeBlock .
type NamedMode struct {
	Pos    Position
	EndPos Position

	Name  string     `parser:"\"mode\" @Ident"`
	Block *ModeBlock `parser:"@@"`
}

// ModeBlock is the body of an inquiry, dormant or user-declared mode.
//
//	ModeBlock = "{" { ModeItem } "}" .
type ModeBlock struct {
	Pos    Position
	EndPos Position

	Items []*ModeItem `parser:"\"{\" @@* \"}\""`
}

// ModeItem is a cycle, rule, handler or wake clause. At object level it
// belongs to the active mode. Exactly one field is set.
type ModeItem struct {
	Cycle   *CycleDecl   `parser:"  @@"`
	Rule    *RuleDecl    `parser:"| @@"`
	Handler *HandlerDecl `parser:"| @@"`
	Wake    *WakeDecl    `parser:"| @@"`
}

// CycleDecl sets a mode's cadence.
//
//	CycleDecl = "cycle" "every" Duration [ "catch" "up" ( "all" | "once" | "skip" ) ] .
type CycleDecl struct {
	Pos    Position
	EndPos Position

	Every   *DurationLit `parser:"\"cycle\" \"every\" @@"`
	CatchUp string       `parser:"( \"catch\" \"up\" @( \"all\" | \"once\" | \"skip\" ) )?"`
}

// RuleDecl is a rule evaluated once per cycle.
//
//	RuleDecl = "rule" Ident [ "priority" [ "-" ] Int ] "when" CondExpr Block .
type RuleDecl struct {
	Pos    Position
	EndPos Position

	Name     string    `parser:"\"rule\" @Ident"`
	Negative bool      `parser:"( \"priority\" @\"-\"?"`
	Priority *IntLit   `parser:"  @@ )?"`
	When     *CondExpr `parser:"\"when\" @@"`
	Body     *Block    `parser:"@@"`
}

// HandlerDecl handles one message.
//
//	HandlerDecl = "on" Ident "(" [ Param { "," Param } ] ")" Block .
type HandlerDecl struct {
	Pos    Position
	EndPos Position

	Message string   `parser:"\"on\" @Ident \"(\""`
	Params  []*Param `parser:"( @@ ( \",\" @@ )* )? \")\""`
	Body    *Block   `parser:"@@"`
}

// Param is one message parameter.
type Param struct {
	Pos    Position
	EndPos Position

	Name string    `parser:"@Ident \":\""`
	Type *TypeExpr `parser:"@@"`
}

// WakeDecl is a dormant-mode wake clause.
//
//	WakeDecl = "wake" ( "on" Ident [ "when" LineExpr ] | "after" Duration ) .
type WakeDecl struct {
	Pos    Position
	EndPos Position

	Message string       `parser:"\"wake\" ( \"on\" @Ident"`
	When    *LineExpr    `parser:"  ( \"when\" @@ )?"`
	After   *DurationLit `parser:"| \"after\" @@ )"`
}

// TestDecl is a test block run by mor test.
//
//	TestDecl = "test" String Block .
type TestDecl struct {
	Pos    Position
	EndPos Position

	Name *StringLit `parser:"\"test\" @@"`
	Body *Block     `parser:"@@"`
}

// Block is a braced list of actions.
type Block struct {
	Pos    Position
	EndPos Position

	Stmts []*Stmt `parser:"\"{\" ( @@ \";\"? )* \"}\""`
}

// Stmt is one action. Exactly one field is set.
type Stmt struct {
	If      *IfStmt      `parser:"  @@"`
	Enter   *EnterStmt   `parser:"| @@"`
	Inquire *InquireStmt `parser:"| @@"`
	Resume  *ResumeStmt  `parser:"| @@"`
	Sleep   *SleepStmt   `parser:"| @@"`
	Emit    *EmitStmt    `parser:"| @@"`
	Send    *SendStmt    `parser:"| @@"`
	Spawn   *SpawnStmt   `parser:"| @@"`
	After   *AfterStmt   `parser:"| @@"`
	Cancel  *CancelStmt  `parser:"| @@"`
	Append  *AppendStmt  `parser:"| @@"`
	Remove  *RemoveStmt  `parser:"| @@"`
	Advance *AdvanceStmt `parser:"| @@"`
	Expect  *ExpectStmt  `parser:"| @@"`
	Assign  *AssignStmt  `parser:"| @@"`
}

// IfStmt runs one of two blocks.
//
//	IfStmt = "if" CondExpr Block [ "else" ( IfStmt | Block ) ] .
type IfStmt struct {
	Pos    Position
	EndPos Position

	Cond   *CondExpr `parser:"\"if\" @@"`
	Then   *Block    `parser:"@@"`
	ElseIf *IfStmt   `parser:"( \"else\" ( @@"`
	Else   *Block    `parser:"         | @@ ) )?"`
}

// EnterStmt moves the object into a mode.
type EnterStmt struct {
	Pos    Position
	EndPos Position

	Mode   string     `parser:"\"enter\" @Ident"`
	Reason *StringLit `parser:"@@?"`
}

// InquireStmt opens a question and moves the object into inquiry.
type InquireStmt struct {
	Pos    Position
	EndPos Position

	Question *LineExpr `parser:"\"inquire\" @@"`
}

// ResumeStmt returns the object to the active mode.
type ResumeStmt struct {
	Pos    Position
	EndPos Position

	Keyword string `parser:"@\"resume\""`
}

// SleepStmt moves the object into the dormant mode.
type SleepStmt struct {
	Pos    Position
	EndPos Position

	Keyword string     `parser:"@\"sleep\""`
	Reason  *StringLit `parser:"@@?"`
}

// EmitStmt publishes an event to the VM's subscribers.
//
//	EmitStmt = "emit" Ident [ "{" [ FieldInit { "," FieldInit } ] "}" ] .
type EmitStmt struct {
	Pos    Position
	EndPos Position

	Name   string       `parser:"\"emit\" @Ident"`
	Fields []*FieldInit `parser:"( \"{\" ( @@ ( \",\" @@ )* \",\"? )? \"}\" )?"`
}

// FieldInit is "name: expr" inside emit and spawn.
type FieldInit struct {
	Pos    Position
	EndPos Position

	Name  string   `parser:"@Ident \":\""`
	Value *ArgExpr `parser:"@@"`
}

// Target names an object: T("id").
type Target struct {
	Pos    Position
	EndPos Position

	Type string   `parser:"@Ident \"(\""`
	ID   *ArgExpr `parser:"@@ \")\""`
}

// SendStmt sends a message to another object.
//
//	SendStmt = "send" Target "." Ident "(" [ Arg { "," Arg } ] ")" .
type SendStmt struct {
	Pos    Position
	EndPos Position

	To      *Target `parser:"\"send\" @@ \".\""`
	Message string  `parser:"@Ident \"(\""`
	Args    []*Arg  `parser:"( @@ ( \",\" @@ )* )? \")\""`
}

// Arg is a message argument, optionally named.
type Arg struct {
	Pos    Position
	EndPos Position

	Name  string   `parser:"( @Ident \":\" )?"`
	Value *ArgExpr `parser:"@@"`
}

// SpawnStmt creates an object.
//
//	SpawnStmt = "spawn" Target [ "{" [ FieldInit { "," FieldInit } ] "}" ] .
type SpawnStmt struct {
	Pos    Position
	EndPos Position

	Target *Target      `parser:"\"spawn\" @@"`
	Fields []*FieldInit `parser:"( \"{\" ( @@ ( \",\" @@ )* \",\"? )? \"}\" )?"`
}

// AfterStmt schedules a one-shot timer.
//
//	AfterStmt = "after" Duration [ "as" Ident ] Block .
type AfterStmt struct {
	Pos    Position
	EndPos Position

	Delay *DurationLit `parser:"\"after\" @@"`
	Name  string       `parser:"( \"as\" @Ident )?"`
	Body  *Block       `parser:"@@"`
}

// CancelStmt cancels a named timer.
type CancelStmt struct {
	Pos    Position
	EndPos Position

	Name string `parser:"\"cancel\" @Ident"`
}

// AppendStmt appends a value to a list field.
//
//	AppendStmt = "append" ValueExpr "to" Path .
type AppendStmt struct {
	Pos    Position
	EndPos Position

	Value  *ValueExpr `parser:"\"append\" @@ \"to\""`
	Target *Path      `parser:"@@"`
}

// RemoveStmt removes a list element or map key.
//
//	RemoveStmt = "remove" ValueExpr "from" Path .
type RemoveStmt struct {
	Pos    Position
	EndPos Position

	Value  *ValueExpr `parser:"\"remove\" @@ \"from\""`
	Target *Path      `parser:"@@"`
}

// AdvanceStmt moves the virtual clock forward inside a test block.
type AdvanceStmt struct {
	Pos    Position
	EndPos Position

	By *DurationLit `parser:"\"advance\" @@"`
}

// ExpectStmt asserts a condition inside a test block.
//
//	ExpectStmt = "expect" [ Target ] LineExpr .
type ExpectStmt struct {
	Pos    Position
	EndPos Position

	Object *Target   `parser:"\"expect\" ( @@ \":\" )?"`
	Cond   *LineExpr `parser:"@@"`
}

// AssignStmt writes a field.
//
//	AssignStmt = Path ( "=" | "+=" | "-=" ) LineExpr .
type AssignStmt struct {
	Pos    Position
	EndPos Position

	Target *Path     `parser:"@@"`
	Op     string    `parser:"@( \"=\" | \"+=\" | \"-=\" )"`
	Value  *LineExpr `parser:"@@"`
}

// Path is a field, optionally followed by record fields and indexes:
// rain, last.max, totals["SEA"].
type Path struct {
	Pos    Position
	EndPos Position

	Field string      `parser:"@Ident"`
	Steps []*PathStep `parser:"@@*"`
}

// PathStep is one ".field" or "[index]" step of a Path.
type PathStep struct {
	Pos    Position
	EndPos Position

	Field string   `parser:"  \".\" @Ident"`
	Index *ArgExpr `parser:"| \"[\" @@ \"]\""`
}

// StringLit is a quoted string literal.
type StringLit struct {
	Pos    Position
	EndPos Position

	Value string `parser:"@String"`
}

// Text returns the literal's value with quotes removed and escapes
// resolved.
func (s *StringLit) Text() string {
	if s == nil {
		return ""
	}
	if t, err := strconv.Unquote(s.Value); err == nil {
		return t
	}
	return s.Value[1 : len(s.Value)-1]
}

// IntLit is an integer literal.
type IntLit struct {
	Pos    Position
	EndPos Position

	Value string `parser:"@Int"`
}

// DurationLit is a duration literal such as 90s or 3d.
type DurationLit struct {
	Pos    Position
	EndPos Position

	Value string `parser:"@Duration"`
}

package compiler

import (
	"time"

	"github.com/expr-lang/expr/vm"
	"github.com/mor-lang/mor/grammar"
)

// Program is a compiled set of .mor files, ready for the VM.
type Program struct {
	Objects map[string]*Object
	Records map[string]*RecordType
	Tests   []*Test
	// Order lists object type names in declaration order.
	Order []string
}

// The built-in modes.
const (
	Active  = "active"
	Inquiry = "inquiry"
	Dormant = "dormant"
)

// Object is a compiled object type.
type Object struct {
	Name    string
	Version int
	Fields  []*Field
	// FieldIndex maps a field name to its slot in Fields.
	FieldIndex map[string]int
	Invariants []*Invariant
	Modes      map[string]*Mode
	Migrations map[string]*Migration
	// Timers holds the bodies of "after" actions, indexed by TimerID.
	Timers []*Timer
	// EnumValues maps every enum value name visible in expressions to
	// its string value.
	EnumValues map[string]string
	// Reads holds every name some expression of the object reads, so
	// the VM binds only those before evaluating.
	Reads map[string]bool
	Pos   grammar.Position
}

// Field is a typed memory field (or a record field) with its governance.
type Field struct {
	Name    string
	Type    *Type
	Slot    int
	Default *Expr // nil: the type's zero value
	Pos     grammar.Position

	Const       bool
	Range       *Range
	Where       []*Expr
	Monotonic   bool
	AppendOnly  bool
	MaxLen      int // 0: unbounded
	Transitions map[string]map[string]bool
	RateLimit   *RateLimit
	WrittenBy   string // "", "handlers" or "rules"

	decl *grammar.Field
}

// Range is an "in lo..hi" constraint with bounds of the field's kind.
type Range struct {
	Lo, Hi any
	Pos    grammar.Position
}

// RateLimit is "at most N changes per D".
type RateLimit struct {
	N   int
	Per time.Duration
	Pos grammar.Position
}

// Invariant is an object-level condition checked before every commit.
type Invariant struct {
	Name string
	Cond *Expr
}

// Migration describes how a field stored by an earlier program version
// is carried into this one.
type Migration struct {
	Field string
	From  string // the stored field to read, when renamed
	Value *Expr  // computes the new value from "old"; nil copies it
	// Drop marks the stored field Field as no longer wanted.
	Drop bool
	Pos  grammar.Position
}

// Mode is one mode's behaviour: its cadence, rules, handlers and, for
// dormant, its wake clauses.
type Mode struct {
	Name string
	// Executing is false for inquiry and dormant.
	Executing bool
	Cycle     *Cycle
	Rules     []*Rule // sorted by priority, highest first, then declaration order
	// Guard evaluates every rule condition in one expression and yields
	// the 1-based index in Rules of the first that holds, or 0. A cycle
	// in which no rule fires then costs one evaluation.
	Guard     *Expr
	Handlers  map[string]*Handler
	WakeOn    []*Wake
	WakeAfter time.Duration // 0: none
	Pos       grammar.Position
}

// CatchUp is the policy for cycle ticks missed while the clock jumped
// past them or the process was down.
type CatchUp string

// Catch-up policies.
const (
	CatchUpOnce CatchUp = "once"
	CatchUpAll  CatchUp = "all"
	CatchUpSkip CatchUp = "skip"
)

// Cycle is a mode's cadence.
type Cycle struct {
	Every   time.Duration
	CatchUp CatchUp
	Pos     grammar.Position
}

// Rule is one rule of a mode.
type Rule struct {
	Name     string
	Priority int
	When     *Expr
	Body     []Action
	Pos      grammar.Position
}

// Handler handles one message name.
type Handler struct {
	Message string
	Params  []*Field
	Body    []Action
	// Mode is the mode block the handler was declared in; "" for the
	// object level.
	Mode string
	Pos  grammar.Position
}

// Wake is a dormant-mode "wake on MSG [when EXPR]" clause.
type Wake struct {
	Message string
	When    *Expr // nil: every such message wakes
	Pos     grammar.Position
}

// Timer is the body of an "after D { ... }" action.
type Timer struct {
	ID    int
	Name  string // "" for an anonymous timer
	Delay time.Duration
	Body  []Action
	// Mode is the mode whose code set the timer. Leaving that mode
	// cancels it.
	Mode string
	// Params are the parameters of the handler that sets the timer; the
	// body reads the values they had when the timer was set.
	Params []*Field
	Pos    grammar.Position
}

// Test is a "test" block run by mor test.
type Test struct {
	Name string
	Body []Action
	Pos  grammar.Position
}

// Expr is one compiled expression.
type Expr struct {
	Source  string
	Pos     grammar.Position
	Program *vm.Program
	// Type is the static result type, or nil when expr-lang cannot tell.
	Type *Type
	// Const holds the value of an expression without free names.
	Const    any
	HasConst bool
}

package compiler

import "github.com/mor-lang/mor/grammar"

// Action is one compiled action. The concrete types below are the
// complete set; the VM switches over them.
type Action interface {
	Position() grammar.Position
}

// Assign writes a field, or part of one through a path.
type Assign struct {
	Target *Path
	Op     string // "=", "+=" or "-="
	Value  *Expr
	Pos    grammar.Position
}

// Path is a field followed by record-field and index steps.
type Path struct {
	Field *Field
	Steps []PathStep
	// Type is the type of the location the path names.
	Type *Type
	Pos  grammar.Position
}

// PathStep is one ".name" (Name set) or "[index]" (Index set) step.
type PathStep struct {
	Name  string
	Index *Expr
	// Type is the type of the container the step reads from.
	Type *Type
}

// If runs Then when Cond holds and Else otherwise.
type If struct {
	Cond *Expr
	Then []Action
	Else []Action
	Pos  grammar.Position
}

// Enter moves the object into a mode. It ends the step's actions.
type Enter struct {
	Mode   string
	Reason string
	Pos    grammar.Position
}

// Inquire opens a question and moves the object into inquiry.
type Inquire struct {
	Question *Expr
	Pos      grammar.Position
}

// Emit publishes an event.
type Emit struct {
	Name   string
	Fields []NamedExpr
	Pos    grammar.Position
}

// NamedExpr is "name: expr".
type NamedExpr struct {
	Name  string
	Value *Expr
}

// Send sends a message to an object.
type Send struct {
	Type    string
	ID      *Expr
	Message string
	// Args are in the order of the handler's parameters.
	Args []*Expr
	Pos  grammar.Position
}

// Spawn creates an object.
type Spawn struct {
	Type   string
	ID     *Expr
	Fields []NamedExpr
	Pos    grammar.Position
}

// After sets a one-shot timer.
type After struct {
	Timer *Timer
	Pos   grammar.Position
}

// Cancel cancels a named timer.
type Cancel struct {
	Name string
	Pos  grammar.Position
}

// Append appends Value to the list at Target.
type Append struct {
	Target *Path
	Value  *Expr
	Pos    grammar.Position
}

// Remove removes the first element equal to Value from a list, or the
// key Value from a map.
type Remove struct {
	Target *Path
	Value  *Expr
	Pos    grammar.Position
}

// Advance moves the virtual clock inside a test.
type Advance struct {
	By  int64 // nanoseconds
	Pos grammar.Position
}

// Expect asserts a condition inside a test, on one object's memory.
type Expect struct {
	ObjectType string
	ID         *Expr
	Cond       *Expr
	Pos        grammar.Position
}

func (a *Assign) Position() grammar.Position  { return a.Pos }
func (a *If) Position() grammar.Position      { return a.Pos }
func (a *Enter) Position() grammar.Position   { return a.Pos }
func (a *Inquire) Position() grammar.Position { return a.Pos }
func (a *Emit) Position() grammar.Position    { return a.Pos }
func (a *Send) Position() grammar.Position    { return a.Pos }
func (a *Spawn) Position() grammar.Position   { return a.Pos }
func (a *After) Position() grammar.Position   { return a.Pos }
func (a *Cancel) Position() grammar.Position  { return a.Pos }
func (a *Append) Position() grammar.Position  { return a.Pos }
func (a *Remove) Position() grammar.Position  { return a.Pos }
func (a *Advance) Position() grammar.Position { return a.Pos }
func (a *Expect) Position() grammar.Position  { return a.Pos }

// Package compiler turns parsed .mor files into a Program that the VM
// runs.
//
// It resolves names (object types, record types, fields, modes,
// messages), type-checks fields, defaults, constraints, parameters,
// conditions and actions, and compiles every expression exactly once with
// expr-lang against a typed environment, so an unknown name or a type
// mismatch is a compile error with a .mor position rather than a run-time
// failure. All errors are collected, sorted and returned as a
// grammar.ErrorList.
//
// The compiler depends on grammar and stdlib; it does not import the VM.
package compiler

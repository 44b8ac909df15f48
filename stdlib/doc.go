// Package stdlib provides the functions that .mor expressions may call
// beyond expr-lang's own builtins.
//
// Pure functions (clamp, ewma, and the time helpers) are registered with
// expr-lang through Options. Functions that read the VM (now, since and
// the lineage queries previous, changes, age, history and rejections) are
// rewritten by the compiler into calls on a Context value that the VM
// binds to the object being stepped; this package defines that Context
// and the Lineage interface the VM implements.
//
// Each function's documentation is also the user-facing reference: see
// Docs, which the specification and "mor help functions" print.
package stdlib

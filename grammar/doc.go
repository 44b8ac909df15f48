// Package grammar parses .mor source into an abstract syntax tree.
//
// The structure of a file (objects, memory blocks, rules, handlers, modes
// and actions) is a participle grammar declared on the AST types in
// ast.go. Expressions are not parsed here: each one is captured with its
// exact source span and handed to the compiler, which compiles it with
// expr-lang. Every node records its start and end position, and parse
// errors carry a file:line:col position (see Error and ErrorList).
//
// The compiler package consumes the AST; nothing in this package depends
// on the compiler or the VM.
package grammar

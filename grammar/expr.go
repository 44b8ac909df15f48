package grammar

import (
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Expr is an expression captured as source text. The grammar does not
// parse expressions; the compiler compiles Source with expr-lang and maps
// positions in it back to the file through Pos.
type Expr struct {
	Pos    Position
	EndPos Position

	// Source is the exact text of the expression. Comments inside it are
	// replaced by spaces, so offsets within Source match the file.
	Source string
}

// CondExpr is an expression that ends at a "{" outside brackets, as in
// "rule r when x > 1 {". It may span lines.
type CondExpr struct{ Expr }

// LineExpr is an expression that ends at the end of its line or at a "}"
// or ";" outside brackets. A line that ends in an operator, or a next line
// that starts with one, continues the expression.
type LineExpr struct{ Expr }

// ArgExpr is an expression that ends at a "," or a closing bracket
// outside brackets: an argument or a field initialiser.
type ArgExpr struct{ Expr }

// ValueExpr is the value of append and remove, ending at "to" or "from".
type ValueExpr struct{ Expr }

// DefaultExpr is a field default or where condition. It ends where a
// line expression ends, or at a constraint keyword.
type DefaultExpr struct{ Expr }

// BoundExpr is one bound of "in lo..hi".
type BoundExpr struct{ Expr }

// constraintKeywords start a field constraint and so end a default.
var constraintKeywords = map[string]bool{
	"const": true, "in": true, "where": true, "monotonic": true, "append": true,
	"max": true, "transitions": true, "at": true, "written": true,
}

type stopRule struct {
	atBrace bool // an opening brace at depth 0 ends the expression
	// braceFirst lets an expression start with a brace, a map literal.
	braceFirst  bool
	atNewline   bool
	atComma     bool
	atRange     bool
	keywords    map[string]bool
	description string
}

var (
	condStop    = stopRule{atBrace: true, description: "condition"}
	lineStop    = stopRule{atBrace: true, braceFirst: true, atNewline: true, description: "expression"}
	argStop     = stopRule{atComma: true, description: "expression"}
	valueStop   = stopRule{atNewline: true, keywords: map[string]bool{"to": true, "from": true}, description: "value"}
	defaultStop = stopRule{atNewline: true, atBrace: true, braceFirst: true, keywords: constraintKeywords,
		description: "expression"}
	boundStop = stopRule{atNewline: true, atRange: true, keywords: constraintKeywords, description: "bound"}
)

func (e *CondExpr) Parse(lex *lexer.PeekingLexer) error    { return e.scan(lex, condStop) }
func (e *LineExpr) Parse(lex *lexer.PeekingLexer) error    { return e.scan(lex, lineStop) }
func (e *ArgExpr) Parse(lex *lexer.PeekingLexer) error     { return e.scan(lex, argStop) }
func (e *ValueExpr) Parse(lex *lexer.PeekingLexer) error   { return e.scan(lex, valueStop) }
func (e *DefaultExpr) Parse(lex *lexer.PeekingLexer) error { return e.scan(lex, defaultStop) }
func (e *BoundExpr) Parse(lex *lexer.PeekingLexer) error   { return e.scan(lex, boundStop) }

// scan consumes tokens up to the first token that ends the expression
// under rule, tracking bracket depth so that commas, braces and line
// breaks inside brackets never end it.
func (e *Expr) scan(lex *lexer.PeekingLexer, rule stopRule) error {
	var tokens []*lexer.Token
	depth := 0
	for {
		tok := lex.Peek()
		if depth == 0 && rule.keywords[tok.Value] && len(tokens) > 0 && continuesExpr(lex, tok.Value) {
			// "max(a, b)" is a call, not the "max N" constraint, and
			// "value in [1, 2]" a membership test, not "in lo..hi".
			tokens = append(tokens, lex.Next())
			continue
		}
		if tok.EOF() || endsExpr(tok, tokens, depth, rule) {
			break
		}
		switch tok.Value {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		}
		tokens = append(tokens, lex.Next())
	}
	if len(tokens) == 0 {
		tok := lex.Peek()
		if tok.EOF() {
			return &participle.UnexpectedTokenError{Unexpected: *tok, Expect: rule.description}
		}
		return participle.Errorf(tok.Pos, "expected %s, found %q", rule.description, tok.Value)
	}
	e.fill(tokens)
	return nil
}

func endsExpr(tok *lexer.Token, prev []*lexer.Token, depth int, rule stopRule) bool {
	if depth > 0 {
		return false
	}
	switch tok.Value {
	case ")", "]", "}", ";":
		return true
	case ",":
		return rule.atComma
	case "..":
		return rule.atRange
	case "{":
		if len(prev) == 0 {
			return rule.atBrace && !rule.braceFirst
		}
		return rule.atBrace && !isOperator(prev[len(prev)-1])
	}
	if len(prev) == 0 {
		return false
	}
	last := prev[len(prev)-1]
	if rule.keywords[tok.Value] && tok.Type == identType && !isOperator(last) &&
		last.Value != "." && last.Value != "?." {
		return true
	}
	if rule.atNewline && tok.Pos.Line > endLine(last) {
		return !isOperator(last) && !continuesLine(tok)
	}
	return false
}

var identType = morLexer.Symbols()["Ident"]
var punctType = morLexer.Symbols()["Punct"]

// isOperator reports whether tok cannot end an expression, so the
// expression continues on the next line.
func isOperator(tok *lexer.Token) bool {
	if tok.Type == punctType {
		switch tok.Value {
		case ")", "]", "}":
			return false
		}
		return true
	}
	switch tok.Value {
	case "and", "or", "not", "in", "matches", "contains":
		return tok.Type == identType
	}
	return false
}

// continuesLine reports whether tok at the start of a line continues the
// expression on the line before it: a binary operator or a member access.
func continuesLine(tok *lexer.Token) bool {
	if tok.Type != punctType {
		return tok.Type == identType && (tok.Value == "and" || tok.Value == "or")
	}
	switch tok.Value {
	case "(", "[", "{", "!", ")", "]", "}":
		return false
	}
	return true
}

// continuesExpr reports whether the keyword at the lexer is part of the
// expression: a call such as max(a, b), or "in" followed by something
// other than a range bound.
func continuesExpr(lex *lexer.PeekingLexer, keyword string) bool {
	checkpoint := lex.MakeCheckpoint()
	defer lex.LoadCheckpoint(checkpoint)
	lex.Next()
	next := lex.Peek()
	if keyword == "max" {
		return next.Value == "("
	}
	if keyword != "in" {
		return false
	}
	syms := morLexer.Symbols()
	switch next.Type {
	case syms["Int"], syms["Float"], syms["Duration"]:
		return false
	}
	return next.Value != "-"
}

func endLine(tok *lexer.Token) int {
	return tok.Pos.Line + strings.Count(tok.Value, "\n")
}

// fill sets the span and source text from tokens, padding the gaps
// between tokens so that line and column offsets match the file.
func (e *Expr) fill(tokens []*lexer.Token) {
	first, last := tokens[0], tokens[len(tokens)-1]
	e.Pos = first.Pos
	e.EndPos = last.Pos
	e.EndPos.Advance(last.Value)

	var b strings.Builder
	line, col := first.Pos.Line, first.Pos.Column
	for _, tok := range tokens {
		for line < tok.Pos.Line {
			b.WriteByte('\n')
			line, col = line+1, 1
		}
		for col < tok.Pos.Column {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(tok.Value)
		end := tok.Pos
		end.Advance(tok.Value)
		line, col = end.Line, end.Column
	}
	e.Source = b.String()
}

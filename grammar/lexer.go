package grammar

import (
	"github.com/alecthomas/participle/v2/lexer"
)

// Position is a place in a source file. Line and Column are 1-based and
// Column counts characters, not bytes.
type Position = lexer.Position

// morLexer splits .mor source into tokens. Whitespace, including line
// breaks, and comments are elided; expression parsing recovers line
// breaks from token positions (see exprScanner).
var morLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `//[^\n]*|/\*([^*]|\*[^/])*\*/`},
	{Name: "Whitespace", Pattern: `[ \t\r\n]+`},
	{Name: "Duration", Pattern: `(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+\b`},
	{Name: "Float", Pattern: `\d+\.\d+([eE][-+]?\d+)?\b|\d+[eE][-+]?\d+\b`},
	{Name: "Int", Pattern: `\d+\b`},
	{Name: "String", Pattern: `"(\\.|[^"\\\n])*"|'(\\.|[^'\\\n])*'|` + "`[^`]*`"},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_]*`},
	{Name: "Punct", Pattern: `->|\.\.|==|!=|<=|>=|&&|\|\||\+=|-=|\?\?|\?\.|\*\*|` +
		`[-+*/%<>=!?:.,;(){}\[\]|^~#@$]`},
})

package grammar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

var parser = participle.MustBuild[File](
	participle.Lexer(morLexer),
	participle.Elide("Comment", "Whitespace"),
	participle.UseLookahead(4),
)

// MaxNesting is the deepest nesting of braces, brackets and parentheses
// a file may have. Deeper nesting is a parse error, so that neither the
// parser nor expr-lang can run out of stack.
const MaxNesting = 100

// ParseFile parses one .mor file. On failure the error is an ErrorList
// with one entry whose position is file:line:col.
func ParseFile(filename, src string) (*File, error) {
	// A UTF-8 byte order mark is not part of the source; editors on
	// some systems write one.
	src = strings.TrimPrefix(src, "\uFEFF")
	if err := checkNesting(filename, src); err != nil {
		return nil, ErrorList{err}
	}
	file, err := parser.ParseString(filename, src)
	if err == nil {
		return file, nil
	}
	return nil, ErrorList{convertError(filename, src, err)}
}

// clauseHint reports a clause whose next word is not what it needs: a
// rule without "when", or a cycle, timer or wake without a duration.
// The parser would report these at the next item instead.
func clauseHint(tokens []lexer.Token, i int) *Error {
	tok := tokens[i]
	if tok.Type != identType || i+1 >= len(tokens) {
		return nil
	}
	next := func(k int) lexer.Token {
		if i+k < len(tokens) {
			return tokens[i+k]
		}
		return lexer.Token{}
	}
	durationType := morLexer.Symbols()["Duration"]
	if i > 0 && tokens[i-1].Value == "}" && (next(1).Value == "{" || next(1).Value == "if") &&
		tok.Value != "else" && EditDistance(tok.Value, "else") <= 2 {
		return &Error{Pos: tok.Pos, Msg: fmt.Sprintf("unknown keyword %q after an if block "+
			"(did you mean \"else\"?)", tok.Value)}
	}
	switch tok.Value {
	case "rule":
		if n := next(2); next(1).Type == identType && n.Value != "when" && n.Value != "priority" {
			return &Error{Pos: n.Pos, Msg: fmt.Sprintf("rule %s needs \"when CONDITION\" before its "+
				"block, found %q", next(1).Value, n.Value)}
		}
	case "every", "after":
		if tok.Value == "every" && (i == 0 || tokens[i-1].Value != "cycle") {
			return nil
		}
		if n := next(1); n.Type != durationType {
			return &Error{Pos: n.Pos, Msg: fmt.Sprintf("%s needs a positive duration such as 10m or "+
				"1d, found %q", tok.Value, n.Value)}
		}
	}
	return nil
}

func lineOf(src string, offset int) string {
	start := strings.LastIndex(src[:offset], "\n") + 1
	return src[start:offset]
}

// checkNesting reports nesting deeper than MaxNesting. It also reports
// an unterminated comment, a missing condition after "when" or "if",
// and the clause mistakes clauseHint finds, which the parser would
// otherwise report far away, at the next item.
func checkNesting(filename, src string) *Error {
	if i := strings.LastIndex(src, "/*"); i >= 0 && !strings.Contains(src[i:], "*/") &&
		!strings.Contains(lineOf(src, i), "//") && strings.Count(lineOf(src, i), `"`)%2 == 0 {
		pos := Position{Filename: filename, Offset: i, Line: strings.Count(src[:i], "\n") + 1}
		pos.Column = utf8.RuneCountInString(src[strings.LastIndex(src[:i], "\n")+1:i]) + 1
		return &Error{Pos: pos, Msg: "unterminated comment: /* has no closing */"}
	}
	depth := 0
	tokens := lexTokens(filename, src)
	for i, tok := range tokens {
		if err := clauseHint(tokens, i); err != nil {
			return err
		}
		if (tok.Value == "when" || tok.Value == "if") && tok.Type == identType &&
			i+1 < len(tokens) && tokens[i+1].Value == "{" {
			return &Error{Pos: tokens[i+1].Pos, Msg: fmt.Sprintf("missing condition after %q; "+
				"write %s CONDITION { ... }", tok.Value, tok.Value)}
		}
		switch tok.Value {
		case "(", "[", "{":
			depth++
			if depth > MaxNesting {
				return &Error{Pos: tok.Pos, Msg: fmt.Sprintf("nesting is deeper than %d levels; "+
					"split the expression or block", MaxNesting)}
			}
		case ")", "]", "}":
			depth--
		}
	}
	return nil
}

// EBNF returns the grammar in EBNF form, for the specification.
func EBNF() string { return parser.String() }

func convertError(filename, src string, err error) *Error {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return &Error{Pos: Position{Filename: filename, Line: 1, Column: 1}, Msg: err.Error()}
	}
	pos := perr.Position()
	pos.Filename = filename
	msg := perr.Message()
	if i := strings.Index(msg, "invalid input text "); i >= 0 {
		text := msg[i+len("invalid input text "):]
		return &Error{Pos: pos, Msg: lexerMessage(text)}
	}
	if hint := keywordHint(src, pos); hint != nil {
		return hint
	}
	msg = strings.Replace(msg, `unexpected token "<EOF>"`, "unexpected end of file", 1)
	return &Error{Pos: pos, Msg: msg}
}

// lexerMessage explains text the lexer could not split into tokens.
func lexerMessage(quoted string) string {
	text, err := strconv.Unquote(quoted)
	if err != nil {
		text = quoted
	}
	text = strings.TrimSuffix(text, "...")
	switch {
	case strings.HasPrefix(text, `"`) || strings.HasPrefix(text, "'"):
		return "unterminated string literal; close it on the same line"
	case strings.HasPrefix(text, "`"):
		return "unterminated raw string literal; close it with a back quote"
	}
	r, _ := utf8.DecodeRuneInString(text)
	if r >= '0' && r <= '9' {
		return fmt.Sprintf("invalid number or duration starting %q; durations take the units "+
			"ns, us, ms, s, m, h, d and w", firstWord(text))
	}
	return fmt.Sprintf("invalid character %q; identifiers use ASCII letters, digits and _", r)
}

func firstWord(text string) string {
	if i := strings.IndexAny(text, " \t\r\n;,(){}[]"); i > 0 {
		return text[:i]
	}
	return text
}

// Keyword sets by context, used to explain an unexpected identifier.
var (
	topKeywords    = []string{"object", "type", "test"}
	objectKeywords = []string{"memory", "invariant", "cycle", "rule", "on", "inquiry",
		"dormant", "mode", "version", "migrate"}
	modeKeywords   = []string{"cycle", "rule", "on", "wake"}
	actionKeywords = []string{"if", "enter", "inquire", "resume", "sleep", "emit", "send",
		"spawn", "after", "cancel", "append", "remove", "advance", "expect"}
	fieldKeywords = []string{"const", "in", "where", "monotonic", "append", "max",
		"transitions", "at", "written"}
)

// keywordHint explains a parse error caused by a misspelled keyword: it
// finds the identifier at or just before the error, works out which
// keywords may appear in the enclosing block, and suggests the closest.
func keywordHint(src string, pos Position) *Error {
	tokens := lexTokens(pos.Filename, src)
	at := tokenIndex(tokens, pos.Offset)
	if at < 0 {
		return nil
	}
	context, keywords := enclosingBlock(tokens[:at])
	if keywords == nil {
		return nil
	}
	if context == "memory" && at > 0 && tokens[at-1].Type == identType && tokens[at].Type == identType &&
		(at == 1 || tokens[at-2].Pos.Line < tokens[at-1].Pos.Line || tokens[at-2].Value == "{") {
		return &Error{Pos: tokens[at].Pos, Msg: fmt.Sprintf("missing \":\" between field %q and "+
			"its type %q", tokens[at-1].Value, tokens[at].Value)}
	}
	for _, i := range []int{at, at - 1} {
		if i < 0 || tokens[i].Type != identType || isKeyword(tokens[i].Value, keywords) {
			continue
		}
		if i == at-1 && context == "memory" {
			continue // a field name before the error, not a misspelling
		}
		tok := tokens[i]
		guess := closest(tok.Value, keywords)
		if guess == "" && i != at {
			continue
		}
		msg := fmt.Sprintf("unexpected %q in %s; expected one of %s",
			tok.Value, context, strings.Join(keywords, ", "))
		if context == "action block" {
			msg += ", or a field assignment"
		}
		if guess != "" {
			msg = fmt.Sprintf("unknown keyword %q in %s (did you mean %q?); expected one of %s",
				tok.Value, context, guess, strings.Join(keywords, ", "))
		}
		return &Error{Pos: tok.Pos, Msg: msg}
	}
	return nil
}

func lexTokens(filename, src string) []lexer.Token {
	lex, err := morLexer.LexString(filename, src)
	if err != nil {
		return nil
	}
	var out []lexer.Token
	for {
		tok, err := lex.Next()
		if err != nil || tok.EOF() {
			return out
		}
		if tok.Type == identType || tok.Type == punctType || !isElided(tok) {
			out = append(out, tok)
		}
	}
}

func isElided(tok lexer.Token) bool {
	syms := morLexer.Symbols()
	return tok.Type == syms["Comment"] || tok.Type == syms["Whitespace"]
}

func tokenIndex(tokens []lexer.Token, offset int) int {
	for i, tok := range tokens {
		if tok.Pos.Offset >= offset {
			return i
		}
	}
	return -1
}

// enclosingBlock names the innermost open block before the error and the
// keywords that may start an item in it.
func enclosingBlock(before []lexer.Token) (string, []string) {
	depth, parens := 0, 0
	for i := len(before) - 1; i >= 0; i-- {
		switch before[i].Value {
		case ")", "]":
			parens++
			continue
		case "(", "[":
			if parens == 0 {
				// The error is inside an open parameter list or
				// bracket, where keywords do not apply.
				return "parentheses", nil
			}
			parens--
			continue
		case "}":
			depth++
			continue
		case "{":
			if depth > 0 {
				depth--
				continue
			}
		default:
			continue
		}
		return blockContext(before[:i])
	}
	return "file", topKeywords
}

// blockHeaders are the keywords that start a block.
var blockHeaders = map[string]bool{"object": true, "memory": true, "inquiry": true, "dormant": true,
	"mode": true, "type": true, "rule": true, "on": true, "if": true, "else": true, "after": true,
	"test": true, "emit": true, "spawn": true}

// blockContext classifies the block whose "{" follows header, by the
// nearest keyword that starts a block.
func blockContext(header []lexer.Token) (string, []string) {
	parens := 0
	for i := len(header) - 1; i >= 0; i-- {
		tok := header[i]
		switch tok.Value {
		case ")", "]":
			parens++
			continue
		case "(", "[":
			parens--
			continue
		}
		if parens > 0 || tok.Type != identType || !blockHeaders[tok.Value] {
			continue
		}
		switch tok.Value {
		case "object":
			return "object body", objectKeywords
		case "inquiry", "dormant", "mode":
			return tok.Value + " block", modeKeywords
		case "memory", "type":
			return "memory", fieldKeywords
		case "emit", "spawn":
			return "field list", nil
		}
		return "action block", actionKeywords
	}
	return lineBlockContext(header)
}

func lineBlockContext(header []lexer.Token) (string, []string) {
	lineStart := len(header) - 1
	for lineStart > 0 && header[lineStart-1].Pos.Line == header[len(header)-1].Pos.Line {
		lineStart--
	}
	if lineStart < 0 {
		return "file", topKeywords
	}
	first := header[lineStart].Value
	if first == "}" && lineStart+1 < len(header) {
		first = header[lineStart+1].Value // "} else {"
	}
	switch first {
	case "object":
		return "object body", objectKeywords
	case "inquiry", "dormant", "mode":
		return first + " block", modeKeywords
	case "memory", "type":
		return "memory", fieldKeywords
	}
	return "action block", actionKeywords
}

func isKeyword(word string, keywords []string) bool {
	for _, k := range keywords {
		if k == word {
			return true
		}
	}
	return false
}

// closest returns the keyword within two edits of word, or "".
func closest(word string, keywords []string) string {
	best, bestDist := "", 3
	for _, k := range keywords {
		if d := EditDistance(word, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// EditDistance returns the Levenshtein distance between a and b, in
// bytes; the compiler uses it for "did you mean" suggestions too.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

package compiler

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/file"
	"github.com/mor-lang/mor/grammar"
	"github.com/mor-lang/mor/stdlib"
)

// Names every expression environment has besides fields and parameters.
const (
	NowName  = "now"
	ModeName = "mode"
	SelfName = "self"
	IDName   = "id"
)

// MaxExprNodes bounds the size of one expression; a larger one is a
// compile error rather than a slow step.
const MaxExprNodes = 2000

// scope is the set of names an expression may use.
type scope struct {
	object *Object
	params []*Field
	// extra holds further names and sample values, such as "value" in a
	// record-field where clause.
	extra map[string]any
	// noFields hides the object's fields, as in spawn-time defaults of
	// other objects.
	noFields bool
}

// env returns the typed sample environment that expr-lang checks
// against.
func (s *scope) env() map[string]any {
	env := map[string]any{
		stdlib.ContextName: &stdlib.Context{},
		NowName:            time.Time{},
		ModeName:           "",
		SelfName:           "",
		IDName:             "",
		durationFunc:       durationLiteral,
	}
	if s.object != nil {
		for name, v := range s.object.EnumValues {
			env[name] = v
		}
		if !s.noFields {
			for _, f := range s.object.Fields {
				env[f.Name] = f.Type.sample()
			}
		}
	}
	for _, p := range s.params {
		env[p.Name] = p.Type.sample()
	}
	for k, v := range s.extra {
		env[k] = v
	}
	return env
}

// hasField reports whether name is a field visible in the scope.
func (s *scope) hasField(name string) bool {
	if s.object == nil || s.noFields {
		return false
	}
	_, ok := s.object.FieldIndex[name]
	return ok
}

// compileExpr compiles e once against the scope. want, when not nil, is
// the type the result must have; asBool requests a condition.
func (c *compiler) compileExpr(e *grammar.Expr, sc *scope, want *Type, asBool bool) *Expr {
	src, shifts, err := rewriteDurations(e.Source)
	if err != nil {
		var de *durationError
		errors.As(err, &de)
		c.errorf(offsetPos(e.Source, e.Pos, de.offset), "%s", de.msg)
		return nil
	}
	p := &lineagePatcher{scope: sc}
	opts := []expr.Option{
		expr.Env(sc.env()),
		expr.Patch(p),
		expr.ConstExpr(durationFunc),
		expr.MaxNodes(MaxExprNodes),
		expr.DisableBuiltin("now"),
	}
	opts = append(opts, stdlib.Options()...)
	opts = append(opts, checkedIntOptions()...)
	opts = append(opts, checkedDurationOptions()...)
	if asBool {
		opts = append(opts, expr.AsBool())
	}
	program, err := expr.Compile(src, opts...)
	if p.err != "" {
		c.errorf(offsetPos(e.Source, e.Pos, unshift(shifts, p.errOffset)), "%s", p.err)
		return nil
	}
	if err != nil {
		c.exprError(e, sc, shifts, err)
		return nil
	}
	out := &Expr{Source: e.Source, Pos: e.Pos, Program: program}
	if sc.object != nil {
		recordReads(sc.object, program.Node())
	}
	out.Type = typeOf(program.Node().Type())
	if want != nil && !asBool {
		c.checkAssignable(e, out, want)
	}
	c.foldConstant(out, sc)
	return out
}

// exprError maps an expr-lang compile error back to the .mor file.
func (c *compiler) exprError(e *grammar.Expr, sc *scope, shifts []shift, err error) {
	var fe *file.Error
	if !errors.As(err, &fe) {
		c.errorf(e.Pos, "%v", err)
		return
	}
	msg := fe.Message
	msg = strings.ReplaceAll(msg, durationFunc+"(", "duration(")
	msg = strings.ReplaceAll(msg, stdlib.ContextName+".", "")
	msg = improveMessage(msg)
	if word := unexpectedIdent(fe.Message); word != "" {
		// A misspelled constraint after a default reads as part of it.
		if hint := suggest(word, constraintWords); hint != "" {
			msg += hint + "; a constraint after a default must be spelled exactly"
		}
	}
	if name, ok := strings.CutPrefix(fe.Message, "unknown name "); ok {
		var names []string
		for k := range sc.env() {
			if !strings.HasPrefix(k, "__") {
				names = append(names, k)
			}
		}
		msg += suggest(name, names)
	}
	offset := unshift(shifts, fe.From)
	c.errorf(offsetPos(e.Source, e.Pos, offset), "%s", msg)
}

// constraintWords are the words that start a field constraint.
var constraintWords = []string{"const", "in", "where", "monotonic", "append", "max", "transitions",
	"at", "written"}

// unexpectedIdent returns X from expr-lang's `unexpected token
// Identifier("X")`, or "".
func unexpectedIdent(msg string) string {
	const prefix = `unexpected token Identifier("`
	i := strings.Index(msg, prefix)
	if i < 0 {
		return ""
	}
	rest := msg[i+len(prefix):]
	word, _, ok := strings.Cut(rest, `")`)
	if !ok {
		return ""
	}
	return word
}

// improveMessage rewords expr-lang messages that name Go types.
func improveMessage(msg string) string {
	replacer := strings.NewReplacer(
		"time.Duration", "duration", "time.Time", "time", "float64", "float",
		"[]interface {}", "list", "map[string]interface {}", "map", "interface {}", "any")
	msg = replacer.Replace(msg)
	if strings.HasPrefix(msg, "unknown name ") {
		msg += " (not a field, parameter, enum value or built-in name in this scope)"
	}
	return msg
}

// PositionAt returns the file position of a run-time error's rune
// offset within e's source.
func (e *Expr) PositionAt(offset int) grammar.Position {
	return offsetPos(e.Source, e.Pos, offset)
}

// offsetPos converts a rune offset in source, which starts at start,
// into a file position.
func offsetPos(source string, start grammar.Position, offset int) grammar.Position {
	pos := start
	i := 0
	for _, r := range source {
		if i >= offset {
			break
		}
		pos.Offset += utf8.RuneLen(r)
		if r == '\n' {
			pos.Line++
			pos.Column = 1
		} else {
			pos.Column++
		}
		i++
	}
	return pos
}

// typeOf maps the Go type expr-lang infers to a mor type, or nil.
func typeOf(t reflect.Type) *Type {
	if t == nil {
		return nil
	}
	switch t {
	case reflect.TypeOf(time.Time{}):
		return &Type{Kind: Time}
	case reflect.TypeOf(time.Duration(0)):
		return &Type{Kind: Duration}
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return &Type{Kind: Int}
	case reflect.Float64, reflect.Float32:
		return &Type{Kind: Float}
	case reflect.Bool:
		return &Type{Kind: Bool}
	case reflect.String:
		return &Type{Kind: String}
	case reflect.Slice:
		return &Type{Kind: List, Elem: &Type{Kind: Invalid}}
	case reflect.Map:
		return &Type{Kind: Map, Elem: &Type{Kind: Invalid}}
	}
	return nil
}

// checkAssignable reports a value whose static type cannot be stored in
// a location of type want.
func (c *compiler) checkAssignable(e *grammar.Expr, got *Expr, want *Type) {
	if got.Type == nil {
		return // checked at run time
	}
	if !assignable(got.Type, want) {
		c.errorf(e.Pos, "cannot use %s (type %s) as %s", quoteSource(e.Source), got.Type, want)
	}
}

func assignable(got, want *Type) bool {
	switch want.Kind {
	case Float:
		return got.Kind == Float || got.Kind == Int
	case Enum:
		return got.Kind == String
	case Record:
		return got.Kind == Map
	case List, Map:
		return got.Kind == want.Kind
	}
	return got.Kind == want.Kind
}

// quoteSource shows a piece of source in a message as written, short
// and on one line, so that string literals keep their own quotes.
func quoteSource(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

// foldConstant evaluates an expression that names nothing from the
// environment, such as a range bound or a default.
func (c *compiler) foldConstant(out *Expr, sc *scope) {
	if !isConstant(out.Program.Node()) {
		return
	}
	v, err := expr.Run(out.Program, sc.env())
	if err != nil {
		return // reported when the step runs
	}
	out.Const, out.HasConst = v, true
}

// recordReads adds the names an expression reads to obj.Reads.
func recordReads(obj *Object, node ast.Node) {
	if obj.Reads == nil {
		obj.Reads = map[string]bool{}
	}
	ast.Walk(&node, visitorFunc(func(n *ast.Node) {
		if id, ok := (*n).(*ast.IdentifierNode); ok {
			obj.Reads[id.Value] = true
		}
	}))
}

func isConstant(node ast.Node) bool {
	constant := true
	ast.Walk(&node, visitorFunc(func(n *ast.Node) {
		switch x := (*n).(type) {
		case *ast.CallNode:
			// The checked arithmetic calls are pure; their callee
			// identifier is not a name from the environment.
			if id, ok := x.Callee.(*ast.IdentifierNode); !ok || !pureFuncs[id.Value] {
				constant = false
			}
		case *ast.IdentifierNode:
			if !pureFuncs[x.Value] {
				constant = false
			}
		case *ast.MemberNode, *ast.PointerNode, *ast.VariableDeclaratorNode:
			constant = false
		}
	}))
	return constant
}

var pureFuncs = map[string]bool{intAddFunc: true, intSubFunc: true, intMulFunc: true, floatToIntFunc: true,
	intNegFunc: true, "__duration_add": true, "__duration_sub": true, durationFunc: true}

type visitorFunc func(*ast.Node)

func (f visitorFunc) Visit(n *ast.Node) { f(n) }

// lineagePatcher rewrites calls that need the VM: since(t) becomes
// now - t, and the lineage queries become method calls on the step
// Context with the field name as a string.
type lineagePatcher struct {
	scope     *scope
	err       string
	errOffset int
}

func (p *lineagePatcher) Visit(node *ast.Node) {
	if patchIntArithmetic(node) {
		return
	}
	call, ok := (*node).(*ast.CallNode)
	if !ok {
		return
	}
	callee, ok := call.Callee.(*ast.IdentifierNode)
	if !ok {
		return
	}
	switch name := callee.Value; {
	case name == "since" && len(call.Arguments) == 1:
		ast.Patch(node, &ast.BinaryNode{Operator: "-",
			Left: &ast.IdentifierNode{Value: NowName}, Right: call.Arguments[0]})
	case name == "rejections":
		ast.Patch(node, contextCall("Rejections", call.Arguments))
	case stdlib.LineageFuncs[name] != "":
		p.patchLineage(node, call, name)
	case p.shadowsBuiltin(name):
		// A field or parameter named like a builtin (min, max) keeps the
		// builtin callable: min(a, b) still calls the function.
		ast.Patch(node, &ast.BuiltinNode{Name: name, Arguments: call.Arguments})
	}
}

func (p *lineagePatcher) shadowsBuiltin(name string) bool {
	if _, ok := builtin.Index[name]; !ok {
		return false
	}
	if p.scope.hasField(name) {
		return true
	}
	for _, param := range p.scope.params {
		if param.Name == name {
			return true
		}
	}
	return false
}

func (p *lineagePatcher) patchLineage(node *ast.Node, call *ast.CallNode, name string) {
	if len(call.Arguments) == 0 {
		p.fail(call, fmt.Sprintf("%s needs a field name as its first argument", name))
		return
	}
	ident, ok := call.Arguments[0].(*ast.IdentifierNode)
	if !ok || !p.scope.hasField(ident.Value) {
		p.fail(call.Arguments[0], fmt.Sprintf("the first argument of %s must be a memory "+
			"field of this object, as in %s(temperature)", name, name))
		return
	}
	args := append([]ast.Node{&ast.StringNode{Value: ident.Value}}, call.Arguments[1:]...)
	ast.Patch(node, contextCall(stdlib.LineageFuncs[name], args))
}

func (p *lineagePatcher) fail(node ast.Node, msg string) {
	if p.err == "" {
		p.err, p.errOffset = msg, node.Location().From
	}
}

func contextCall(method string, args []ast.Node) ast.Node {
	return &ast.CallNode{
		Callee: &ast.MemberNode{
			Node:     &ast.IdentifierNode{Value: stdlib.ContextName},
			Property: &ast.StringNode{Value: method},
			Method:   true,
		},
		Arguments: args,
	}
}

// Checked integer arithmetic: expr-lang wraps on int overflow, so +, -
// and * on two ints, and unary minus on an int, are rewritten into calls
// that fail instead. The step that evaluates them is then rejected.
const (
	intAddFunc = "__int_add"
	intSubFunc = "__int_sub"
	intMulFunc = "__int_mul"
	intNegFunc = "__int_neg"
	// floatToIntFunc replaces int() of a float, which Go would turn into
	// an arbitrary value when out of range.
	floatToIntFunc = "__float_to_int"
)

var intOps = map[string]string{"+": intAddFunc, "-": intSubFunc, "*": intMulFunc}

func patchIntArithmetic(node *ast.Node) bool {
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		fn, ok := intOps[n.Operator]
		if ok && n.Operator != "*" && isDurationNode(n.Left) && isDurationNode(n.Right) {
			call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: durationOps[n.Operator]},
				Arguments: []ast.Node{n.Left, n.Right}}
			call.SetType(durationType)
			ast.Patch(node, call)
			return true
		}
		if !ok || !isIntNode(n.Left) || !isIntNode(n.Right) {
			return false
		}
		call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: fn},
			Arguments: []ast.Node{n.Left, n.Right}}
		call.SetType(intType) // so that an enclosing operation is checked too
		ast.Patch(node, call)
		return true
	case *ast.BuiltinNode:
		if n.Name != "int" || len(n.Arguments) != 1 || n.Arguments[0].Type() == nil ||
			n.Arguments[0].Type().Kind() != reflect.Float64 {
			return false
		}
		call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: floatToIntFunc},
			Arguments: n.Arguments}
		call.SetType(intType)
		ast.Patch(node, call)
		return true
	case *ast.UnaryNode:
		if n.Operator != "-" || !isIntNode(n.Node) {
			return false
		}
		if _, literal := n.Node.(*ast.IntegerNode); literal {
			return false
		}
		call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: intNegFunc},
			Arguments: []ast.Node{n.Node}}
		call.SetType(intType)
		ast.Patch(node, call)
		return true
	}
	return false
}

var (
	intType      = reflect.TypeOf(0)
	durationType = reflect.TypeOf(time.Duration(0))
)

var durationOps = map[string]string{"+": "__duration_add", "-": "__duration_sub"}

func isDurationNode(n ast.Node) bool {
	return n.Type() == durationType
}

func checkedDurationOptions() []expr.Option {
	sig := new(func(time.Duration, time.Duration) time.Duration)
	op := func(sign int64) func(params ...any) (any, error) {
		return func(params ...any) (any, error) {
			a, b := int64(params[0].(time.Duration)), sign*int64(params[1].(time.Duration))
			c := a + b
			if (c > a) != (b > 0) && b != 0 {
				return nil, fmt.Errorf("duration overflow: the result is beyond about 292 years")
			}
			return time.Duration(c), nil
		}
	}
	return []expr.Option{
		expr.Function("__duration_add", op(1), sig),
		expr.Function("__duration_sub", op(-1), sig),
	}
}

func isIntNode(n ast.Node) bool {
	t := n.Type()
	return t != nil && t.Kind() == reflect.Int
}

func checkedIntOptions() []expr.Option {
	sig := new(func(int, int) int)
	return []expr.Option{
		expr.Function(intAddFunc, checkedInt(func(a, b int) (int, bool) {
			c := a + b
			return c, (c > a) == (b > 0)
		}), sig),
		expr.Function(intSubFunc, checkedInt(func(a, b int) (int, bool) {
			c := a - b
			return c, (c < a) == (b > 0)
		}), sig),
		expr.Function(intMulFunc, checkedInt(func(a, b int) (int, bool) {
			if a == 0 || b == 0 {
				return 0, true
			}
			c := a * b
			return c, c/b == a && !(a == -1 && b == math.MinInt) && !(b == -1 && a == math.MinInt)
		}), sig),
		expr.Function(floatToIntFunc, func(params ...any) (any, error) {
			f := params[0].(float64)
			if math.IsNaN(f) || f >= 1<<63 || f < -(1<<63) {
				return nil, fmt.Errorf("int(%v) is out of the int range", f)
			}
			return int(f), nil
		}, new(func(float64) int)),
		expr.Function(intNegFunc, func(params ...any) (any, error) {
			a := params[0].(int)
			if a == math.MinInt {
				return nil, fmt.Errorf("integer overflow: -(%d)", a)
			}
			return -a, nil
		}, new(func(int) int)),
	}
}

func checkedInt(op func(a, b int) (int, bool)) func(params ...any) (any, error) {
	return func(params ...any) (any, error) {
		a, b := params[0].(int), params[1].(int)
		c, ok := op(a, b)
		if !ok && (b != 0 || a == math.MinInt) {
			return nil, fmt.Errorf("integer overflow computing with %d and %d", a, b)
		}
		return c, nil
	}
}

// durationFunc is the function duration literals are rewritten into;
// expr-lang folds each call into a constant at compile time.
const durationFunc = "__duration"

func durationLiteral(nanoseconds int) time.Duration {
	return time.Duration(nanoseconds)
}

// shift records that text at offset Pos of the rewritten source is
// Delta runes further on than in the original.
type shift struct{ Pos, Delta int }

func unshift(shifts []shift, offset int) int {
	delta := 0
	for _, s := range shifts {
		if offset >= s.Pos {
			delta = s.Delta
		}
	}
	return offset - delta
}

type durationError struct {
	offset int
	msg    string
}

func (e *durationError) Error() string { return e.msg }

// rewriteDurations replaces duration literals (90s, 3d, 1h30m) outside
// string literals with calls to durationFunc, so expr-lang can parse
// them.
func rewriteDurations(src string) (string, []shift, error) {
	runes := []rune(src)
	var b strings.Builder
	var shifts []shift
	delta := 0
	for i := 0; i < len(runes); {
		r := runes[i]
		switch {
		case r == '"' || r == '\'' || r == '`':
			end := skipString(runes, i)
			b.WriteString(string(runes[i:end]))
			i = end
		case unicode.IsLetter(r) || r == '_':
			end := i
			for end < len(runes) && (unicode.IsLetter(runes[end]) || unicode.IsDigit(runes[end]) ||
				runes[end] == '_') {
				end++
			}
			b.WriteString(string(runes[i:end]))
			i = end
		case unicode.IsDigit(r) && (i == 0 || runes[i-1] != '.'):
			end, d, isDuration, err := scanDuration(runes, i)
			if err != nil {
				return "", nil, &durationError{offset: i, msg: err.Error()}
			}
			if !isDuration {
				b.WriteString(string(runes[i:end]))
				i = end
				continue
			}
			repl := fmt.Sprintf("%s(%d)", durationFunc, int64(d))
			b.WriteString(repl)
			delta += len([]rune(repl)) - (end - i)
			shifts = append(shifts, shift{Pos: end + delta, Delta: delta})
			i = end
		default:
			b.WriteRune(r)
			i++
		}
	}
	return b.String(), shifts, nil
}

func skipString(runes []rune, i int) int {
	quote := runes[i]
	for j := i + 1; j < len(runes); j++ {
		if runes[j] == '\\' && quote != '`' {
			j++
			continue
		}
		if runes[j] == quote {
			return j + 1
		}
	}
	return len(runes)
}

// scanDuration reads a number at i and, if a duration unit follows it,
// the whole duration literal.
func scanDuration(runes []rune, i int) (end int, d time.Duration, isDuration bool, err error) {
	end = i
	for end < len(runes) && (unicode.IsLetter(runes[end]) || unicode.IsDigit(runes[end]) ||
		runes[end] == '.' && end+1 < len(runes) && unicode.IsDigit(runes[end+1])) {
		end++
	}
	text := string(runes[i:end])
	if !strings.ContainsFunc(text, unicode.IsLetter) || strings.ContainsAny(text, "eExX") &&
		!strings.ContainsAny(text, "smhdwµu") {
		return end, 0, false, nil
	}
	d, err = ParseDuration(text)
	if err != nil {
		return end, 0, false, err
	}
	return end, d, true, nil
}

// ParseDuration parses a duration literal: an optional minus sign, then
// one or more numbers, each with a unit of ns, us, µs, ms, s, m, h, d
// (24h) or w (7d), as in 90s, 1h30m or 1.5d. The sum is computed
// exactly in nanoseconds and must fit a duration, about 292 years.
func ParseDuration(text string) (time.Duration, error) {
	rest, negative := strings.CutPrefix(text, "-")
	if rest == "" {
		return 0, fmt.Errorf("invalid duration %q: write a number and a unit, such as 90s or 3d", text)
	}
	var total int64
	for rest != "" {
		part, unit, next, err := splitDurationPart(text, rest)
		if err != nil {
			return 0, err
		}
		ns, ok := durationPart(part, unit)
		if !ok || total > math.MaxInt64-ns {
			return 0, fmt.Errorf("duration %q is out of range (the maximum is about 292 years)", text)
		}
		total += ns
		rest = next
	}
	if negative {
		total = -total
	}
	return time.Duration(total), nil
}

// splitDurationPart splits the first number and unit off rest.
func splitDurationPart(text, rest string) (number string, unit time.Duration, next string, err error) {
	n, dots := 0, 0
	for n < len(rest) && (rest[n] >= '0' && rest[n] <= '9' || rest[n] == '.') {
		if rest[n] == '.' {
			dots++
		}
		n++
	}
	if n == 0 || dots > 1 || n == 1 && rest[0] == '.' || rest[n-1] == '.' {
		return "", 0, "", fmt.Errorf("invalid duration %q: expected a number before %q", text, rest)
	}
	u := n
	for u < len(rest) && !(rest[u] >= '0' && rest[u] <= '9') {
		u++
	}
	unit, ok := durationUnits[rest[n:u]]
	if !ok {
		return "", 0, "", fmt.Errorf("invalid duration %q: unknown unit %q (use ns, us, ms, s, m, h, d or w)",
			text, rest[n:u])
	}
	return rest[:n], unit, rest[u:], nil
}

// durationPart converts "1.5" of unit into nanoseconds without floating
// point, reporting false on overflow.
func durationPart(number string, unit time.Duration) (int64, bool) {
	whole, frac, _ := strings.Cut(number, ".")
	if whole == "" {
		whole = "0" // .5s
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/int64(unit) {
		return 0, false
	}
	ns := w * int64(unit)
	scale := int64(unit)
	for _, c := range frac {
		scale /= 10
		if scale == 0 {
			break // finer than a nanosecond
		}
		ns += int64(c-'0') * scale
		if ns < 0 {
			return 0, false
		}
	}
	return ns, true
}

var durationUnits = map[string]time.Duration{
	"ns": time.Nanosecond, "us": time.Microsecond, "µs": time.Microsecond,
	"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour,
	"d": 24 * time.Hour, "w": 7 * 24 * time.Hour,
}

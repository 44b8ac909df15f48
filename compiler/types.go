package compiler

import (
	"fmt"
	"strings"
	"time"

	"github.com/mor-lang/mor/grammar"
)

// Kind is the basic shape of a Type.
type Kind int

// Kinds of mor types.
const (
	Invalid Kind = iota
	Int
	Float
	Bool
	String
	Time
	Duration
	Enum
	List
	Map
	Record
)

var kindNames = [...]string{"invalid", "int", "float", "bool", "string", "time", "duration",
	"enum", "list", "map", "record"}

func (k Kind) String() string { return kindNames[k] }

// Type is a mor type. Values at run time are Go values: int, float64,
// bool, string (also for enums), time.Time, time.Duration, []any for
// lists, map[string]any for maps and records, and nil for an unset
// optional.
type Type struct {
	Kind     Kind
	Elem     *Type       // element type of List and Map
	Values   []string    // the values of an Enum, in declaration order
	Record   *RecordType // the declaration of a Record
	Optional bool
}

// RecordType is a record type declared with "type R { ... }".
type RecordType struct {
	Name   string
	Fields []*Field
	Index  map[string]int
	Pos    grammar.Position
}

func (t *Type) String() string {
	var s string
	switch t.Kind {
	case Enum:
		s = "enum(" + strings.Join(t.Values, ", ") + ")"
	case List, Map:
		s = fmt.Sprintf("%s<%s>", t.Kind, t.Elem)
	case Record:
		s = t.Record.Name
	default:
		s = t.Kind.String()
	}
	if t.Optional {
		s += "?"
	}
	return s
}

// HasValue reports whether v is one of an enum's values.
func (t *Type) HasValue(v string) bool {
	for _, e := range t.Values {
		if e == v {
			return true
		}
	}
	return false
}

// Zero returns the value a field of this type has without a default:
// nil for optional types, otherwise the kind's zero value.
func (t *Type) Zero() any {
	if t.Optional {
		return nil
	}
	if t.Kind == Record {
		// A record starts with its fields' defaults.
		if v, err := convertRecord(map[string]any{}, t.Record); err == nil {
			return v
		}
	}
	return t.sample()
}

// sample returns a value of the type, used both as a zero value and to
// describe the type to expr-lang's checker.
func (t *Type) sample() any {
	switch t.Kind {
	case Int:
		return 0
	case Float:
		return 0.0
	case Bool:
		return false
	case String:
		return ""
	case Enum:
		return t.Values[0]
	case Time:
		return time.Time{}
	case Duration:
		return time.Duration(0)
	case List:
		return []any{}
	case Map:
		return map[string]any{}
	case Record:
		m := make(map[string]any, len(t.Record.Fields))
		for _, f := range t.Record.Fields {
			m[f.Name] = f.Type.Zero()
		}
		return m
	}
	return nil
}

// resolveType turns a TypeExpr into a Type, reporting unknown names.
func (c *compiler) resolveType(te *grammar.TypeExpr) *Type {
	t := c.resolveBase(te)
	if t != nil && te.Optional {
		copied := *t
		copied.Optional = true
		t = &copied
	}
	return t
}

func (c *compiler) resolveBase(te *grammar.TypeExpr) *Type {
	if te.Enum != nil {
		return c.enumType(te)
	}
	simple := map[string]Kind{"int": Int, "float": Float, "bool": Bool, "string": String,
		"time": Time, "duration": Duration}
	if k, ok := simple[te.Name]; ok {
		if te.Elem != nil {
			c.errorf(te.Elem.Pos, "type %s takes no element type", te.Name)
		}
		return &Type{Kind: k}
	}
	switch te.Name {
	case "list", "map":
		if te.Elem == nil {
			c.errorf(te.Pos, "%s needs an element type, as in %s<float>", te.Name, te.Name)
			return nil
		}
		elem := c.resolveType(te.Elem)
		if elem == nil {
			return nil
		}
		kind := List
		if te.Name == "map" {
			kind = Map
		}
		return &Type{Kind: kind, Elem: elem}
	}
	if rec, ok := c.records[te.Name]; ok {
		return &Type{Kind: Record, Record: rec}
	}
	c.errorf(te.Pos, "unknown type %q%s; the types are int, float, bool, string, time, "+
		"duration, enum(...), list<T>, map<T> and declared record types",
		te.Name, suggest(te.Name, c.typeNames()))
	return nil
}

func (c *compiler) enumType(te *grammar.TypeExpr) *Type {
	seen := map[string]bool{}
	for _, v := range te.Enum {
		if seen[v] {
			c.errorf(te.Pos, "enum value %q is listed twice", v)
		}
		seen[v] = true
	}
	return &Type{Kind: Enum, Values: te.Enum}
}

func (c *compiler) typeNames() []string {
	names := []string{"int", "float", "bool", "string", "time", "duration", "enum", "list", "map"}
	for n := range c.records {
		names = append(names, n)
	}
	return names
}

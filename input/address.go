package input

import (
	"fmt"
	"strings"
	"unicode"
)

const (
	hintAddress = "write the object type, a slash and the object id, such as Station/seattle"
	hintMessage = "write the handler name, such as reading"
)

// addressProblem returns what is wrong with an address such as "Station/seattle", or
// "" when it is valid. The object type before the first slash must be an identifier,
// and the id after it must not be empty. The id may contain further slashes.
func addressProblem(address string) string {
	typeName, id, found := strings.Cut(address, "/")
	switch {
	case !found:
		return `invalid address: missing "/" between object type and id`
	case typeName == "":
		return `invalid address: missing object type before "/"`
	case !isIdentifier(typeName):
		return fmt.Sprintf("invalid address: object type %q is not an identifier", typeName)
	case id == "":
		return `invalid address: missing object id after "/"`
	}
	return ""
}

// messageProblem returns what is wrong with a message name, or "" when it is valid.
func messageProblem(name string) string {
	if name == "" {
		return "invalid message name: empty"
	}
	if !isIdentifier(name) {
		return "invalid message name: not an identifier"
	}
	return ""
}

// isIdentifier reports whether s is a letter or underscore followed by letters, digits
// and underscores.
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := unicode.IsLetter(r) || r == '_'
		if !letter && (i == 0 || !unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// addressTemplate is a parsed Mapping.To, such as "Airport/{origin}".
type addressTemplate struct {
	text  string
	parts []templatePart
}

// templatePart is either literal text or, when column is set, the value of that column.
type templatePart struct {
	literal string
	column  string
}

// parseTemplate splits a template into literal text and {column} references. A
// template cannot contain a literal brace.
func parseTemplate(text string) (addressTemplate, error) {
	t := addressTemplate{text: text}
	rest := text
	for rest != "" {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			t.parts = append(t.parts, templatePart{literal: rest})
			break
		}
		if rest[open] == '}' {
			return t, templateError(text, `"}" without a matching "{"`)
		}
		if open > 0 {
			t.parts = append(t.parts, templatePart{literal: rest[:open]})
		}
		column, after, err := parseReference(text, rest[open+1:])
		if err != nil {
			return t, err
		}
		t.parts = append(t.parts, templatePart{column: column})
		rest = after
	}
	return t, nil
}

// parseReference reads a column name up to the closing brace of a {column} reference.
func parseReference(template, rest string) (column, after string, err error) {
	end := strings.IndexAny(rest, "{}")
	if end < 0 || rest[end] == '{' {
		return "", "", templateError(template, `"{" without a matching "}"`)
	}
	if end == 0 {
		return "", "", templateError(template, `empty column name in "{}"`)
	}
	return rest[:end], rest[end+1:], nil
}

func templateError(template, problem string) error {
	return fmt.Errorf("invalid address template %q: %s; "+
		"write a fixed address such as Station/seattle or insert column values "+
		"with {column}, such as Airport/{origin}", template, problem)
}

// columns returns the columns that the template refers to, in order of appearance.
func (t addressTemplate) columns() []string {
	var names []string
	for _, part := range t.parts {
		if part.column != "" {
			names = append(names, part.column)
		}
	}
	return names
}

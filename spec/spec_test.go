// Package spec holds the mor language specification, language.md, and
// tests that keep it in step with the implementation. Every mor example
// must compile, or fail with the error its comment names. The grammar,
// standard library and lineage sections must list everything the
// implementation has.
package spec

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/grammar"
	"github.com/mor-lang/mor/stdlib"
	"github.com/mor-lang/mor/vm"
)

const specFile = "language.md"

// fencedBlock is one ``` block of a Markdown file.
type fencedBlock struct {
	info string // the text after the opening ```, such as "mor"
	line int    // 1-based line of the opening fence
	body string
	// expectError is the text of a preceding <!-- error: TEXT --> comment,
	// or "" when the block must compile.
	expectError string
}

var errorComment = regexp.MustCompile(`^<!--\s*error:\s*(.*?)\s*-->$`)

// parseFencedBlocks splits a Markdown text into its fenced blocks, in
// order. A block's expectError is set when the last non-blank line before
// its opening fence is an error comment.
func parseFencedBlocks(t *testing.T, text string) []fencedBlock {
	t.Helper()
	lines := strings.Split(text, "\n")
	var blocks []fencedBlock
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if !strings.HasPrefix(line, "```") {
			continue
		}
		b := fencedBlock{info: strings.TrimSpace(strings.TrimPrefix(line, "```")), line: i + 1}
		for j := i - 1; j >= 0; j-- {
			prev := strings.TrimSpace(lines[j])
			if prev == "" {
				continue
			}
			if m := errorComment.FindStringSubmatch(prev); m != nil {
				b.expectError = m[1]
			}
			break
		}
		end := i + 1
		for end < len(lines) && !strings.HasPrefix(lines[end], "```") {
			end++
		}
		if end == len(lines) {
			t.Fatalf("%s:%d: fenced block is never closed", specFile, b.line)
		}
		b.body = strings.Join(lines[i+1:end], "\n") + "\n"
		blocks = append(blocks, b)
		i = end
	}
	return blocks
}

func readSpec(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(specFile)
	if err != nil {
		t.Fatalf("reading the specification: %v", err)
	}
	return string(data)
}

// errorMessages returns every message of a compile error.
func errorMessages(err error) []string {
	var list grammar.ErrorList
	if errors.As(err, &list) {
		out := make([]string, len(list))
		for i, e := range list {
			out[i] = e.Msg
		}
		return out
	}
	return []string{err.Error()}
}

func TestMorExamplesCompile(t *testing.T) {
	blocks := parseFencedBlocks(t, readSpec(t))
	count := 0
	for _, b := range blocks {
		if b.info != "mor" {
			if b.expectError != "" {
				t.Errorf("%s:%d: an error comment precedes a %q block, not a mor block",
					specFile, b.line, b.info)
			}
			continue
		}
		count++
		b := b
		t.Run(fmt.Sprintf("line_%d", b.line), func(t *testing.T) {
			name := fmt.Sprintf("%s:%d", specFile, b.line)
			_, err := compiler.CompileSources(compiler.Source{Name: name, Text: b.body})
			if b.expectError == "" {
				if err != nil {
					t.Fatalf("example at %s does not compile:\n%s", name,
						grammar.Format(err, map[string]string{name: b.body}))
				}
				return
			}
			if err == nil {
				t.Fatalf("example at %s compiles, but its comment expects an error containing %q",
					name, b.expectError)
			}
			messages := errorMessages(err)
			for _, msg := range messages {
				if strings.Contains(msg, b.expectError) {
					return
				}
			}
			t.Fatalf("example at %s: no error contains %q; the errors are:\n%s", name,
				b.expectError, strings.Join(messages, "\n"))
		})
	}
	if count == 0 {
		t.Fatalf("%s has no mor examples", specFile)
	}
}

func TestReadmeCounterCompiles(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatalf("reading the README: %v", err)
	}
	for _, b := range parseFencedBlocks(t, string(data)) {
		if !strings.HasPrefix(b.body, "object Counter") {
			continue
		}
		if _, err := compiler.CompileSources(compiler.Source{Name: "README.md", Text: b.body}); err != nil {
			t.Fatalf("the README's Counter example at line %d does not compile:\n%s", b.line,
				grammar.Format(err, map[string]string{"README.md": b.body}))
		}
		return
	}
	t.Fatal("the README has no fenced block that begins with \"object Counter\"")
}

// productionName matches the start of an EBNF production: "Name =".
var productionName = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\s*=\s`)

// ebnfProductions returns the productions defined in EBNF text, keyed by
// name, each with its whitespace collapsed. A production runs from
// "Name =" to the line that ends with " .".
func ebnfProductions(t *testing.T, text string) map[string]string {
	t.Helper()
	out := map[string]string{}
	var name string
	var body []string
	for _, line := range strings.Split(text, "\n") {
		if name == "" {
			m := productionName.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			name = m[1]
		}
		body = append(body, strings.TrimSpace(line))
		if strings.HasSuffix(strings.TrimSpace(line), " .") {
			out[name] = strings.Join(strings.Fields(strings.Join(body, " ")), " ")
			name, body = "", nil
		}
	}
	if name != "" {
		t.Fatalf("EBNF production %s does not end with \" .\"", name)
	}
	return out
}

// parserOnly are productions of grammar.EBNF() that the specification
// writes as lexical tokens instead.
var parserOnly = map[string]string{"IntLit": "int", "StringLit": "string", "DurationLit": "duration"}

func TestGrammarMatchesParser(t *testing.T) {
	var grammarBlock *fencedBlock
	blocks := parseFencedBlocks(t, readSpec(t))
	defined := map[string]string{}
	for i, b := range blocks {
		if b.info != "ebnf" {
			continue
		}
		prods := ebnfProductions(t, b.body)
		if _, ok := prods["File"]; ok && grammarBlock == nil {
			grammarBlock = &blocks[i]
		}
		for name, body := range prods {
			if prev, ok := defined[name]; ok && prev != body {
				t.Errorf("%s:%d: production %s differs from its earlier definition:\n  %s\n  %s",
					specFile, b.line, name, prev, body)
			}
			defined[name] = body
		}
	}
	if grammarBlock == nil {
		t.Fatal("no ebnf block defines File")
	}
	specGrammar := ebnfProductions(t, grammarBlock.body)
	parser := ebnfProductions(t, grammar.EBNF())
	for name := range parser {
		if _, ok := parserOnly[name]; ok {
			continue
		}
		if _, ok := specGrammar[name]; !ok {
			t.Errorf("the parser defines %s, but the grammar at %s:%d does not", name, specFile,
				grammarBlock.line)
		}
	}
	for name := range specGrammar {
		if _, ok := parser[name]; !ok {
			t.Errorf("the grammar at %s:%d defines %s, which the parser does not have", specFile,
				grammarBlock.line, name)
		}
	}
}

func TestStdlibFunctionsDocumented(t *testing.T) {
	spec := readSpec(t)
	for _, doc := range stdlib.Docs {
		if !strings.Contains(spec, "| `"+doc.Signature+"` |") {
			t.Errorf("stdlib function %s is missing from the standard library table", doc.Signature)
		}
	}
}

// section returns the text of the "## title" section of a Markdown text.
func section(t *testing.T, text, title string) string {
	t.Helper()
	start := strings.Index(text, "\n## "+title+"\n")
	if start < 0 {
		t.Fatalf("%s has no section %q", specFile, title)
	}
	rest := text[start+1:]
	if end := strings.Index(rest[3:], "\n## "); end >= 0 {
		rest = rest[:end+3]
	}
	return rest
}

var tableKey = regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\|")

func TestLineageKeysDocumented(t *testing.T) {
	lineage := section(t, readSpec(t), "Lineage")
	documented := map[string]bool{}
	for _, m := range tableKey.FindAllStringSubmatch(lineage, -1) {
		documented[m[1]] = true
	}
	entry := reflect.TypeOf(vm.Entry{})
	keys := map[string]bool{}
	for i := 0; i < entry.NumField(); i++ {
		tag := entry.Field(i).Tag.Get("json")
		key, _, _ := strings.Cut(tag, ",")
		if key == "" || key == "-" {
			continue
		}
		keys[key] = true
		if !documented[key] {
			t.Errorf("lineage key %q of vm.Entry is missing from the key table", key)
		}
	}
	var extra []string
	for key := range documented {
		if !keys[key] {
			extra = append(extra, key)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("the key table documents keys that vm.Entry does not have: %s",
			strings.Join(extra, ", "))
	}
}

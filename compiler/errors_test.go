package compiler

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mor-lang/mor/grammar"
)

// An expectation is one quoted regular expression from an ERROR comment:
// some error reported on that line must match it.
type expectation struct {
	line    int
	pattern *regexp.Regexp
	matched bool
}

var errorComment = regexp.MustCompile(`//\s*ERROR\s+(.*)$`)

// parseExpectations reads the ERROR comments of src. A comment holds one
// or more Go-quoted or back-quoted regular expressions, each of which
// must match a different error on its line.
func parseExpectations(t *testing.T, name, src string) []*expectation {
	t.Helper()
	var out []*expectation
	for i, line := range strings.Split(src, "\n") {
		m := errorComment.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rest := strings.TrimSpace(m[1])
		for rest != "" {
			quoted, err := strconv.QuotedPrefix(rest)
			if err != nil {
				t.Fatalf("%s:%d: invalid ERROR comment %q: want quoted regular expressions", name, i+1, m[1])
			}
			text, _ := strconv.Unquote(quoted)
			re, err := regexp.Compile(text)
			if err != nil {
				t.Fatalf("%s:%d: invalid regular expression %q: %v", name, i+1, text, err)
			}
			out = append(out, &expectation{line: i + 1, pattern: re})
			rest = strings.TrimSpace(rest[len(quoted):])
		}
	}
	return out
}

// checkErrors matches each reported error to an expectation on its line
// and returns a description of every error and expectation left over.
func checkErrors(name string, errs grammar.ErrorList, want []*expectation) []string {
	var problems []string
	for _, e := range errs {
		found := false
		for _, x := range want {
			if !x.matched && x.line == e.Pos.Line && e.Pos.Filename == name && x.pattern.MatchString(e.Msg) {
				x.matched, found = true, true
				break
			}
		}
		if !found {
			problems = append(problems, fmt.Sprintf("unexpected error: %s", e))
		}
	}
	for _, x := range want {
		if !x.matched {
			problems = append(problems, fmt.Sprintf("%s:%d: missing error matching %q", name, x.line, x.pattern))
		}
	}
	return problems
}

// compileErrors compiles one source and returns its errors as a list.
func compileErrors(t *testing.T, name, src string) grammar.ErrorList {
	t.Helper()
	_, err := CompileSources(Source{Name: name, Text: src})
	if err == nil {
		return nil
	}
	var list grammar.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("CompileSources error is %T, want grammar.ErrorList: %v", err, err)
	}
	return list
}

// TestCompileErrors compiles each file in testdata/errors and checks its
// errors against the ERROR comments on the offending lines.
func TestCompileErrors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "errors", "*.mor"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no files in testdata/errors")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			src := string(data)
			want := parseExpectations(t, path, src)
			if len(want) == 0 {
				t.Fatalf("%s has no ERROR comments", path)
			}
			errs := compileErrors(t, path, src)
			for _, p := range checkErrors(path, errs, want) {
				t.Error(p)
			}
		})
	}
}

func TestExpectationParsing(t *testing.T) {
	src := "x = 1\n" +
		"y = \"a\"  // ERROR \"cannot use\"\n" +
		"z = q  // ERROR `unknown name q` \"second \\\"quoted\\\"\"\n"
	got := parseExpectations(t, "t.mor", src)
	var lines []string
	for _, x := range got {
		lines = append(lines, fmt.Sprintf("%d %s", x.line, x.pattern))
	}
	want := []string{"2 cannot use", "3 unknown name q", `3 second "quoted"`}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("expectations = %q, want %q", lines, want)
	}
}

func TestCheckErrorsReportsMismatches(t *testing.T) {
	want := []*expectation{
		{line: 2, pattern: regexp.MustCompile("cannot use")},
		{line: 5, pattern: regexp.MustCompile("never reported")},
	}
	errs := grammar.ErrorList{
		{Pos: grammar.Position{Filename: "t.mor", Line: 2, Column: 5}, Msg: "cannot use x"},
		{Pos: grammar.Position{Filename: "t.mor", Line: 3, Column: 1}, Msg: "stray"},
	}
	got := checkErrors("t.mor", errs, want)
	wantProblems := []string{
		"unexpected error: t.mor:3:1: stray",
		`t.mor:5: missing error matching "never reported"`,
	}
	if strings.Join(got, "\n") != strings.Join(wantProblems, "\n") {
		t.Errorf("problems = %q, want %q", got, wantProblems)
	}
}

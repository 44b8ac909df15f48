package vm

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mor-lang/mor/compiler"
)

// genProgram writes a random program over every field type, with
// handlers and rules that write fields directly and through paths, and
// constraints that reject some steps.
func genProgram(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString(`type R {
  x: int = 0  in -50..50
  y: string = ""
}

object G {
  memory {
    i: int = 0  in -100..100
    f: float = 0.5
    s: string = ""  max 6
    ok: bool = false
    e: enum(a, b, c) = a  transitions a -> b, b -> c, c -> a
    l: list<int> = []  max 4
    m: map<int> = {}
    t: time?
    d: duration = 1h
    r: R
    n: int = 0  monotonic
  }
  cycle every 1h
`)
	assigns := []string{
		"i = k", "i += k", "i -= 1", "f = f * 1.5 + x", "s = w", "s += w", "ok = !ok",
		"e = b", "e = c", "e = a", "append k to l", "m[w] = k", "r.x = k", "r.y = w",
		"t = now", "d = d + 30m", "n += 1", "n = n - 1", "remove k from l",
		"if k > 0 { i = i + 1 } else { ok = true }",
	}
	ruleAssigns := []string{
		"i = 2", "i += 3", "f = f * 1.5 + 0.25", "s = \"z\"", "ok = !ok", "e = b", "e = c",
		"append 2 to l", "m[\"z\"] = n", "r.x = i", "t = now", "n += 1", "remove 2 from l",
	}
	pick := func(from []string, n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = "    " + from[r.Intn(len(from))]
		}
		return strings.Join(parts, "\n")
	}
	fmt.Fprintf(&b, "  on set(k: int, x: float, w: string) {\n%s\n  }\n", pick(assigns, 1+r.Intn(4)))
	conds := []string{"i > 10", "f < 3.0", "len(l) >= 2", "ok", "e == b", "n > 2", "true"}
	for j := 0; j < 1+r.Intn(3); j++ {
		body := pick(ruleAssigns, 1+r.Intn(2))
		fmt.Fprintf(&b, "  rule r%d priority %d when %s {\n%s\n  }\n", j, r.Intn(3),
			conds[r.Intn(len(conds))], body)
	}
	b.WriteString("  rule rest when n > 5 { sleep \"rest\" }\n")
	b.WriteString("  dormant {\n    wake on set when k > 3\n  }\n}\n")
	return b.String()
}

func TestReplayRebuildsMemory(t *testing.T) {
	kinds := map[string]int{}
	defer func() {
		// The generated runs must exercise rejections and mode changes,
		// or the property tests little.
		for _, k := range []string{KindSet, KindMode, KindRejected} {
			if kinds[k] == 0 {
				t.Errorf("no %s entries in any generated run", k)
			}
		}
	}()
	for seed := int64(1); seed <= 60; seed++ {
		r := rand.New(rand.NewSource(seed))
		src := genProgram(r)
		prog, err := compiler.CompileSources(compiler.Source{Name: "gen.mor", Text: src})
		if err != nil {
			t.Fatalf("seed %d: generated program does not compile: %v\n%s", seed, err, src)
		}
		var buf bytes.Buffer
		sink := NewJSONLinesSink(&buf)
		start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		m, err := New(prog, Options{Start: start, Sink: sink, Workers: 1 + r.Intn(3)})
		if err != nil {
			t.Fatal(err)
		}
		at := start
		words := []string{"p", "q", "long-word", "é"}
		for i := 0; i < 40; i++ {
			at = at.Add(time.Duration(r.Intn(150)) * time.Minute)
			if err := m.AdvanceTo(at); err != nil {
				t.Fatal(err)
			}
			addr := fmt.Sprintf("G/%d", r.Intn(3))
			args := map[string]any{"k": r.Intn(20) - 8, "x": r.Float64(), "w": words[r.Intn(len(words))]}
			if err := m.Send(addr, "set", args, "test"); err != nil {
				t.Fatal(err)
			}
		}
		if err := m.RunUntil(at.Add(5 * time.Hour)); err != nil {
			t.Fatal(err)
		}
		sink.Flush()
		entries, err := DecodeLineage(prog, buf.Bytes())
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, e := range entries {
			kinds[e.Kind]++
		}
		replayed, err := Replay(prog, entries)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, want := range m.States() {
			got := replayed[want.Addr]
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("seed %d: replayed %s differs (-run +replay):\n%s\nprogram:\n%s",
					seed, want.Addr, diff, src)
			}
		}
		if len(replayed) != len(m.States()) {
			t.Fatalf("seed %d: replay has %d objects, the run %d", seed, len(replayed), len(m.States()))
		}
	}
}

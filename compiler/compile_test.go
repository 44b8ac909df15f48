package compiler

import (
	"os"
	"testing"

	"github.com/mor-lang/mor/grammar"
)

func TestStationCompiles(t *testing.T) {
	src, _ := os.ReadFile("/tmp/station.mor")
	_, err := CompileSources(Source{"station.mor", string(src)})
	if err != nil {
		t.Fatal(grammar.Format(err, map[string]string{"station.mor": string(src)}))
	}
}

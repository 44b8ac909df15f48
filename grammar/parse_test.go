package grammar

import (
	"encoding/json"
	"os"
	"testing"
)

func TestDump(t *testing.T) {
	src, _ := os.ReadFile("/tmp/station.mor")
	f, err := ParseFile("station.mor", string(src))
	if err != nil {
		t.Fatal(Format(err, map[string]string{"station.mor": string(src)}))
	}
	b, _ := json.MarshalIndent(f, "", " ")
	os.WriteFile("/tmp/ast.json", b, 0o644)
}

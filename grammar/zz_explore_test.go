package grammar

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

func TestZZExplore(t *testing.T) {
	path := os.Getenv("EXPLORE")
	if path == "" {
		t.Skip()
	}
	src, _ := os.ReadFile(path)
	f, err := ParseFile("x.mor", string(src))
	if err != nil {
		fmt.Print(Format(err, map[string]string{"x.mor": string(src)}))
		return
	}
	b, _ := json.MarshalIndent(f, "", " ")
	fmt.Println(string(b))
}

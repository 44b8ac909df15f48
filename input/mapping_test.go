package input

import (
	"strings"
	"testing"
)

func TestMappingErrors(t *testing.T) {
	tests := []struct {
		name    string
		mapping Mapping
		want    string
	}{
		{"missing address", Mapping{Msg: "m"}, "missing address template"},
		{"unclosed reference", Mapping{To: "Airport/{origin", Msg: "m"},
			`"{" without a matching "}"`},
		{"nested brace", Mapping{To: "A/{a{b}", Msg: "m"}, `"{" without a matching "}"`},
		{"stray closing brace", Mapping{To: "A/b}", Msg: "m"}, `"}" without a matching "{"`},
		{"empty reference", Mapping{To: "A/{}", Msg: "m"}, `empty column name`},
		{"fixed address without slash", Mapping{To: "Station", Msg: "m"}, `missing "/"`},
		{"fixed address without id", Mapping{To: "Station/", Msg: "m"}, "missing object id"},
		{"missing message", Mapping{To: "A/b"}, "invalid message name: empty"},
		{"message not identifier", Mapping{To: "A/b", Msg: "new reading"}, "not an identifier"},
		{"empty rename target", Mapping{To: "A/b", Msg: "m", Rename: map[string]string{"x": ""}},
			"empty name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCSV(strings.NewReader("a\n1\n"), "in.csv", tt.mapping)
			if err == nil {
				t.Fatal("got no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "in.csv: ") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

func TestTemplateParts(t *testing.T) {
	tmpl, err := parseTemplate("Route/{origin}-{destination}")
	if err != nil {
		t.Fatal(err)
	}
	want := []templatePart{{literal: "Route/"}, {column: "origin"}, {literal: "-"},
		{column: "destination"}}
	if len(tmpl.parts) != len(want) {
		t.Fatalf("parts = %+v, want %+v", tmpl.parts, want)
	}
	for i := range want {
		if tmpl.parts[i] != want[i] {
			t.Errorf("part %d = %+v, want %+v", i, tmpl.parts[i], want[i])
		}
	}
}

func TestTemplateWithSeveralColumns(t *testing.T) {
	m := Mapping{To: "Route/{origin}-{destination}", Msg: "flight"}
	input := `[{"origin": "LAX", "destination": 7}]`
	r, err := NewJSONArray(strings.NewReader(input), "in.json", m)
	if err != nil {
		t.Fatal(err)
	}
	if rec := readAll(t, r, 10)[0]; rec.To != "Route/LAX-7" {
		t.Errorf("To = %q, want Route/LAX-7", rec.To)
	}
}

func TestIsIdentifier(t *testing.T) {
	for _, s := range []string{"a", "_x", "Station", "temp_max2", "Größe"} {
		if !isIdentifier(s) {
			t.Errorf("isIdentifier(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"", "2a", "a-b", "a b", "a.b"} {
		if isIdentifier(s) {
			t.Errorf("isIdentifier(%q) = true, want false", s)
		}
	}
}

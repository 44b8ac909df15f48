package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// field is one member of a JSON object, with the byte offsets of its key and value
// relative to the start of the object.
type field struct {
	key       string
	keyOffset int
	raw       json.RawMessage
	rawOffset int
}

// objectFields lists the members of obj, which must be valid JSON that starts with
// "{", in source order. Duplicate keys are kept.
func objectFields(obj []byte) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var fields []field
	for dec.More() {
		keyOffset := skipSeparators(obj, int(dec.InputOffset()))
		token, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := token.(string)
		if !ok {
			return nil, fmt.Errorf("object key at byte %d is not a string", keyOffset)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		// Decode stores the value's exact source bytes, so they end at InputOffset.
		rawOffset := int(dec.InputOffset()) - len(raw)
		fields = append(fields, field{key, keyOffset, raw, rawOffset})
	}
	return fields, nil
}

// skipSeparators returns the index of the first byte at or after i that is not JSON
// whitespace, a comma or a colon.
func skipSeparators(b []byte, i int) int {
	for i < len(b) && strings.IndexByte(" \t\r\n,:", b[i]) >= 0 {
		i++
	}
	return i
}

// skipSpace returns the index of the first byte at or after i that is not JSON
// whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && strings.IndexByte(" \t\r\n", b[i]) >= 0 {
		i++
	}
	return i
}

// decodeJSON decodes one valid JSON value, keeping numbers as json.Number.
func decodeJSON(raw []byte) (any, error) {
	switch raw[0] {
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case 'n':
		return nil, nil
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case '{', '[':
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		err := dec.Decode(&v)
		return v, err
	}
	return json.Number(raw), nil
}

// isNested reports whether a valid JSON value is an object or an array.
func isNested(raw []byte) bool {
	return raw[0] == '{' || raw[0] == '['
}

// syntaxErrorAt validates text and, when it is not valid JSON, returns the 0-based
// index of the offending byte (len(text) when the input ends too early) and the
// decoder's description of the problem.
func syntaxErrorAt(text []byte) (index int, problem string, ok bool) {
	var raw json.RawMessage
	err := json.Unmarshal(text, &raw)
	var syntax *json.SyntaxError
	if !errors.As(err, &syntax) {
		return 0, "", false
	}
	// Unmarshal counts the offending byte in Offset. At an unexpected end, Offset is
	// the input length and no byte is at fault.
	index = int(syntax.Offset) - 1
	if strings.HasPrefix(syntax.Error(), "unexpected end") {
		index = len(text)
	}
	return max(index, 0), syntax.Error(), true
}

package engine_test

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/juece/juece/engine"
)

// CheckStrings never panics on a decoded JSON value, and whatever it
// accepts is clean text: valid UTF-8 without NUL or control characters
// (tab and line breaks aside).
func FuzzCheckStrings_AcceptsOnlyCleanText(f *testing.F) {
	for _, s := range []string{`{"a":"意见"}`, `["x\u0000"]`, `{"k\u001b":1}`, `"\ud800"`, `{"a":["b",{"c":"\t\n"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		if engine.CheckStrings("", v) != nil {
			return
		}
		var walk func(any)
		walk = func(x any) {
			switch y := x.(type) {
			case string:
				if !utf8.ValidString(y) {
					t.Fatalf("accepted invalid UTF-8 %q", y)
				}
				for _, r := range y {
					if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
						t.Fatalf("accepted control character %U in %q", r, y)
					}
				}
			case []any:
				for _, e := range y {
					walk(e)
				}
			case map[string]any:
				for k, e := range y {
					walk(k)
					walk(e)
				}
			}
		}
		walk(v)
	})
}

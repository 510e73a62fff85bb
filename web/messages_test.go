package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// UI.md: every text in both languages, zh-CN first; never one language
// standing in for the other.
func TestMessages_EveryKeyHasBothLanguages(t *testing.T) {
	for k, v := range messages {
		if strings.TrimSpace(v[0]) == "" || strings.TrimSpace(v[1]) == "" {
			t.Errorf("message %q lacks a language: %q", k, v)
		}
		if strings.Count(v[0], "%") != strings.Count(v[1], "%") {
			t.Errorf("message %q: the two languages take different arguments: %q", k, v)
		}
	}
}

var (
	templateKey = regexp.MustCompile(`\{\{-?\s*t\s+"([^"]+)"`)
	parenKey    = regexp.MustCompile(`\(t\s+"([^"]+)"`)
	goKey       = regexp.MustCompile(`translate\([^,]+,\s*"([^"]+)"`)
)

// Every message key a template or handler names is in the catalogue, so
// that no page shows a bare key.
func TestTemplates_UseOnlyKnownMessages(t *testing.T) {
	check := func(where, key string) {
		if _, ok := messages[key]; !ok {
			t.Errorf("%s uses unknown message %q", where, key)
		}
	}
	err := fs.WalkDir(templateFiles, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFiles, path)
		if err != nil {
			return err
		}
		for _, re := range []*regexp.Regexp{templateKey, parenKey} {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				check(path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	gos, _ := filepath.Glob("*.go")
	for _, g := range gos {
		if strings.HasSuffix(g, "_test.go") {
			continue
		}
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			check(g, m[1])
		}
	}
	// Keys built at run time: the procedure strip's step states.
	for _, k := range []string{"step.done", "step.current", "step.todo"} {
		check("templates/item.html", k)
	}
}

package workflows_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/workflows"
)

const minimal = `id: tiny
version: 1
title: {zh: 小流程, en: Tiny}
initial: open
create:
  zh: 创建
  en: Create
  roles: [organizer]
states:
  open: {zh: 开始, en: Open}
  done: {zh: 完成, en: Done, terminal: true}
events:
  finish:
    zh: 完成
    en: Finish
    from: open
    to: done
    roles: [organizer]
    rules:
      - check: payload.ok
        zh: 须确认
        en: Must be confirmed
        basis: 第一条
    fields:
      ok: {type: boolean}
`

func TestLoad_ShippedWorkflowsValidate(t *testing.T) {
	defs, err := workflows.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, d := range defs {
		got[d.ID] = true
	}
	for _, id := range []string{"major-decision", "normative-document", "enforcement-review"} {
		if !got[id] {
			t.Errorf("workflow %s is not shipped", id)
		}
	}
}

func TestLoad_MinimalDefinitionParses(t *testing.T) {
	d, err := workflows.Parse("tiny.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if d.Key() != "tiny@1" || len(d.States) != 2 || d.Event("finish") == nil {
		t.Fatalf("parsed %+v", d)
	}
}

// Each broken definition must be rejected with the file and line of the
// problem.
func TestLoad_RejectsBrokenDefinitionsWithFileAndLine(t *testing.T) {
	cases := []struct {
		name, from, to, want string
	}{
		{"unknown key", "    to: done\n", "    to: done\n    colour: red\n", `tiny.yaml:18: unknown key "colour"`},
		{"unknown top-level key", "initial: open\n", "initial: open\nowner: me\n", `tiny.yaml:5: unknown key "owner"`},
		{"unreachable state", "  done: {zh: 完成, en: Done, terminal: true}\n",
			"  done: {zh: 完成, en: Done, terminal: true}\n  limbo: {zh: 悬置, en: Limbo, terminal: true}\n",
			`tiny.yaml:12: state "limbo" is not reachable`},
		{"unknown role", "    roles: [organizer]\n    rules:", "    roles: [janitor]\n    rules:", `tiny.yaml:18: event "finish": unknown role "janitor"`},
		{"rule that does not compile", "check: payload.ok", "check: payload.ok +* 1", `tiny.yaml:20: event "finish": rule`},
		{"rule that is not boolean", "check: payload.ok", "check: 1 + 2", `tiny.yaml:20: event "finish": rule "1 + 2" does not compile to a boolean`},
		{"undeclared to state", "    to: done\n", "    to: nowhere\n", `tiny.yaml:13: event "finish": to state "nowhere" is not declared`},
		{"terminal state with exits", "  open: {zh: 开始, en: Open}\n  done: {zh: 完成, en: Done, terminal: true}\n",
			"  open: {zh: 开始, en: Open, terminal: true}\n  done: {zh: 完成, en: Done, terminal: true}\n", `tiny.yaml:10: terminal state "open" has outgoing events`},
		{"missing initial state", "initial: open", "initial: start", `initial state "start" is not declared`},
		{"wrong type", "version: 1", "version: one", `tiny.yaml:2: wrong type`},
		{"unknown field type", "ok: {type: boolean}", "ok: {type: colour}", `tiny.yaml:25: event "finish": field "ok" has unknown type "colour"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(minimal, c.from, c.to, 1)
			if src == minimal {
				t.Fatalf("test case did not change the definition")
			}
			_, err := workflows.Parse("tiny.yaml", []byte(src))
			var ve *engine.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want a validation error, got %v", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error does not contain %q:\n%s", c.want, err)
			}
		})
	}
}

func TestRegistry_DirectoryOverridesAndExtends(t *testing.T) {
	dir := t.TempDir()
	// A new version of the shipped major-decision workflow with a different title.
	data, err := os.ReadFile("major-decision.yaml")
	if err != nil {
		t.Fatal(err)
	}
	v2 := strings.Replace(string(data), "version: 1", "version: 2", 1)
	if err := os.WriteFile(filepath.Join(dir, "md2.yaml"), []byte(v2), 0o644); err != nil {
		t.Fatal(err)
	}
	over := strings.Replace(minimal, "title: {zh: 小流程, en: Tiny}", "title: {zh: 小流程（本地）, en: Tiny (local)}", 1)
	if err := os.WriteFile(filepath.Join(dir, "tiny.yaml"), []byte(over), 0o644); err != nil {
		t.Fatal(err)
	}
	reg, err := workflows.Registry(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := reg.Latest("major-decision"); d == nil || d.Version != 2 {
		t.Fatalf("latest major-decision = %v, want version 2", d)
	}
	if reg.Get("major-decision", 1) == nil {
		t.Fatal("version 1 must stay loaded: items are pinned to the version they started with")
	}
	if d := reg.Latest("tiny"); d == nil || d.Title.En != "Tiny (local)" {
		t.Fatalf("tiny not loaded from the directory: %v", d)
	}
	// A broken file in the directory fails the whole load with its name.
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("id: x\nbogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := workflows.Registry(dir); err == nil || !strings.Contains(err.Error(), "bad.yaml:2") {
		t.Fatalf("want an error naming bad.yaml:2, got %v", err)
	}
}

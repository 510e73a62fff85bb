package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/juece/juece/internal/enginetest"
	"github.com/juece/juece/internal/pgtest"
	"github.com/juece/juece/internal/scenario"
	"github.com/juece/juece/store"
	"github.com/juece/juece/store/storetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// run executes the juece command line in-process and returns its output
// and exit code (0 success, exitError's code, 2 for other errors).
func run(t *testing.T, ctx context.Context, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	root := newRoot()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var ee *exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.code
		fmt.Fprintln(&errb, ee.err)
	default:
		code = 2
		fmt.Fprintln(&errb, err)
	}
	return out.String(), errb.String(), code
}

func TestWorkflowGraph_MatchesGoldenFiles(t *testing.T) {
	for _, id := range []string{"major-decision", "normative-document", "enforcement-review"} {
		for _, format := range []string{"mermaid", "dot"} {
			t.Run(id+"/"+format, func(t *testing.T) {
				out, errs, code := run(t, context.Background(), "workflow", "graph", id, "--format", format)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errs)
				}
				again, _, _ := run(t, context.Background(), "workflow", "graph", id, "--format", format)
				if again != out {
					t.Fatal("graph output is not stable between runs")
				}
				golden := filepath.Join("testdata", "graph", id+"."+format)
				if *update {
					os.MkdirAll(filepath.Dir(golden), 0o755)
					if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./cmd/juece -run Golden -update to create it)", err)
				}
				if out != string(want) {
					t.Errorf("graph differs from %s; if the workflow changed on purpose, rerun with -update\n got:\n%s", golden, out)
				}
			})
		}
	}
	if _, errs, code := run(t, context.Background(), "workflow", "graph", "no-such-workflow"); code != 1 || !strings.Contains(errs, "no-such-workflow") {
		t.Errorf("unknown workflow: exit %d, %q", code, errs)
	}
	if _, _, code := run(t, context.Background(), "workflow", "graph", "major-decision", "--format", "png"); code == 0 {
		t.Error("unknown format accepted")
	}
}

func TestWorkflowValidate_AcceptsTheShippedWorkflows(t *testing.T) {
	out, errs, code := run(t, context.Background(), "workflow", "validate")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, id := range []string{"major-decision@1", "normative-document@1", "enforcement-review@1"} {
		if !strings.Contains(out, "ok  "+id) {
			t.Errorf("output lacks %s:\n%s", id, out)
		}
	}
}

const tiny = `id: tiny
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
      - check: payload.ok == true
        zh: 须确认
        en: Must be confirmed
        basis: 第一条
    fields:
      ok: {type: boolean}
`

func TestWorkflowValidate_RejectsBrokenFilesNamingFileAndLine(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "tiny.yaml")
	os.WriteFile(good, []byte(tiny), 0o644)
	if out, errs, code := run(t, context.Background(), "workflow", "validate", good); code != 0 || !strings.Contains(out, "ok  tiny@1") {
		t.Fatalf("valid file rejected: exit %d %s %s", code, out, errs)
	}
	for _, c := range []struct {
		name, from, to string
		want           []string // substrings of the error, the first being file:line
	}{
		{"unknown key", "    to: done\n", "    to: done\n    colour: red\n", []string{"broken.yaml:18", "colour"}},
		{"unreachable state", "  done: {zh: 完成, en: Done, terminal: true}\n",
			"  done: {zh: 完成, en: Done, terminal: true}\n  limbo: {zh: 悬置, en: Limbo, terminal: true}\n", []string{"broken.yaml:12", "limbo", "not reachable"}},
		{"unknown role", "    roles: [organizer]\n    rules:", "    roles: [emperor]\n    rules:", []string{"broken.yaml:18", "emperor"}},
		{"rule does not compile", "check: payload.ok == true", "check: payload.ok ==", []string{"broken.yaml:20"}},
		{"rule is not boolean", "check: payload.ok == true", "check: len(reason)", []string{"broken.yaml:20"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(tiny, c.from, c.to, 1)
			if src == tiny {
				t.Fatal("mutation did not apply")
			}
			f := filepath.Join(t.TempDir(), "broken.yaml")
			os.WriteFile(f, []byte(src), 0o644)
			_, errs, code := run(t, context.Background(), "workflow", "validate", f)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr %s", code, errs)
			}
			for _, w := range c.want {
				if !strings.Contains(errs, w) {
					t.Errorf("error lacks %q:\n%s", w, errs)
				}
			}
		})
	}
}

// seedChains creates two items on db, walks them a few steps, and returns
// the id of the second.
func seedChains(t *testing.T, db *store.DB) int64 {
	storetest.SeedHarness(t, db)
	h := enginetest.NewWithStore(t, db, "2026-01-05")
	steps := scenario.MajorDecision(scenario.Cast{Organizer: enginetest.Organizer, Secretariat: enginetest.Secretariat,
		OrganizerDept: enginetest.DeptDevelopment, ExecutorDept: enginetest.DeptHousing})[:4]
	var last int64
	for range 2 {
		it := h.Create("major-decision", enginetest.Organizer, "关于老旧小区加装电梯的实施意见", scenario.Proposal())
		for _, s := range steps {
			h.On(s.On)
			h.Fire(it.ID, s.Event, s.Actor, s.Payload, s.Reason)
		}
		last = it.ID
	}
	return last
}

func testAuditVerifyCatchesTampering(t *testing.T, dsn string) {
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	victim := seedChains(t, db)
	out, errs, code := run(t, ctx, "audit", "verify", "--db", dsn)
	if code != 0 || !strings.Contains(out, "ok: 2 items, 10 events") {
		t.Fatalf("clean database: exit %d, out %q, err %q", code, out, errs)
	}
	storetest.TamperEvent(t, db, victim, 3, "篡改")
	_, errs, code = run(t, ctx, "audit", "verify", "--db", dsn)
	want := fmt.Sprintf("item %d, event 3", victim)
	if code != 1 || !strings.Contains(errs, want) {
		t.Fatalf("tampered database: exit %d, stderr %q; want exit 1 naming %q", code, errs, want)
	}
	// The other item alone still verifies.
	if out, errs, code := run(t, ctx, "audit", "verify", "--db", dsn, "--item", fmt.Sprint(victim-1)); code != 0 {
		t.Fatalf("untouched item: exit %d %s %s", code, out, errs)
	}
	if _, _, code := run(t, ctx, "audit", "verify", "--db", dsn, "--item", "999"); code != 1 {
		t.Fatalf("unknown item: exit %d, want 1", code)
	}
}

func TestAuditVerify_ExitsOneNamingTheTamperedEvent_PostgreSQL(t *testing.T) {
	testAuditVerifyCatchesTampering(t, pgtest.NewDB(t))
}

func TestAuditVerify_ExitsOneNamingTheTamperedEvent_SQLite(t *testing.T) {
	testAuditVerifyCatchesTampering(t, "sqlite:"+filepath.Join(t.TempDir(), "j.db"))
}

func TestMigrate_AppliesOnceThenReportsUpToDate(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "m.db")
	out, errs, code := run(t, context.Background(), "migrate", "--db", dsn)
	if code != 0 || !strings.Contains(out, "applied 00001_foundation.sql") {
		t.Fatalf("first migrate: exit %d %q %q", code, out, errs)
	}
	out, _, code = run(t, context.Background(), "migrate", "--db", dsn)
	if code != 0 || strings.Contains(out, "applied 0") || !strings.Contains(out, "0 migrations applied") {
		t.Fatalf("second migrate: exit %d %q", code, out)
	}
}

// The README's run command: serve --demo on a fresh SQLite file answers
// /readyz with 200, and stops cleanly when its context ends.
func TestServe_DemoOnFreshSQLiteIsReadyAndShutsDownGracefully(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var out string
	go func() {
		var code int
		out, _, code = run(t, ctx, "serve", "--demo", "--addr", addr, "--db", "sqlite:"+filepath.Join(t.TempDir(), "demo.db"))
		done <- code
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("/readyz %d %s", resp.StatusCode, body)
			}
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("server did not come up: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d", code)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(out, "quzhang") || !strings.Contains(out, "lawyer1") {
		t.Errorf("demo logins not printed:\n%s", out)
	}
}

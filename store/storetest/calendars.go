package storetest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/enginetest"
	"github.com/juece/juece/internal/scenario"
	"github.com/juece/juece/procedure"
	"github.com/juece/juece/store"
)

func shippedEntries(t *testing.T) []*engine.CalendarEntry {
	t.Helper()
	ns, err := calendars.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	var out []*engine.CalendarEntry
	for _, n := range ns {
		for _, y := range n.Years {
			out = append(out, &engine.CalendarEntry{Region: n.Region, Year: y, Source: n.Source, LoadedBy: "system",
				LoadedAt: time.Date(2026, 12, 2, 1, 2, 3, 456789000, time.UTC)})
		}
	}
	return out
}

// The calendar log is append-only and hash-chained; an entry equal to the
// data in force of its region-year is not appended again.
func testCalendarLog(t *testing.T, db *store.DB) {
	entries := shippedEntries(t)
	added, err := db.AppendCalendarEntries(ctx, entries)
	if err != nil || len(added) != len(entries) {
		t.Fatalf("append: %d of %d, %v", len(added), len(entries), err)
	}
	for i, e := range added {
		if e.Seq != int64(i+1) || len(e.Hash) != 32 {
			t.Fatalf("entry %d: seq %d hash %x", i, e.Seq, e.Hash)
		}
	}
	if again, err := db.AppendCalendarEntries(ctx, entries); err != nil || len(again) != 0 {
		t.Fatalf("re-appending the same data: %d appended, %v; want none", len(again), err)
	}
	changed := *entries[0]
	changed.Year.Status = engine.YearPartial
	changed.LoadedBy = "user:7"
	changed.OrgID = 1
	if more, err := db.AppendCalendarEntries(ctx, []*engine.CalendarEntry{&changed}); err != nil || len(more) != 1 || more[0].Seq != int64(len(entries)+1) {
		t.Fatalf("append a change: %v %v", more, err)
	}
	if v, err := db.CalendarVersion(ctx); err != nil || v != int64(len(entries)+1) {
		t.Fatalf("version %d %v", v, err)
	}
	got, err := db.CalendarEntries(ctx)
	if err != nil || len(got) != len(entries)+1 {
		t.Fatalf("entries: %d %v", len(got), err)
	}
	if b := engine.VerifyCalendarLog(got); b != nil {
		t.Fatalf("log does not verify: %s", b)
	}
	a, _ := json.Marshal(got[1].Year)
	w, _ := json.Marshal(entries[1].Year)
	if string(a) != string(w) || !got[1].LoadedAt.Equal(entries[1].LoadedAt) || got[1].Source != entries[1].Source {
		t.Fatalf("round trip:\n got %s %v\nwant %s %v", a, got[1].LoadedAt, w, entries[1].LoadedAt)
	}
	_, ys := engine.CurrentCalendars(got)
	for _, y := range ys {
		if y.Region == changed.Year.Region && y.Year == changed.Year.Year && y.Status != engine.YearPartial {
			t.Fatalf("the latest entry of %s %d is not the one in force", y.Region, y.Year)
		}
	}
	x := db.SQLX()
	for _, q := range []string{`UPDATE calendar_log SET basis = 'changed'`, `DELETE FROM calendar_log`} {
		if _, err := x.Exec(q); err == nil {
			t.Errorf("%s: accepted, want the trigger to reject it", q)
		}
	}
	// Tampering past the triggers is caught by the chain.
	tamper(t, db, "calendar_log", `UPDATE calendar_log SET basis = 'forged' WHERE seq = 2`)
	got, _ = db.CalendarEntries(ctx)
	if b := engine.VerifyCalendarLog(got); b == nil || b.Seq != 2 {
		t.Fatalf("tampered entry not found: %v", b)
	}
}

// tamper runs q with the append-only triggers of table out of the way.
func tamper(t *testing.T, db *store.DB, table, q string) {
	t.Helper()
	x := db.SQLX()
	var stmts []string
	if db.Dialect() == store.Postgres {
		stmts = []string{`ALTER TABLE ` + table + ` DISABLE TRIGGER USER`, q, `ALTER TABLE ` + table + ` ENABLE TRIGGER USER`}
	} else {
		stmts = []string{`DROP TRIGGER ` + table + `_no_update`, q,
			`CREATE TRIGGER ` + table + `_no_update BEFORE UPDATE ON ` + table + ` BEGIN SELECT RAISE(ABORT, '` + table + ` is append-only: UPDATE rejected'); END`}
	}
	for _, s := range stmts {
		if _, err := x.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// Items with a running period are found by region for recomputation;
// an item whose periods have ended is not.
func testItemsWithRunningPeriods(t *testing.T, db *store.DB) {
	h := harness(t, db)
	open := newItem(h)
	walkUntil(h, open.ID, "assign_experts") // the comment period has ended, no other runs
	running := newItem(h)
	walkUntil(h, running.ID, "schedule_hearing") // the comment period runs
	plain := newItem(h)
	got, err := db.ItemsWithRunningPeriods(ctx, []string{"cn"}, 0, 10)
	if err != nil || len(got) != 1 || got[0].ID != running.ID || got[0].Region != "cn" {
		t.Fatalf("running: %v %v (want only item %d; %d and %d have none)", ids(got), err, running.ID, open.ID, plain.ID)
	}
	if got, _ := db.ItemsWithRunningPeriods(ctx, []string{"cn-xj"}, 0, 10); len(got) != 0 {
		t.Fatalf("another region's items: %v", ids(got))
	}
	if got, _ := db.ItemsWithRunningPeriods(ctx, []string{"cn"}, running.ID, 10); len(got) != 0 {
		t.Fatalf("paging past the last: %v", ids(got))
	}
	if rs, err := db.RegionsInUse(ctx); err != nil || len(rs) != 2 || rs[0] != "cn" || rs[1] != "cn-xj" {
		t.Fatalf("regions in use %v %v", rs, err)
	}
}

func ids(items []*engine.Item) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

// walkUntil runs the major-decision script on item id up to (not
// including) the step whose event is until.
func walkUntil(h *enginetest.Harness, id int64, until string) {
	h.T.Helper()
	for _, s := range scenario.MajorDecision(cast()) {
		if s.Event == until {
			return
		}
		h.Step(id, s)
	}
}

// Loading a notice (here a marked test fixture for 2027, not the real
// notice) recomputes the running periods it touches: each affected item
// gains one system event naming the old and new due dates and the notice,
// items untouched gain none, and every chain still verifies.
func testCalendarImportRecomputesPeriods(t *testing.T, db *store.DB) {
	h := harness(t, db)
	cals := procedure.NewCalendars(db, h.Engine, nil)
	if err := cals.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	// A legality review submitted on 2026-12-24 counts into 2027.
	it := newItem(h)
	walkUntil(h, it.ID, "submit_legality_review")
	h.On("2026-12-24")
	h.Fire(it.ID, "submit_legality_review", enginetest.Organizer, map[string]any{"draft_sha256": scenario.DraftV1,
		"legal_basis": []any{"x"}, "procedures_account": "已履行"}, "")
	before := h.Item(it.ID)
	p := before.Record["periods"].(map[string]any)["legality_review"].(map[string]any)
	if p["due"] != "2027-01-04" || p["provisional"] != true {
		t.Fatalf("period before the notice: %v", p)
	}
	untouched := newItem(h) // no running period
	_, file, _, _ := runtime.Caller(0)
	data, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "calendars", "testdata", "cn-2027-FIXTURE.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := cals.ImportFile(ctx, procedure.Loader{Ref: "user:104", OrgID: enginetest.Org}, "cn-2027-FIXTURE.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changed) != 1 || res.Changed[0].Year != 2027 || res.Recomputed != 1 {
		t.Fatalf("import result %+v", res)
	}
	after := h.Item(it.ID)
	if after.Version != before.Version+1 {
		t.Fatalf("version %d → %d, want one event", before.Version, after.Version)
	}
	evs, _ := db.AuditEvents(ctx, enginetest.Org, it.ID)
	last := evs[len(evs)-1]
	var pl engine.RecomputePayload
	if err := json.Unmarshal(last.Payload, &pl); err != nil {
		t.Fatal(err)
	}
	// The fixture's 2027-01-01 … 01-03 holiday and 01-09 make-up day: the
	// 7th working day after 12-24 becomes 01-05.
	if last.Event != engine.RecomputeEvent || last.Actor != "system" || len(pl.Periods) != 1 || pl.Periods[0].OldDue != "2027-01-04" ||
		pl.Periods[0].NewDue != "2027-01-05" || pl.Periods[0].Provisional || len(pl.Changes) != 1 || pl.Changes[0].Seq != res.Changed[0].Seq {
		t.Fatalf("recompute event %s %s", last.Event, last.Payload)
	}
	if u := h.Item(untouched.ID); u.Version != 1 {
		t.Fatalf("an item without a running period gained an event (version %d)", u.Version)
	}
	if r, err := engine.Verify(ctx, db, 0, 0); err != nil || r.Break != nil {
		t.Fatalf("verify after recompute: %v %v", r.Break, err)
	}
	// The same file again changes nothing.
	if res, err := cals.ImportFile(ctx, procedure.Loader{Ref: "user:104", OrgID: enginetest.Org}, "again.yaml", data); err != nil ||
		len(res.Changed) != 0 || len(res.Unchanged) != 1 || res.Recomputed != 0 {
		t.Fatalf("second import %+v %v", res, err)
	}
	// A malformed file names its line and changes nothing.
	v, _ := db.CalendarVersion(ctx)
	_, err = cals.ImportFile(ctx, procedure.Loader{Ref: "user:104"}, "bad.yaml", []byte("region: cn\nyears:\n  2028:\n    status: complete\n    basis: x\n    workdays: [2028-01-04]\n"))
	if probs := procedure.ParseProblems(err); len(probs) != 1 || probs[0].Line != 6 || engine.ErrorCode(err) != engine.CodeInvalid {
		t.Fatalf("malformed file: %v %+v", err, probs)
	}
	if v2, _ := db.CalendarVersion(ctx); v2 != v {
		t.Fatalf("a refused file changed the log (%d → %d)", v, v2)
	}
}

// REGULATION.md §5–6 on a real database: an organisation in region cn-xj
// counts 2026 on the national calendar while Xinjiang's 2026 notice is
// not loaded, provisional for the regional part; a comment period opened
// on 2026-12-02 to 2027-01-08 is accepted, provisional for 2027.
func testRegionalAndNextYearPeriodsAreProvisional(t *testing.T, db *store.DB) {
	h := harness(t, db)
	dept, err := db.CreateDepartment(ctx, enginetest.OtherOrg, "高昌区发展和改革委员会")
	if err != nil {
		t.Fatal(err)
	}
	xj := engine.Actor{OrgID: enginetest.OtherOrg, UserID: 201, Name: "高昌区", Roles: []engine.Role{engine.RoleSecretariat, engine.RoleOrganizer}, DepartmentID: dept}
	open := func(a, sec engine.Actor, on, closes string) map[string]any {
		t.Helper()
		h.On(on)
		it := h.Create("major-decision", a, "事项", scenario.Proposal())
		h.Fire(it.ID, "start_decision", sec, map[string]any{"study_summary": "启动", "organizer_department_ids": []any{a.DepartmentID}}, "")
		h.Upload(it.ID, scenario.DraftV1Doc)
		h.Fire(it.ID, "record_draft", a, map[string]any{"draft_sha256": scenario.DraftV1, "legal_basis": []any{"x"}}, "")
		res, err := h.Engine.Fire(ctx, it.ID, "open_comment_period", a, engine.Input{Payload: map[string]any{
			"methods": []any{"public_comment"}, "channels": []any{"网站"}, "closes_on": closes}}, 0)
		if err != nil {
			t.Fatalf("open on %s to %s: %v", on, closes, err)
		}
		stored, err := db.GetItem(ctx, a.OrgID, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cp := stored.Record["periods"].(map[string]any)["comment_period"]; cp == nil || res.Item.Version != stored.Version {
			t.Fatalf("stored item differs from the committed one")
		}
		return stored.Record["periods"].(map[string]any)["comment_period"].(map[string]any)
	}
	p := open(xj, xj, "2026-09-04", "2026-10-05")
	r, _ := p["provisional_reason"].(map[string]any)
	if p["due"] != "2026-10-08" || p["provisional"] != true || r == nil || r["zh"] != "尚未载入新疆维吾尔自治区2026年节假日安排，暂按全国节假日安排计算" {
		t.Fatalf("cn-xj 2026 period %v", p)
	}
	p = open(enginetest.Organizer, enginetest.Secretariat, "2026-12-02", "2027-01-08")
	r, _ = p["provisional_reason"].(map[string]any)
	if p["due"] != "2027-01-08" || p["provisional"] != true || r == nil || r["zh"] != "尚未载入全国2027年节假日安排，暂按周末计算" {
		t.Fatalf("2027 period %v", p)
	}
}

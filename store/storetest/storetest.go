// Package storetest is the conformance suite every database behind
// store.DB must pass. store's own tests run it against PostgreSQL and
// SQLite; a new dialect is supported when Run passes on it.
package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/enginetest"
	"github.com/juece/juece/internal/scenario"
	"github.com/juece/juece/store"
)

// Open returns a freshly migrated, empty database for one test; the
// opener closes it when the test ends.
type Open func(t *testing.T) *store.DB

// Run runs the whole conformance suite, each case on its own database.
func Run(t *testing.T, open Open) {
	cases := []struct {
		name string
		fn   func(t *testing.T, db *store.DB)
	}{
		{"items/create_and_get_round_trip", testCreateAndGet},
		{"items/another_organisation_sees_not_found", testOrgIsolation},
		{"items/unknown_department_is_invalid_and_writes_nothing", testCreateBadDepartment},
		{"commit/stale_version_is_conflict_and_changes_nothing", testStaleVersion},
		{"commit/unknown_item_is_not_found", testCommitUnknown},
		{"commit/fifty_concurrent_fires_one_wins_rest_conflict", testConcurrentFires},
		{"audit/major_decision_walk_verifies", testWalkVerifies},
		{"audit/triggers_reject_update_and_delete", testAppendOnly},
		{"audit/verify_names_a_tampered_event", testTamperDetected},
		{"audit/verify_finds_an_item_changed_without_an_event", testItemChangedWithoutEvent},
		{"audit/events_of_unknown_item_are_not_found", testEventsUnknown},
		{"directory/organisations_departments_users", testDirectory},
		{"directory/counsel_and_law_firms", testCounsel},
		{"migrate/is_idempotent", testMigrateTwice},
		{"items/list_filters_scopes_and_pages", testListItems},
		{"accounts/sessions_tokens_and_security_log", testAccounts},
		{"accounts/update_user_ends_sessions", testUpdateUser},
		{"idempotency/claim_complete_replay_release", testIdempotency},
		{"documents/store_list_and_read_back", testDocuments},
		{"meetings/close_applies_all_decisions_or_none", testMeetingCloseAtomic},
		{"calendars/log_chains_skips_unchanged_and_is_append_only", testCalendarLog},
		{"calendars/items_with_running_periods_by_region", testItemsWithRunningPeriods},
		{"calendars/import_recomputes_running_periods_with_one_event_each", testCalendarImportRecomputesPeriods},
		{"calendars/regional_and_next_year_periods_are_provisional", testRegionalAndNextYearPeriodsAreProvisional},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, open(t))
		})
	}
}

var ctx = context.Background()

// SeedHarness creates the organisations and departments that the
// enginetest harness actors refer to (organisation 1 in "cn", 2 in "cn-xj",
// departments 10–12 of organisation 1) in an empty database.
func SeedHarness(t testing.TB, db *store.DB) {
	t.Helper()
	for _, o := range []struct {
		id           int64
		code, region string
	}{{enginetest.Org, "harness", "cn"}, {enginetest.OtherOrg, "other", "cn-xj"}} {
		id, err := db.CreateOrganisation(ctx, o.code, o.code+"人民政府", o.region)
		if err != nil || id != o.id {
			t.Fatalf("seed organisation %s: id %d, %v (want an empty database)", o.code, id, err)
		}
	}
	x := db.SQLX()
	for id, name := range map[int64]string{enginetest.DeptDevelopment: "发展改革委", enginetest.DeptTransport: "交通运输局", enginetest.DeptHousing: "住房城乡建设局"} {
		if _, err := x.Exec(x.Rebind(`INSERT INTO departments (id, org_id, name) VALUES (?, ?, ?)`), id, enginetest.Org, name); err != nil {
			t.Fatal(err)
		}
	}
	// The harness actors as users with their roles (the rules look them
	// up), the counsel retained by a firm for 2026-2027.
	for _, a := range enginetest.Actors {
		if _, err := x.Exec(x.Rebind(`INSERT INTO users (id, org_id, username, display_name, password_hash, department_id) VALUES (?, ?, ?, ?, 'x', ?)`),
			a.UserID, a.OrgID, fmt.Sprintf("u%d", a.UserID), a.Name, nullDept(a)); err != nil {
			t.Fatal(err)
		}
		for _, r := range a.Roles {
			if _, err := x.Exec(x.Rebind(`INSERT INTO user_roles (org_id, user_id, role) VALUES (?, ?, ?)`), a.OrgID, a.UserID, string(r)); err != nil {
				t.Fatal(err)
			}
		}
	}
	firm, err := db.CreateLawFirm(ctx, enginetest.Org, "明德律师事务所")
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range []engine.Actor{enginetest.Counsel, enginetest.Counsel2} {
		if _, err := db.CreateCounsel(ctx, engine.Counsel{OrgID: enginetest.Org, UserID: a.UserID, LawFirmID: firm,
			LicenceNo: fmt.Sprintf("1650120181000%04d", i), ContractFrom: "2026-01-01", ContractTo: "2027-12-31"}); err != nil {
			t.Fatal(err)
		}
	}
	if db.Dialect() == store.Postgres {
		for _, q := range []string{`SELECT setval(pg_get_serial_sequence('departments', 'id'), 100)`, `SELECT setval(pg_get_serial_sequence('users', 'id'), 1000)`} {
			if _, err := x.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func nullDept(a engine.Actor) any {
	if a.DepartmentID == 0 || a.OrgID != enginetest.Org {
		return nil
	}
	return a.DepartmentID
}

var startInput = engine.Input{Payload: scenario.MajorDecision(cast())[0].Payload}

func harness(t *testing.T, db *store.DB) *enginetest.Harness {
	SeedHarness(t, db)
	return enginetest.NewWithStore(t, db, "2026-01-05")
}

func newItem(h *enginetest.Harness) *engine.Item {
	return h.Create("major-decision", enginetest.Organizer, "关于老旧小区加装电梯的实施意见", scenario.Proposal())
}

func cast() scenario.Cast {
	return scenario.Cast{Organizer: enginetest.Organizer, Secretariat: enginetest.Secretariat, LegalOffice: enginetest.LegalOffice,
		Counsel: enginetest.Counsel, Expert: enginetest.Expert, RiskAssessor: enginetest.RiskAssessor,
		ChiefExecutive: enginetest.ChiefExecutive, Executor: enginetest.Executor, Evaluator: enginetest.Evaluator,
		OrganizerDept: enginetest.DeptDevelopment, ExecutorDept: enginetest.DeptHousing}
}

func testCreateAndGet(t *testing.T, db *store.DB) {
	h := harness(t, db)
	it := newItem(h)
	got := h.Item(it.ID)
	if got.ID != it.ID || got.OrgID != enginetest.Org || got.WorkflowID != "major-decision" || got.WorkflowVersion != it.WorkflowVersion ||
		got.Title != it.Title || got.DepartmentID != enginetest.DeptDevelopment || got.State != it.State || got.Version != 1 ||
		got.Region != "cn" || got.CreatedBy != it.CreatedBy {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, it)
	}
	if !got.CreatedAt.Equal(it.CreatedAt) || !got.UpdatedAt.Equal(it.UpdatedAt) {
		t.Errorf("times: got %v/%v want %v/%v", got.CreatedAt, got.UpdatedAt, it.CreatedAt, it.UpdatedAt)
	}
	if string(got.Head) != string(it.Head) || len(got.Head) != 32 {
		t.Errorf("head %x, want %x", got.Head, it.Head)
	}
	a, _ := json.Marshal(got.Record)
	b, _ := json.Marshal(it.Record)
	if string(a) != string(b) {
		t.Errorf("record:\n got %s\nwant %s", a, b)
	}
	evs, err := db.AuditEvents(ctx, enginetest.Org, it.ID)
	if err != nil || len(evs) != 1 || evs[0].Seq != 1 || string(evs[0].Hash) != string(it.Head) {
		t.Fatalf("genesis event: %v %v", evs, err)
	}
}

func testOrgIsolation(t *testing.T, db *store.DB) {
	h := harness(t, db)
	it := newItem(h)
	if _, err := db.GetItem(ctx, enginetest.OtherOrg, it.ID); engine.ErrorCode(err) != engine.CodeNotFound {
		t.Errorf("GetItem from another organisation: %v, want not_found", err)
	}
	if _, err := db.AuditEvents(ctx, enginetest.OtherOrg, it.ID); engine.ErrorCode(err) != engine.CodeNotFound {
		t.Errorf("AuditEvents from another organisation: %v, want not_found", err)
	}
	if _, err := db.GetItem(ctx, enginetest.Org, it.ID+1000); engine.ErrorCode(err) != engine.CodeNotFound {
		t.Errorf("unknown id: %v, want not_found", err)
	}
	other := *it
	other.OrgID = enginetest.OtherOrg
	ev := &engine.AuditEvent{OrgID: other.OrgID, ItemID: it.ID, Seq: 2}
	other.Version = 2
	if err := db.CommitTransition(ctx, &other, 1, ev); engine.ErrorCode(err) != engine.CodeNotFound {
		t.Errorf("commit from another organisation: %v, want not_found", err)
	}
	if _, err := h.Engine.Fire(ctx, it.ID, "accept", enginetest.Stranger, startInput, 0); engine.ErrorCode(err) != engine.CodeNotFound {
		t.Errorf("fire from another organisation: %v, want not_found", err)
	}
	if got := h.Item(it.ID); got.Version != 1 {
		t.Errorf("version moved to %d", got.Version)
	}
}

func testCreateBadDepartment(t *testing.T, db *store.DB) {
	h := harness(t, db)
	a := enginetest.Organizer
	a.DepartmentID = 999
	_, err := h.Engine.Create(ctx, a, engine.CreateInput{WorkflowID: "major-decision", Title: "x", Input: engine.Input{Payload: scenario.Proposal()}})
	if engine.ErrorCode(err) != engine.CodeInvalid {
		t.Fatalf("create with unknown department: %v, want invalid", err)
	}
	var n int
	db.SQLX().Get(&n, `SELECT COUNT(*) FROM items`)
	var m int
	db.SQLX().Get(&m, `SELECT COUNT(*) FROM audit_events`)
	if n != 0 || m != 0 {
		t.Fatalf("half-written: %d items, %d events", n, m)
	}
}

func testStaleVersion(t *testing.T, db *store.DB) {
	h := harness(t, db)
	it := newItem(h)
	before := h.Item(it.ID)
	_, err := h.Engine.Fire(ctx, it.ID, "start_decision", enginetest.Secretariat, startInput, 7)
	if engine.ErrorCode(err) != engine.CodeConflict {
		t.Fatalf("engine stale version: %v, want conflict", err)
	}
	// Below the engine: a commit whose expected version is stale.
	moved := *before
	moved.State, moved.Version = "drafting", 2
	ev := &engine.AuditEvent{OrgID: moved.OrgID, ItemID: moved.ID, Seq: 2, At: time.Now(), Payload: json.RawMessage(`{}`), PrevHash: before.Head, Hash: make([]byte, 32)}
	if err := db.CommitTransition(ctx, &moved, 5, ev); engine.ErrorCode(err) != engine.CodeConflict {
		t.Fatalf("store stale version: %v, want conflict", err)
	}
	after := h.Item(it.ID)
	if after.State != before.State || after.Version != 1 || string(after.Head) != string(before.Head) {
		t.Fatalf("a conflict changed the item: %+v", after)
	}
	if evs, _ := db.AuditEvents(ctx, enginetest.Org, it.ID); len(evs) != 1 {
		t.Fatalf("a conflict appended an event: %d events", len(evs))
	}
}

func testCommitUnknown(t *testing.T, db *store.DB) {
	SeedHarness(t, db)
	it := &engine.Item{ID: 4242, OrgID: enginetest.Org, State: "x", Version: 2, Record: engine.Record{}}
	ev := &engine.AuditEvent{OrgID: enginetest.Org, ItemID: 4242, Seq: 2, Payload: json.RawMessage(`{}`), PrevHash: make([]byte, 32), Hash: make([]byte, 32)}
	if err := db.CommitTransition(ctx, it, 1, ev); engine.ErrorCode(err) != engine.CodeNotFound {
		t.Fatalf("commit unknown item: %v, want not_found", err)
	}
}

// DESIGN.md "The transition": a version-checked UPDATE and the audit
// append in one transaction; of concurrent fires at the same version one
// wins and the others get conflict.
func testConcurrentFires(t *testing.T, db *store.DB) {
	h := harness(t, db)
	it := newItem(h)
	const n = 50
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		mu    sync.Mutex
		codes = map[engine.Code]int{}
		ok    int
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := h.Engine.Fire(ctx, it.ID, "start_decision", enginetest.Secretariat, startInput, 1)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
				return
			}
			codes[engine.ErrorCode(err)]++
			if engine.ErrorCode(err) != engine.CodeConflict {
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if ok != 1 || codes[engine.CodeConflict] != n-1 {
		t.Fatalf("%d successes and %v, want 1 success and %d conflicts", ok, codes, n-1)
	}
	got := h.Item(it.ID)
	if got.Version != 2 {
		t.Fatalf("version %d, want 2", got.Version)
	}
	res := h.Verify()
	if res.Events != 2 {
		t.Fatalf("verified %d events, want 2", res.Events)
	}
}

func testWalkVerifies(t *testing.T, db *store.DB) {
	h := harness(t, db)
	it := newItem(h)
	for _, s := range scenario.MajorDecision(cast()) {
		h.Step(it.ID, s)
	}
	got := h.Item(it.ID)
	if got.State != "archived" {
		t.Fatalf("state %s, want archived", got.State)
	}
	res := h.Verify()
	if res.Items != 1 || res.Events != got.Version {
		t.Fatalf("verified %d items %d events, want 1 and %d", res.Items, res.Events, got.Version)
	}
	evs, err := db.AuditEvents(ctx, enginetest.Org, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range evs {
		if ev.Seq != i+1 {
			t.Fatalf("event %d has seq %d", i, ev.Seq)
		}
	}
}

func testAppendOnly(t *testing.T, db *store.DB) {
	h := harness(t, db)
	it := newItem(h)
	x := db.SQLX()
	for _, q := range []string{
		`UPDATE audit_events SET reason = 'changed' WHERE item_id = ?`,
		`DELETE FROM audit_events WHERE item_id = ?`,
	} {
		if _, err := x.Exec(x.Rebind(q), it.ID); err == nil {
			t.Errorf("%s: accepted, want the trigger to reject it", q)
		}
	}
	if evs, _ := db.AuditEvents(ctx, enginetest.Org, it.ID); len(evs) != 1 || evs[0].Reason != "" {
		t.Fatalf("audit event changed: %+v", evs)
	}
}

// TamperEvent rewrites the reason of event seq of item directly in SQL,
// bypassing the append-only triggers, as an attacker with database access
// could. The triggers are back in force afterwards.
func TamperEvent(t testing.TB, db *store.DB, item int64, seq int, reason string) {
	t.Helper()
	x := db.SQLX()
	tx, err := x.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var stmts []string
	if db.Dialect() == store.Postgres {
		stmts = []string{
			`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`,
			`UPDATE audit_events SET reason = $1 WHERE item_id = $2 AND seq = $3`,
			`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`,
		}
	} else {
		var ddl string
		if err := tx.Get(&ddl, `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_events_no_update'`); err != nil {
			t.Fatal(err)
		}
		stmts = []string{`DROP TRIGGER audit_events_no_update`, `UPDATE audit_events SET reason = ? WHERE item_id = ? AND seq = ?`, ddl}
	}
	for _, s := range stmts {
		var err error
		if len(s) > 6 && s[:6] == "UPDATE" {
			var res interface{ RowsAffected() (int64, error) }
			res, err = tx.Exec(s, reason, item, seq)
			if err == nil {
				if n, _ := res.RowsAffected(); n != 1 {
					t.Fatalf("tamper: %d rows", n)
				}
			}
		} else {
			_, err = tx.Exec(s)
		}
		if err != nil {
			t.Fatalf("tamper %q: %v", s, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func testTamperDetected(t *testing.T, db *store.DB) {
	h := harness(t, db)
	a, b := newItem(h), newItem(h)
	steps := scenario.MajorDecision(cast())[:6]
	for _, id := range []int64{a.ID, b.ID} {
		for _, s := range steps {
			h.Step(id, s)
		}
	}
	h.Verify()
	TamperEvent(t, db, b.ID, 4, "事后篡改的理由")
	res, err := engine.Verify(ctx, db, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Break == nil || res.Break.ItemID != b.ID || res.Break.Seq != 4 {
		t.Fatalf("verify: %+v, want a break at item %d event 4", res.Break, b.ID)
	}
	// The untouched item still verifies on its own.
	if res, _ := engine.Verify(ctx, db, enginetest.Org, a.ID); res.Break != nil {
		t.Fatalf("untouched item reported broken: %+v", res.Break)
	}
	// And the triggers are in force again.
	if _, err := db.SQLX().Exec(db.SQLX().Rebind(`DELETE FROM audit_events WHERE item_id = ?`), b.ID); err == nil {
		t.Fatal("trigger not restored after tampering")
	}
}

// An item's state, title or record changed in the database with no event
// behind it does not match what its last event sealed (audit encoding v2):
// Verify names the item; the others still verify.
func testItemChangedWithoutEvent(t *testing.T, db *store.DB) {
	h := harness(t, db)
	record := `UPDATE items SET record = json_set(record, '$.proposal.problem', '被改写') WHERE id = ?`
	if db.Dialect() == store.Postgres {
		record = `UPDATE items SET record = jsonb_set(record, '{proposal,problem}', '"被改写"') WHERE id = ?`
	}
	for _, q := range []string{`UPDATE items SET state = 'archived' WHERE id = ?`, `UPDATE items SET title = '另一个标题' WHERE id = ?`, record} {
		clean, victim := newItem(h), newItem(h)
		for _, s := range scenario.MajorDecision(cast())[:3] {
			h.Step(clean.ID, s)
			h.Step(victim.ID, s)
		}
		if res, _ := engine.Verify(ctx, db, enginetest.Org, victim.ID); res.Break != nil {
			t.Fatalf("before the change: %+v", res.Break)
		}
		if _, err := db.SQLX().Exec(db.SQLX().Rebind(q), victim.ID); err != nil {
			t.Fatal(err)
		}
		res, err := engine.Verify(ctx, db, enginetest.Org, victim.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Break == nil || res.Break.ItemID != victim.ID {
			t.Fatalf("%s: verify %+v, want the item named", q, res.Break)
		}
		if res, _ := engine.Verify(ctx, db, enginetest.Org, clean.ID); res.Break != nil {
			t.Fatalf("untouched item reported broken: %+v", res.Break)
		}
	}
}

func testEventsUnknown(t *testing.T, db *store.DB) {
	SeedHarness(t, db)
	if _, err := db.AuditEvents(ctx, enginetest.Org, 99); engine.ErrorCode(err) != engine.CodeNotFound {
		t.Fatalf("%v, want not_found", err)
	}
	res, err := engine.Verify(ctx, db, 0, 99)
	if err != nil || res.Items != 0 {
		t.Fatalf("verify unknown item: %+v %v", res, err)
	}
}

func testDirectory(t *testing.T, db *store.DB) {
	org, err := db.CreateOrganisation(ctx, "gaochang", "高昌区人民政府", "cn-xj")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateOrganisation(ctx, "gaochang", "重复", ""); engine.ErrorCode(err) != engine.CodeConflict {
		t.Errorf("duplicate code: %v, want conflict", err)
	}
	if _, err := db.CreateOrganisation(ctx, " ", "x", ""); engine.ErrorCode(err) != engine.CodeInvalid {
		t.Errorf("empty code: %v, want invalid", err)
	}
	o, err := db.GetOrganisationByCode(ctx, "gaochang")
	if err != nil || o.ID != org || o.Region != "cn-xj" || o.Name != "高昌区人民政府" {
		t.Fatalf("get organisation: %+v %v", o, err)
	}
	if _, err := db.GetOrganisationByCode(ctx, "nowhere"); engine.ErrorCode(err) != engine.CodeNotFound {
		t.Errorf("unknown code: %v", err)
	}
	other, _ := db.CreateOrganisation(ctx, "other", "另一机关", "")
	dept, err := db.CreateDepartment(ctx, org, "区司法局")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateDepartment(ctx, org, "区司法局"); engine.ErrorCode(err) != engine.CodeConflict {
		t.Errorf("duplicate department: %v, want conflict", err)
	}
	if _, err := db.CreateDepartment(ctx, 999, "x"); engine.ErrorCode(err) != engine.CodeInvalid {
		t.Errorf("department of unknown organisation: %v, want invalid", err)
	}
	ds, err := db.ListDepartments(ctx, org)
	if err != nil || len(ds) != 1 || ds[0].ID != dept || ds[0].Name != "区司法局" || ds[0].OrgID != org {
		t.Fatalf("list departments: %+v %v", ds, err)
	}
	u := &store.User{OrgID: org, Username: "sfj", DisplayName: "陈静", PasswordHash: "$2a$10$hash", DepartmentID: dept,
		Roles: []engine.Role{engine.RoleLegalOffice, engine.RoleMember}}
	id, err := db.CreateUser(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.GetUserByUsername(ctx, org, "sfj")
	if err != nil || got.ID != id || got.DepartmentID != dept || len(got.Roles) != 2 || !got.Active || got.PasswordHash != "$2a$10$hash" {
		t.Fatalf("get user: %+v %v", got, err)
	}
	if a := got.Actor(); !a.Has(engine.RoleLegalOffice) || a.OrgID != org || a.UserID != id {
		t.Errorf("actor %+v", a)
	}
	if _, err := db.GetUser(ctx, other, id); engine.ErrorCode(err) != engine.CodeNotFound {
		t.Errorf("user seen from another organisation: %v", err)
	}
	for name, bad := range map[string]*store.User{
		"duplicate username":             {OrgID: org, Username: "sfj", PasswordHash: "h"},
		"unknown role":                   {OrgID: org, Username: "x1", PasswordHash: "h", Roles: []engine.Role{"king"}},
		"department of another org":      {OrgID: other, Username: "x2", PasswordHash: "h", DepartmentID: dept},
		"empty password hash":            {OrgID: org, Username: "x3"},
		"role twice (primary key clash)": {OrgID: org, Username: "x4", PasswordHash: "h", Roles: []engine.Role{engine.RoleMember, engine.RoleMember}},
	} {
		if _, err := db.CreateUser(ctx, bad); err == nil {
			t.Errorf("%s: accepted", name)
		} else if c := engine.ErrorCode(err); c != engine.CodeInvalid && c != engine.CodeConflict {
			t.Errorf("%s: %v, want invalid or conflict", name, err)
		}
	}
	if _, err := db.GetUserByUsername(ctx, org, "x4"); engine.ErrorCode(err) != engine.CodeNotFound {
		t.Errorf("a failed CreateUser left a user behind: %v", err)
	}
}

func testCounsel(t *testing.T, db *store.DB) {
	org, _ := db.CreateOrganisation(ctx, "demo", "示范区人民政府", "")
	other, _ := db.CreateOrganisation(ctx, "other", "另一机关", "")
	firm, err := db.CreateLawFirm(ctx, org, "明德律师事务所")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateLawFirm(ctx, org, "明德律师事务所"); engine.ErrorCode(err) != engine.CodeConflict {
		t.Errorf("duplicate firm: %v", err)
	}
	u := &store.User{OrgID: org, Username: "lawyer", DisplayName: "杨律师", PasswordHash: "h", Roles: []engine.Role{engine.RoleCounsel}}
	uid, err := db.CreateUser(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	good := store.Counsel{OrgID: org, UserID: uid, LawFirmID: firm, LicenceNo: "16501201810001234", ContractFrom: "2026-01-01", ContractTo: "2027-12-31"}
	if _, err := db.CreateCounsel(ctx, good); err != nil {
		t.Fatal(err)
	}
	cs, err := db.ListCounsel(ctx, org)
	if err != nil || len(cs) != 1 || cs[0].ContractFrom != "2026-01-01" || cs[0].ContractTo != "2027-12-31" || cs[0].LawFirmID != firm {
		t.Fatalf("list counsel: %+v %v", cs, err)
	}
	bad := func(f func(c *store.Counsel)) store.Counsel { c := good; f(&c); return c }
	for name, c := range map[string]store.Counsel{
		"already counsel":   good,
		"reversed dates":    bad(func(c *store.Counsel) { c.ContractTo = "2025-01-01" }),
		"malformed date":    bad(func(c *store.Counsel) { c.ContractFrom = "2026/01/01" }),
		"no licence":        bad(func(c *store.Counsel) { c.LicenceNo = " " }),
		"firm of other org": bad(func(c *store.Counsel) { c.OrgID = other }),
	} {
		if _, err := db.CreateCounsel(ctx, c); err == nil {
			t.Errorf("%s: accepted", name)
		} else if code := engine.ErrorCode(err); code != engine.CodeInvalid && code != engine.CodeConflict {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func testMigrateTwice(t *testing.T, db *store.DB) {
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	lines, err := db.MigrateReport(ctx)
	if err != nil || len(lines) != 0 {
		t.Fatalf("third migrate applied %v, %v", lines, err)
	}
	if err := db.Ready(ctx); err != nil {
		t.Fatal(err)
	}
}

func testListItems(t *testing.T, db *store.DB) {
	h := harness(t, db)
	var ids []int64
	for range 5 {
		ids = append(ids, newItem(h).ID)
	}
	other := h.Create("major-decision", enginetest.OtherDeptOrg, "交通局的事项", scenario.Proposal())
	walk := scenario.MajorDecision(cast())
	// ids[0]: walk to the legality review with counsel assigned.
	for _, s := range walk {
		if s.Event == "record_counsel_opinion" {
			break
		}
		h.Step(ids[0], s)
	}
	list := func(q engine.ItemQuery) []int64 {
		q.OrgID = enginetest.Org
		items, err := db.ListItems(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]int64, len(items))
		for i, it := range items {
			out[i] = it.ID
		}
		return out
	}
	if got := list(engine.ItemQuery{}); len(got) != 6 || got[0] != other.ID {
		t.Fatalf("all, newest first: %v", got)
	}
	if got := list(engine.ItemQuery{States: []string{"legality_review"}}); len(got) != 1 || got[0] != ids[0] {
		t.Fatalf("by state: %v", got)
	}
	if got := list(engine.ItemQuery{DepartmentID: enginetest.DeptTransport}); len(got) != 1 || got[0] != other.ID {
		t.Fatalf("by department: %v", got)
	}
	if got := list(engine.ItemQuery{Scope: &engine.ItemScope{AssignedUser: enginetest.Counsel.UserID}}); len(got) != 1 || got[0] != ids[0] {
		t.Fatalf("assigned to counsel: %v", got)
	}
	if got := list(engine.ItemQuery{Scope: &engine.ItemScope{AssignedUser: enginetest.Counsel2.UserID}}); len(got) != 0 {
		t.Fatalf("counsel not assigned sees %v", got)
	}
	if got := list(engine.ItemQuery{Scope: &engine.ItemScope{DepartmentID: enginetest.DeptTransport, AssignedUser: enginetest.Counsel.UserID}}); len(got) != 2 {
		t.Fatalf("scope parts are ORed: %v", got)
	}
	if got := list(engine.ItemQuery{Scope: &engine.ItemScope{}}); len(got) != 0 {
		t.Fatalf("an empty scope sees %v", got)
	}
	if got := list(engine.ItemQuery{Text: "加装电梯"}); len(got) != 5 {
		t.Fatalf("text: %v", got)
	}
	if got := list(engine.ItemQuery{Text: "100%_"}); len(got) != 0 {
		t.Fatalf("LIKE wildcards must be literal: %v", got)
	}
	page1 := list(engine.ItemQuery{Limit: 4})
	page2 := list(engine.ItemQuery{Limit: 4, Before: page1[len(page1)-1]})
	if len(page1) != 4 || len(page2) != 2 || page2[0] >= page1[3] {
		t.Fatalf("pages %v %v", page1, page2)
	}
	items, _ := db.ListItems(ctx, engine.ItemQuery{OrgID: enginetest.OtherOrg})
	if len(items) != 0 {
		t.Fatalf("another organisation lists %d items", len(items))
	}
	// Due dates: an enforcement case under review is due in 10 working
	// days; overdue once that day has passed.
	h.On("2026-04-01")
	ec := h.Create("enforcement-review", enginetest.Organizer, "执法案件", map[string]any{"action_type": "penalty", "triggers": []any{"major_rights"}})
	h.Fire(ec.ID, "submit_for_review", enginetest.Organizer, map[string]any{"materials": []any{"调查报告"}, "facts_summary": "x",
		"proposed_decision": "y", "discretion_benchmark": "z"}, "")
	if got := h.Item(ec.ID).DueOn; got != "2026-04-16" {
		t.Fatalf("due %q", got)
	}
	if got := list(engine.ItemQuery{DueBefore: "2026-04-16"}); len(got) != 0 {
		t.Fatalf("not yet overdue: %v", got)
	}
	if got := list(engine.ItemQuery{DueBefore: "2026-04-17"}); len(got) != 1 || got[0] != ec.ID {
		t.Fatalf("overdue: %v", got)
	}
}

func testAccounts(t *testing.T, db *store.DB) {
	org, _ := db.CreateOrganisation(ctx, "demo", "示范区", "")
	other, _ := db.CreateOrganisation(ctx, "other", "另一区", "")
	u := &store.User{OrgID: org, Username: "a", DisplayName: "甲", PasswordHash: "h", Roles: []engine.Role{engine.RoleMember}}
	if _, err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	s := engine.Session{TokenHash: []byte("0123456789abcdef0123456789abcdef"), OrgID: org, UserID: u.ID, CSRFToken: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, gu, err := db.GetSession(ctx, s.TokenHash, now.Add(time.Minute))
	if err != nil || got.UserID != u.ID || gu.Username != "a" || got.CSRFToken != "c" {
		t.Fatalf("session: %+v %+v %v", got, gu, err)
	}
	if _, _, err := db.GetSession(ctx, s.TokenHash, now.Add(2*time.Hour)); engine.ErrorCode(err) != engine.CodeUnauthenticated {
		t.Fatalf("expired session: %v", err)
	}
	if n, err := db.DeleteExpiredSessions(ctx, now.Add(2*time.Hour)); err != nil || n != 1 {
		t.Fatalf("expired sessions removed: %d %v", n, err)
	}
	exp := now.Add(24 * time.Hour)
	tok := &engine.APIToken{OrgID: org, UserID: u.ID, Name: "OA", Prefix: "jt_abc", TokenHash: []byte("tokenhash-tokenhash-tokenhash-32"), CreatedAt: now, ExpiresAt: &exp}
	if err := db.CreateAPIToken(ctx, tok); err != nil || tok.ID == 0 {
		t.Fatalf("create token: %v", err)
	}
	if _, au, err := db.AuthenticateToken(ctx, tok.TokenHash, now); err != nil || au.ID != u.ID {
		t.Fatalf("authenticate: %v", err)
	}
	if _, _, err := db.AuthenticateToken(ctx, tok.TokenHash, exp.Add(time.Second)); engine.ErrorCode(err) != engine.CodeUnauthenticated {
		t.Fatalf("expired token: %v", err)
	}
	if err := db.RevokeAPIToken(ctx, other, 0, tok.ID, now); engine.ErrorCode(err) != engine.CodeNotFound {
		t.Fatalf("revoke from another organisation: %v", err)
	}
	if err := db.RevokeAPIToken(ctx, org, u.ID, tok.ID, now); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.AuthenticateToken(ctx, tok.TokenHash, now); engine.ErrorCode(err) != engine.CodeUnauthenticated {
		t.Fatalf("revoked token: %v", err)
	}
	ts, err := db.ListAPITokens(ctx, org, u.ID)
	if err != nil || len(ts) != 1 || ts[0].RevokedAt == nil || ts[0].LastUsedAt == nil {
		t.Fatalf("list tokens: %+v %v", ts, err)
	}
	if err := db.RecordSecurityEvent(ctx, engine.SecurityEvent{OrgID: org, At: now, Kind: "login_failed", Username: "a", IP: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.CountSecurityEvents(ctx, "login_failed", "a", now.Add(-time.Minute)); err != nil || n != 1 {
		t.Fatalf("security log: %d %v", n, err)
	}
}

func testUpdateUser(t *testing.T, db *store.DB) {
	org, _ := db.CreateOrganisation(ctx, "demo", "示范区", "")
	dept, _ := db.CreateDepartment(ctx, org, "司法局")
	u := &store.User{OrgID: org, Username: "a", PasswordHash: "h", Roles: []engine.Role{engine.RoleMember}}
	db.CreateUser(ctx, u)
	now := time.Now()
	db.CreateSession(ctx, engine.Session{TokenHash: []byte("s1"), OrgID: org, UserID: u.ID, CSRFToken: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
	roles := []engine.Role{engine.RoleLegalOffice}
	name, inactive := "乙", false
	got, err := db.UpdateUser(ctx, org, u.ID, store.UserUpdate{DisplayName: &name, DepartmentID: &dept, Roles: &roles, Active: &inactive})
	if err != nil || got.DisplayName != "乙" || got.DepartmentID != dept || len(got.Roles) != 1 || got.Roles[0] != engine.RoleLegalOffice || got.Active {
		t.Fatalf("update: %+v %v", got, err)
	}
	if _, _, err := db.GetSession(ctx, []byte("s1"), now); engine.ErrorCode(err) != engine.CodeUnauthenticated {
		t.Fatalf("a deactivated user's session survives: %v", err)
	}
	bad := []engine.Role{"king"}
	if _, err := db.UpdateUser(ctx, org, u.ID, store.UserUpdate{Roles: &bad}); engine.ErrorCode(err) != engine.CodeInvalid {
		t.Fatalf("unknown role: %v", err)
	}
	if _, err := db.UpdateUser(ctx, org, 9999, store.UserUpdate{DisplayName: &name}); engine.ErrorCode(err) != engine.CodeNotFound {
		t.Fatalf("unknown user: %v", err)
	}
	us, err := db.ListUsers(ctx, org, 0, 10)
	if err != nil || len(us) != 1 || us[0].Roles[0] != engine.RoleLegalOffice {
		t.Fatalf("list users: %+v %v", us, err)
	}
}

func testIdempotency(t *testing.T, db *store.DB) {
	org, _ := db.CreateOrganisation(ctx, "demo", "示范区", "")
	now := time.Now()
	rec, err := db.ClaimIdempotencyKey(ctx, org, "user:1", "k", []byte("h1"), now)
	if err != nil || rec != nil {
		t.Fatalf("first claim: %+v %v", rec, err)
	}
	rec, err = db.ClaimIdempotencyKey(ctx, org, "user:1", "k", []byte("h1"), now)
	if err != nil || rec == nil || rec.Status != 0 {
		t.Fatalf("claim while running: %+v %v", rec, err)
	}
	if err := db.CompleteIdempotencyKey(ctx, org, "user:1", "k", 201, map[string]string{"ETag": `"1"`}, []byte(`{"id":1}`)); err != nil {
		t.Fatal(err)
	}
	rec, err = db.ClaimIdempotencyKey(ctx, org, "user:1", "k", []byte("h1"), now)
	if err != nil || rec.Status != 201 || string(rec.Body) != `{"id":1}` || rec.Headers["ETag"] != `"1"` || string(rec.RequestHash) != "h1" {
		t.Fatalf("replay: %+v %v", rec, err)
	}
	// Keys are per principal.
	if rec, err := db.ClaimIdempotencyKey(ctx, org, "user:2", "k", []byte("h1"), now); err != nil || rec != nil {
		t.Fatalf("another principal's key: %+v %v", rec, err)
	}
	if err := db.ReleaseIdempotencyKey(ctx, org, "user:2", "k"); err != nil {
		t.Fatal(err)
	}
	if rec, err := db.ClaimIdempotencyKey(ctx, org, "user:2", "k", []byte("h2"), now); err != nil || rec != nil {
		t.Fatalf("claim after release: %+v %v", rec, err)
	}
	// A claim abandoned in progress (its request died) is taken over after
	// store.IdempotencyAbandoned, not before.
	if rec, err := db.ClaimIdempotencyKey(ctx, org, "user:2", "k", []byte("h2"), now.Add(time.Minute)); err != nil || rec == nil || rec.Status != 0 {
		t.Fatalf("claim in progress: %+v %v", rec, err)
	}
	if rec, err := db.ClaimIdempotencyKey(ctx, org, "user:2", "k", []byte("h3"), now.Add(store.IdempotencyAbandoned+time.Minute)); err != nil || rec != nil {
		t.Fatalf("abandoned claim not taken over: %+v %v", rec, err)
	}
}

func testDocuments(t *testing.T, db *store.DB) {
	h := harness(t, db)
	it := newItem(h)
	d := &engine.Document{OrgID: enginetest.Org, ItemID: it.ID, Kind: "draft", Filename: "草案.pdf", ContentType: "application/pdf",
		Content: []byte("%PDF-1.4 draft"), UploadedBy: "user:101", CreatedAt: time.Now()}
	if err := db.CreateDocument(ctx, d); err != nil || d.ID == 0 || d.Size != 14 || len(d.SHA256) != 64 {
		t.Fatalf("create: %+v %v", d, err)
	}
	got, err := db.GetDocument(ctx, enginetest.Org, it.ID, d.ID)
	if err != nil || string(got.Content) != "%PDF-1.4 draft" || got.SHA256 != d.SHA256 || got.Filename != "草案.pdf" {
		t.Fatalf("read back: %+v %v", got, err)
	}
	if _, err := db.GetDocument(ctx, enginetest.OtherOrg, it.ID, d.ID); engine.ErrorCode(err) != engine.CodeNotFound {
		t.Fatalf("another organisation reads it: %v", err)
	}
	ds, err := db.ListDocuments(ctx, enginetest.Org, it.ID)
	if err != nil || len(ds) != 1 || ds[0].Content != nil {
		t.Fatalf("list: %+v %v", ds, err)
	}
	bad := *d
	bad.OrgID = enginetest.OtherOrg
	if err := db.CreateDocument(ctx, &bad); engine.ErrorCode(err) != engine.CodeNotFound {
		t.Fatalf("document on another organisation's item: %v", err)
	}
}

// Decree 713 Art. 30 and the API issue: closing a meeting applies every
// agenda item's decision at once; when one item's transition cannot be
// committed (it changed meanwhile), nothing changes — no item moves, no
// minutes are stored, the meeting stays open.
func testMeetingCloseAtomic(t *testing.T, db *store.DB) {
	h := harness(t, db)
	walk := scenario.MajorDecision(cast())
	var ids []int64
	for range 2 {
		it := newItem(h)
		for _, s := range walk {
			if s.Event == scenario.MeetingStep {
				break
			}
			h.Step(it.ID, s)
		}
		ids = append(ids, it.ID)
	}
	m := &engine.Meeting{OrgID: enginetest.Org, Kind: "executive", Number: "第1次常务会议", HeldOn: "2026-03-03",
		MemberUserIDs: []int64{enginetest.ChiefExecutive.UserID, 301}, ChiefExecutiveUserID: enginetest.ChiefExecutive.UserID,
		CreatedBy: "user:103", CreatedAt: time.Now()}
	if err := db.CreateMeeting(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateMeeting(ctx, &engine.Meeting{OrgID: enginetest.Org, Kind: "executive", Number: "第1次常务会议", HeldOn: "2026-03-03",
		CreatedBy: "x", CreatedAt: time.Now()}); engine.ErrorCode(err) != engine.CodeConflict {
		t.Fatalf("duplicate meeting number: %v", err)
	}
	agenda := map[string]any{"meeting_id": m.ID, "meeting_type": "executive", "meeting_no": m.Number, "meeting_on": m.HeldOn,
		"member_user_ids": []any{enginetest.ChiefExecutive.UserID, int64(301)}, "chief_executive_user_id": enginetest.ChiefExecutive.UserID,
		"package_sha256": scenario.SHA("package")}
	for _, id := range ids {
		tr, err := h.Engine.Prepare(ctx, id, "place_on_agenda", enginetest.Secretariat, engine.Input{Payload: agenda, Via: engine.ViaMeeting}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AddToAgenda(ctx, enginetest.Org, tr, engine.AgendaEntry{MeetingID: m.ID, ItemID: id, Package: "{}", PackageSHA256: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	// Member 301 and then the chief executive speak on an item.
	speak := func(id int64) {
		for _, who := range []int64{301, enginetest.ChiefExecutive.UserID} {
			h.Fire1(id, "record_position", enginetest.Secretariat, map[string]any{"member_user_id": who, "position": "agree",
				"present_user_ids": agenda["member_user_ids"]})
		}
	}
	for _, id := range ids {
		speak(id)
	}
	if err := db.SetAgendaDecision(ctx, enginetest.Org, m.ID, ids[0], "agree", ""); err != nil {
		t.Fatal(err)
	}
	minutes := scenario.SHA("<p>纪要</p>")
	doc := func(id int64) *engine.Document {
		return &engine.Document{OrgID: enginetest.Org, ItemID: id, Kind: "minutes", Filename: "m.html", ContentType: "text/html", Content: []byte("<p>纪要</p>"), SHA256: minutes, UploadedBy: "x"}
	}
	decide := func(id int64) *engine.Transition {
		tr, err := h.Engine.Prepare(ctx, id, "decide_agree", enginetest.ChiefExecutive, engine.Input{Via: engine.ViaMeeting, Documents: []*engine.Document{doc(id)},
			Payload: map[string]any{"meeting_id": m.ID, "meeting_type": "executive", "meeting_no": m.Number, "meeting_on": m.HeldOn, "majority_view": "agree",
				"minutes_sha256": minutes, "recorded_by": enginetest.Secretariat.Ref()}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	trs := []*engine.Transition{decide(ids[0]), decide(ids[1])}
	// The second item moves on before the meeting closes.
	h.Fire1(ids[1], "place_on_agenda", enginetest.Secretariat, agenda)
	before := [2]*engine.Item{h.Item(ids[0]), h.Item(ids[1])}
	err := db.CloseMeeting(ctx, enginetest.Org, m.ID, trs, "<p>纪要</p>", minutes, []*engine.Document{doc(ids[0]), doc(ids[1])}, time.Now())
	if engine.ErrorCode(err) != engine.CodeConflict {
		t.Fatalf("close with a stale item: %v, want conflict", err)
	}
	for i, id := range ids {
		if got := h.Item(id); got.State != "awaiting_meeting" || got.Version != before[i].Version {
			t.Fatalf("item %d changed by a failed close: %s v%d", id, got.State, got.Version)
		}
		ds, _ := db.ListDocuments(ctx, enginetest.Org, id)
		for _, d := range ds {
			if d.Kind == "minutes" {
				t.Fatalf("minutes stored by a failed close")
			}
		}
	}
	got, agendaRows, err := db.GetMeeting(ctx, enginetest.Org, m.ID)
	if err != nil || got.State != "open" || len(agendaRows) != 2 || agendaRows[0].Decision != "agree" {
		t.Fatalf("meeting after a failed close: %+v %+v %v", got, agendaRows, err)
	}
	// Heard again and prepared afresh, the close goes through, all at once.
	speak(ids[1])
	trs = []*engine.Transition{decide(ids[0]), decide(ids[1])}
	if err := db.CloseMeeting(ctx, enginetest.Org, m.ID, trs, "<p>纪要</p>", minutes, []*engine.Document{doc(ids[0]), doc(ids[1])}, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if got := h.Item(id); got.State != "decided" {
			t.Fatalf("item %d is %s", id, got.State)
		}
	}
	got, _, _ = db.GetMeeting(ctx, enginetest.Org, m.ID)
	if got.State != "closed" || got.Minutes != "<p>纪要</p>" || got.ClosedAt == nil {
		t.Fatalf("closed meeting %+v", got)
	}
	if err := db.SetAgendaDecision(ctx, enginetest.Org, m.ID, ids[0], "disagree", "x"); engine.ErrorCode(err) != engine.CodeConflict {
		t.Fatalf("a closed meeting changed: %v", err)
	}
	h.Verify()
	if ms, err := db.ListMeetings(ctx, enginetest.Org); err != nil || len(ms) != 1 {
		t.Fatalf("list meetings: %v %v", ms, err)
	}
}

package procedure_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/juece/juece/store"
	"golang.org/x/crypto/bcrypt"
)

// directory is the directory use cases over a fresh SQLite store with one
// organisation, a department, an administrator and an auditor.
func directory(t *testing.T) (d *procedure.Directory, db *store.DB, admin, auditor engine.Actor, dept int64) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "dir.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	org, err := db.CreateOrganisation(ctx, "demo", "示范区人民政府", "cn")
	if err != nil {
		t.Fatal(err)
	}
	if dept, err = db.CreateDepartment(ctx, org, "发改委"); err != nil {
		t.Fatal(err)
	}
	hash, _ := bcrypt.GenerateFromPassword([]byte("a-long-password"), bcrypt.MinCost)
	add := func(name string, role engine.Role) engine.Actor {
		u := &engine.User{OrgID: org, Username: name, DisplayName: name, PasswordHash: string(hash), Roles: []engine.Role{role}}
		if _, err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return u.Actor()
	}
	admin, auditor = add("admin", engine.RoleAdmin), add("audit", engine.RoleAuditor)
	now := time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC)
	return procedure.NewDirectory(db, func() time.Time { now = now.Add(time.Second); return now }, nil), db, admin, auditor, dept
}

// Who holds which role decides who may do what in the procedure, so every
// change of an account is written to the security log with who made it
// and the old and new values, and is listed newest first as the
// account's history; only administrators change accounts, the auditor
// reads them.
func TestDirectory_AccountChangesAreLoggedWithWhoAndTheOldAndNewValues(t *testing.T) {
	ctx := context.Background()
	d, _, admin, auditor, dept := directory(t)
	u, err := d.CreateUser(ctx, admin, procedure.NewUser{Username: " ke1 ", Password: "a-long-password", DepartmentID: dept,
		Roles: []engine.Role{engine.RoleOrganizer}}, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "ke1" || u.DisplayName != "ke1" || !u.Active || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte("a-long-password")) != nil {
		t.Fatalf("created: %+v", u)
	}
	roles := []engine.Role{engine.RoleOrganizer, engine.RoleExecutor}
	none, off, name, pw := int64(0), false, "赵科员", "another-long-password"
	if _, err := d.UpdateUser(ctx, admin, u.ID, procedure.UserChange{Roles: &roles, DepartmentID: &none, DisplayName: &name}, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.UpdateUser(ctx, admin, u.ID, procedure.UserChange{Password: &pw}, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	// Saving the same values again logs nothing.
	if _, err := d.UpdateUser(ctx, admin, u.ID, procedure.UserChange{Roles: &roles, DisplayName: &name}, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.UpdateUser(ctx, admin, u.ID, procedure.UserChange{Active: &off}, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}

	hist, err := d.AccountChanges(ctx, auditor, u.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, h := range hist {
		kinds = append(kinds, h.Kind)
		if h.By != admin.Ref() || h.ByName != "admin" || h.UserID != u.ID || h.Username != "ke1" || h.IP != "10.0.0.1" {
			t.Errorf("%s: by %q %q, account %d %q, ip %q", h.Kind, h.By, h.ByName, h.UserID, h.Username, h.IP)
		}
	}
	want := "user_deactivated user_password_set user_renamed user_department_changed user_roles_changed user_created"
	if got := strings.Join(kinds, " "); got != want {
		t.Fatalf("history %q, want %q", got, want)
	}
	rc := hist[4]
	if len(rc.FromRoles) != 1 || rc.FromRoles[0] != engine.RoleOrganizer || len(rc.ToRoles) != 2 || rc.ToRoles[0] != engine.RoleExecutor {
		t.Errorf("roles change: %v → %v", rc.FromRoles, rc.ToRoles)
	}
	if dc := hist[3]; dc.FromDepartment != dept || dc.ToDepartment != 0 {
		t.Errorf("department change: %d → %d", dc.FromDepartment, dc.ToDepartment)
	}
	if nc := hist[2]; nc.FromName != "ke1" || nc.ToName != "赵科员" {
		t.Errorf("name change: %q → %q", nc.FromName, nc.ToName)
	}
	all, err := d.AccountChanges(ctx, admin, 0, 0)
	if err != nil || len(all) != len(hist) {
		t.Errorf("the organisation's changes: %d, %v", len(all), err)
	}

	// Only administrators change; the auditor reads; others neither.
	for _, err := range []error{
		func() error {
			_, err := d.UpdateUser(ctx, auditor, u.ID, procedure.UserChange{Roles: &roles}, "")
			return err
		}(),
		func() error { _, err := d.CreateDepartment(ctx, auditor, "审计部门"); return err }(),
		func() error {
			_, err := d.CreateUser(ctx, auditor, procedure.NewUser{Username: "x", Password: "a-long-password"}, "")
			return err
		}(),
	} {
		if engine.ErrorCode(err) != engine.CodeForbidden {
			t.Errorf("the auditor changing the directory: %v", err)
		}
	}
	organizer := engine.Actor{OrgID: admin.OrgID, UserID: u.ID, Roles: []engine.Role{engine.RoleOrganizer}}
	if _, err := d.Users(ctx, organizer, procedure.UserQuery{}); engine.ErrorCode(err) != engine.CodeForbidden {
		t.Errorf("an organizer listing accounts: %v", err)
	}
	if _, err := d.AccountChanges(ctx, organizer, u.ID, 0); engine.ErrorCode(err) != engine.CodeForbidden {
		t.Errorf("an organizer reading the history: %v", err)
	}
}

// Bad input is refused with the field at fault and changes nothing: a
// short password, the public role, deactivating oneself, counsel without
// the counsel role, reversed contract dates, no licence number.
func TestDirectory_RefusesBadAccountsAndRetainers(t *testing.T) {
	ctx := context.Background()
	d, db, admin, _, _ := directory(t)
	for _, c := range []struct {
		name, field string
		err         func() error
	}{
		{"short password", "password", func() error {
			_, err := d.CreateUser(ctx, admin, procedure.NewUser{Username: "a", Password: "short"}, "")
			return err
		}},
		{"public role", "roles", func() error {
			_, err := d.CreateUser(ctx, admin, procedure.NewUser{Username: "a", Password: "a-long-password", Roles: []engine.Role{engine.RolePublic}}, "")
			return err
		}},
		{"no username", "username", func() error {
			_, err := d.CreateUser(ctx, admin, procedure.NewUser{Username: "  ", Password: "a-long-password"}, "")
			return err
		}},
		{"deactivating oneself", "active", func() error {
			off := false
			_, err := d.UpdateUser(ctx, admin, admin.UserID, procedure.UserChange{Active: &off}, "")
			return err
		}},
		{"counsel without the role", "user_id", func() error {
			_, err := d.CreateCounsel(ctx, admin, procedure.NewCounsel{UserID: admin.UserID, LicenceNo: "1", ContractFrom: "2026-01-01", ContractTo: "2026-12-31"})
			return err
		}},
		{"empty department name", "name", func() error { _, err := d.CreateDepartment(ctx, admin, " "); return err }},
	} {
		if err := c.err(); engine.ErrorCode(err) != engine.CodeInvalid || err.(*engine.Error).Field != c.field {
			t.Errorf("%s: %v, want invalid %s", c.name, err, c.field)
		}
	}
	lawyer, err := d.CreateUser(ctx, admin, procedure.NewUser{Username: "lawyer", DisplayName: "杨律师", Password: "a-long-password",
		Roles: []engine.Role{engine.RoleCounsel}}, "")
	if err != nil {
		t.Fatal(err)
	}
	firm, err := d.CreateLawFirm(ctx, admin, "明德律师事务所")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		nc    procedure.NewCounsel
		field string
	}{
		{procedure.NewCounsel{UserID: lawyer.ID, LawFirmID: firm.ID, LicenceNo: "1", ContractFrom: "2026-12-31", ContractTo: "2026-01-01"}, "contract_from"},
		{procedure.NewCounsel{UserID: lawyer.ID, LawFirmID: firm.ID, LicenceNo: "1", ContractFrom: "2026-02-30", ContractTo: "2026-12-31"}, "contract_from"},
		{procedure.NewCounsel{UserID: lawyer.ID, LawFirmID: firm.ID, LicenceNo: " ", ContractFrom: "2026-01-01", ContractTo: "2026-12-31"}, "licence_no"},
		{procedure.NewCounsel{UserID: 9999, LawFirmID: firm.ID, LicenceNo: "1", ContractFrom: "2026-01-01", ContractTo: "2026-12-31"}, "user_id"},
	} {
		if _, err := d.CreateCounsel(ctx, admin, c.nc); engine.ErrorCode(err) != engine.CodeInvalid || err.(*engine.Error).Field != c.field {
			t.Errorf("%+v: %v, want invalid %s", c.nc, err, c.field)
		}
	}
	if cs, _ := db.ListCounsel(ctx, admin.OrgID); len(cs) != 0 {
		t.Fatalf("refused retainers were stored: %+v", cs)
	}
	_, unretained, err := d.CounselRoster(ctx, admin)
	if err != nil || len(unretained) != 1 || unretained[0].ID != lawyer.ID {
		t.Fatalf("unretained counsel: %+v, %v", unretained, err)
	}
	// A contract covering today (2026-01-05) is current; one that ended is not.
	if _, err := d.CreateCounsel(ctx, admin, procedure.NewCounsel{UserID: lawyer.ID, LawFirmID: firm.ID, LicenceNo: " 165012 ",
		ContractFrom: "2025-01-01", ContractTo: "2026-01-04"}); err != nil {
		t.Fatal(err)
	}
	entries, unretained, err := d.CounselRoster(ctx, admin)
	if err != nil || len(entries) != 1 || len(unretained) != 0 {
		t.Fatalf("roster: %+v %+v %v", entries, unretained, err)
	}
	if e := entries[0]; e.Current || e.Name != "杨律师" || e.LawFirm != "明德律师事务所" || e.LicenceNo != "165012" {
		t.Errorf("entry: %+v", e)
	}
}

// The auditor's page says in both languages what the engine found: every
// problem engine.ChainVerifier reports has its own words, none falls back
// to the generic text.
func TestChainProblem_NamesEveryProblemTheVerifierReports(t *testing.T) {
	ev := func(seq int, prev []byte) *engine.AuditEvent {
		e := &engine.AuditEvent{OrgID: 1, ItemID: 7, Seq: seq, At: time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC), Actor: "user:1", Role: "organizer",
			Event: "e", FromState: "a", ToState: "b", Payload: []byte("{}"), PrevHash: prev}
		e.Hash = engine.HashEvent(e)
		return e
	}
	first := ev(1, engine.GenesisHash)
	var problems []string
	add := func(b *engine.ChainBreak) {
		t.Helper()
		if b == nil {
			t.Fatal("no break")
		}
		problems = append(problems, b.Problem)
	}
	add(engine.NewChainVerifier(1, 8).Add(first))             // another chain
	add(engine.NewChainVerifier(1, 7).Add(ev(2, first.Hash))) // sequence gap
	add(engine.NewChainVerifier(1, 7).Add(ev(1, first.Hash))) // prev hash
	altered := ev(1, engine.GenesisHash)
	altered.Reason = "改动"
	add(engine.NewChainVerifier(1, 7).Add(altered)) // hash
	v := engine.NewChainVerifier(1, 7)
	if b := v.Add(first); b != nil {
		t.Fatal(b)
	}
	add(v.Finish(first.Hash, 2))                                                                       // version
	add(v.Finish(make([]byte, len(first.Hash)), 1))                                                    // head
	add(v.FinishItem(engine.ChainHead{OrgID: 1, ItemID: 7, Version: 1, Head: first.Hash, State: "c"})) // state
	sealed := ev(1, engine.GenesisHash)
	sealed.ItemDigest = make([]byte, 32)
	sealed.Hash = engine.HashEvent(sealed)
	w := engine.NewChainVerifier(1, 7)
	if b := w.Add(sealed); b != nil {
		t.Fatal(b)
	}
	add(w.FinishItem(engine.ChainHead{OrgID: 1, ItemID: 7, Version: 1, Head: sealed.Hash, State: "b", Title: "t", Record: engine.Record{}})) // digest
	for _, p := range problems {
		got := procedure.ChainProblem(p)
		if got.Zh == "记录与哈希链不符" || got.Zh == "" || got.En == "" {
			t.Errorf("no words for %q: %+v", p, got)
		}
	}
	if got := procedure.ChainProblem("something new"); got.Zh != "记录与哈希链不符" || got.En != "something new" {
		t.Errorf("fallback: %+v", got)
	}
}

// Issue "hardening", separation of duties (等级保护 三员分立): nobody
// changes their own roles, and an administrator can hold no procedural
// or audit role — so an administrator cannot make itself the chief
// executive and decide; names have length limits (a 330,000-character
// name was accepted before). Each refusal changes nothing.
func TestDirectory_SeparatesDutiesAndBoundsNames(t *testing.T) {
	ctx := context.Background()
	d, db, admin, _, _ := directory(t)
	roles := []engine.Role{engine.RoleAdmin, engine.RoleChiefExecutive}
	_, err := d.UpdateUser(ctx, admin, admin.UserID, procedure.UserChange{Roles: &roles}, "10.0.0.1")
	if engine.ErrorCode(err) != engine.CodeForbidden {
		t.Fatalf("an administrator granting itself the chief executive's role: %v", err)
	}
	other, err := d.CreateUser(ctx, admin, procedure.NewUser{Username: "admin2", Password: "a-long-password", Roles: []engine.Role{engine.RoleAdmin}}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, rs := range [][]engine.Role{{engine.RoleAdmin, engine.RoleSecretariat}, {engine.RoleAdmin, engine.RoleAuditor}} {
		if _, err := d.UpdateUser(ctx, admin, other.ID, procedure.UserChange{Roles: &rs}, ""); engine.ErrorCode(err) != engine.CodeInvalid {
			t.Fatalf("another administrator given %v: %v", rs, err)
		}
		if _, err := d.CreateUser(ctx, admin, procedure.NewUser{Username: "x" + string(rs[1]), Password: "a-long-password", Roles: rs}, ""); engine.ErrorCode(err) != engine.CodeInvalid {
			t.Fatalf("an account created with %v: %v", rs, err)
		}
	}
	long := strings.Repeat("名", 330_000)
	if _, err := d.CreateUser(ctx, admin, procedure.NewUser{Username: "long", DisplayName: long, Password: "a-long-password"}, ""); engine.ErrorCode(err) != engine.CodeInvalid {
		t.Fatalf("a 330,000-character name: %v", err)
	}
	if _, err := d.UpdateUser(ctx, admin, other.ID, procedure.UserChange{DisplayName: &long}, ""); engine.ErrorCode(err) != engine.CodeInvalid {
		t.Fatalf("renaming to 330,000 characters: %v", err)
	}
	me, _ := db.GetUser(ctx, admin.OrgID, admin.UserID)
	again, _ := db.GetUser(ctx, admin.OrgID, other.ID)
	if len(me.Roles) != 1 || len(again.Roles) != 1 || again.DisplayName != "admin2" {
		t.Fatalf("a refused change was applied: %v %v %q", me.Roles, again.Roles, again.DisplayName)
	}
}

package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/store"
)

// The security log is read back per organisation, per account and per
// kind, newest first, on both databases (an account's history on the
// administration pages).
func TestSecurityEvents_NewestFirstByAccountAndKind(t *testing.T) {
	for name, open := range map[string]func(*testing.T) *store.DB{"PostgreSQL": openPostgres, "SQLite": openSQLite} {
		t.Run(name, func(t *testing.T) {
			db := open(t)
			ctx := context.Background()
			org, err := db.CreateOrganisation(ctx, "a", "甲", "cn")
			if err != nil {
				t.Fatal(err)
			}
			other, err := db.CreateOrganisation(ctx, "b", "乙", "cn")
			if err != nil {
				t.Fatal(err)
			}
			at := time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC)
			for i, ev := range []engine.SecurityEvent{
				{OrgID: org, Kind: "login_ok", Username: "u1", UserID: 1, IP: "1.1.1.1"},
				{OrgID: org, Kind: "user_roles_changed", Username: "u1", UserID: 1, IP: "1.1.1.1", Detail: `{"by":"user:9"}`},
				{OrgID: org, Kind: "user_created", Username: "u2", UserID: 2, IP: "1.1.1.1"},
				{OrgID: other, Kind: "user_created", Username: "u1", UserID: 1, IP: "2.2.2.2"},
				{OrgID: org, Kind: "login_failed", Username: "nobody", IP: "3.3.3.3", Detail: "unknown user"},
			} {
				ev.At = at.Add(time.Duration(i) * time.Minute)
				if err := db.RecordSecurityEvent(ctx, ev); err != nil {
					t.Fatal(err)
				}
			}
			kinds := func(evs []engine.SecurityEvent) (out []string) {
				for _, e := range evs {
					out = append(out, e.Kind)
				}
				return out
			}
			all, err := db.SecurityEvents(ctx, org, 0, nil, 0)
			if err != nil || len(all) != 4 || all[0].Kind != "login_failed" || all[0].UserID != 0 || !all[0].At.Equal(at.Add(4*time.Minute)) {
				t.Fatalf("all of org: %+v, %v", all, err)
			}
			u1, err := db.SecurityEvents(ctx, org, 1, nil, 10)
			if got := kinds(u1); err != nil || len(got) != 2 || got[0] != "user_roles_changed" || got[1] != "login_ok" {
				t.Fatalf("account 1: %v, %v", got, err)
			}
			changes, err := db.SecurityEvents(ctx, org, 0, []string{"user_created", "user_roles_changed"}, 1)
			if err != nil || len(changes) != 1 || changes[0].Kind != "user_created" || changes[0].Username != "u2" {
				t.Fatalf("newest change: %+v, %v", changes, err)
			}
			if u1[0].Detail != `{"by":"user:9"}` || u1[0].IP != "1.1.1.1" || u1[0].OrgID != org {
				t.Errorf("fields: %+v", u1[0])
			}
		})
	}
}

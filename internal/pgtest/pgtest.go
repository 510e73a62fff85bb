// Package pgtest gives each test its own fresh PostgreSQL database.
//
// The server is taken from JUECE_TEST_PG (a lib/pq URL of a role allowed to
// create databases), by default postgres://postgres@127.0.0.1:5432/postgres.
// When no server answers, tests fail (never skip) with instructions:
// `make test` starts a throwaway cluster when PostgreSQL is installed but not
// running (scripts/test.sh).
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/lib/pq" // driver "postgres"
)

// DefaultURL is the server used when JUECE_TEST_PG is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// ServerURL returns the URL of the server tests create databases on.
func ServerURL() string {
	if u := os.Getenv("JUECE_TEST_PG"); u != "" {
		return u
	}
	return DefaultURL
}

// NewDB creates an empty database named juece_test_<random>, drops it when
// the test ends, and returns its URL. It fails the test when the server
// cannot be reached.
func NewDB(t testing.TB) string {
	t.Helper()
	server := ServerURL()
	admin, err := sql.Open("postgres", server)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		t.Fatalf("pgtest: PostgreSQL is not reachable at %s: %v\n"+
			"Run the tests with `make test` (it starts a throwaway cluster when PostgreSQL is installed),\n"+
			"or start PostgreSQL and set JUECE_TEST_PG to a URL of a role that may create databases.", redact(server), err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "juece_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
		}
		admin.Close()
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("pgtest: bad JUECE_TEST_PG: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

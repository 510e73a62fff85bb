package store_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/juece/juece/internal/pgtest"
	"github.com/juece/juece/migrations"
	"github.com/juece/juece/store"
	"github.com/juece/juece/store/storetest"
)

func openPostgres(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func openSQLite(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "juece.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestConformance_PostgreSQL(t *testing.T) { storetest.Run(t, openPostgres) }

func TestConformance_SQLite(t *testing.T) { storetest.Run(t, openSQLite) }

// Several replicas starting together migrate one database under goose's
// PostgreSQL advisory session lock: all succeed, the schema is applied once.
func TestMigrate_ConcurrentReplicasOnPostgreSQL(t *testing.T) {
	url := pgtest.NewDB(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := store.Open(ctx, url)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			errs <- db.Migrate(ctx)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("replica migrate: %v", err)
		}
	}
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	files, _ := fs.Glob(migrations.FS, "postgres/*.sql")
	var rows, distinct int
	if err := db.SQLX().QueryRow(`SELECT COUNT(*), COUNT(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != len(files) || distinct != len(files) {
		t.Fatalf("%d migration rows (%d distinct), want each of the %d migrations applied once", rows, distinct, len(files))
	}
}

func TestOpen_RejectsUnknownSchemesAndRedactsPasswords(t *testing.T) {
	ctx := context.Background()
	if _, err := store.Open(ctx, "mysql://u:secret@h/db"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("unknown scheme: %v", err)
	}
	if _, err := store.Open(ctx, "sqlite:"); err == nil {
		t.Fatal("empty sqlite path accepted")
	}
	_, err := store.Open(ctx, "postgres://u:secret@127.0.0.1:1/db")
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("unreachable server: %v (must fail and not show the password)", err)
	}
}

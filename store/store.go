// Package store implements engine.Store and the organisation directory
// (organisations, departments, users, law firms, counsel) with sqlx over
// PostgreSQL (lib/pq) or SQLite (modernc.org/sqlite).
//
// The same code serves both databases: queries are written with ? and
// rebound per dialect; the few dialect differences live in dialect.go.
// Driver errors are translated into *engine.Error where they enter
// (translate in errors.go): a unique violation is a conflict, a missing
// referenced row is invalid.
package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // PostgreSQL driver "postgres"
	_ "modernc.org/sqlite" // SQLite driver "sqlite"
)

func init() { sqlx.BindDriver("sqlite", sqlx.QUESTION) }

// Dialect names a supported database.
type Dialect string

// The supported dialects.
const (
	Postgres Dialect = "postgres" // production: lib/pq
	SQLite   Dialect = "sqlite"   // embedded default: modernc.org/sqlite
)

// DB is a database holding Juece's data. It is safe for concurrent use.
type DB struct {
	x       *sqlx.DB
	dialect Dialect

	// stmts caches the prepared hot statements (reading an item,
	// committing a transition): without preparing, PostgreSQL parses and
	// plans them on every call, which BENCHMARKS.md measured as the largest
	// cost of a transition. database/sql prepares each on every pooled
	// connection as needed.
	mu    sync.Mutex
	stmts map[string]*sqlx.Stmt
}

// prepared returns the cached prepared statement for query (already in
// the dialect's bind form), preparing it on first use.
func (db *DB) prepared(ctx context.Context, query string) (*sqlx.Stmt, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if st := db.stmts[query]; st != nil {
		return st, nil
	}
	st, err := db.x.PreparexContext(ctx, query)
	if err != nil {
		return nil, translate(err)
	}
	if db.stmts == nil {
		db.stmts = map[string]*sqlx.Stmt{}
	}
	db.stmts[query] = st
	return st, nil
}

// Open connects to the database named by dsn:
//
//	sqlite:PATH              an SQLite file, created if missing
//	postgres://… or postgresql://…   PostgreSQL (lib/pq URL)
//
// For PostgreSQL on a loopback host sslmode=disable is added when the URL
// names no sslmode, and binary_parameters=yes when it does not say
// otherwise (one round trip per query). Open pings the database and fails
// when it cannot be reached. It does not migrate; call Migrate.
// OpenExisting is Open for tools that only read what is there (audit
// verification): a SQLite file that does not exist is not created, and a
// database without Juece's tables is refused; nothing is migrated.
func OpenExisting(ctx context.Context, dsn string) (*DB, error) {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		path = strings.TrimPrefix(path, "//")
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("store: no database at %s: %w", path, err)
		}
	}
	db, err := Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Ready(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %s holds no Juece database (not migrated): %w", redact(dsn), err)
	}
	return db, nil
}

func Open(ctx context.Context, dsn string) (*DB, error) {
	var (
		driver, source string
		dialect        Dialect
	)
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return nil, errors.New("store: sqlite: empty path (want sqlite:PATH)")
		}
		driver, dialect = "sqlite", SQLite
		source = "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate&_time_format=sqlite"
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s, err := postgresURL(dsn)
		if err != nil {
			return nil, err
		}
		driver, dialect, source = "postgres", Postgres, s
	default:
		return nil, fmt.Errorf("store: unsupported database %q: want sqlite:PATH or postgres://…", redact(dsn))
	}
	x, err := sqlx.Open(driver, source)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", redact(dsn), err)
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's model; a small pool keeps
		// readers concurrent without piling up busy waits.
		x.SetMaxOpenConns(4)
	} else {
		x.SetMaxOpenConns(32)
		x.SetMaxIdleConns(32)
	}
	x.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := x.PingContext(pctx); err != nil {
		x.Close()
		return nil, fmt.Errorf("store: cannot reach %s: %w", redact(dsn), err)
	}
	return &DB{x: x, dialect: dialect}, nil
}

// postgresURL adds the local defaults described at Open.
func postgresURL(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("store: bad PostgreSQL URL: %w", err)
	}
	q := u.Query()
	if q.Get("sslmode") == "" && isLoopback(u.Hostname()) {
		q.Set("sslmode", "disable")
	}
	if q.Get("binary_parameters") == "" {
		q.Set("binary_parameters", "yes")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func isLoopback(host string) bool {
	if host == "" || host == "localhost" || strings.HasPrefix(host, "/") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redact hides a password in a URL for messages and logs.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Dialect returns the database's dialect.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQLX returns the underlying handle, for tests and tools in this module.
func (db *DB) SQLX() *sqlx.DB { return db.x }

// Close closes the database.
func (db *DB) Close() error {
	db.mu.Lock()
	for _, st := range db.stmts {
		st.Close()
	}
	db.stmts = nil
	db.mu.Unlock()
	return db.x.Close()
}

// Ready reports whether the database answers and is migrated; the server's
// /readyz calls it.
func (db *DB) Ready(ctx context.Context) error {
	var n int
	if err := db.x.GetContext(ctx, &n, "SELECT COUNT(*) FROM organisations WHERE id = 0"); err != nil {
		return fmt.Errorf("database not ready: %w", err)
	}
	return nil
}

// tx runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise. SQLite transactions begin IMMEDIATE (see Open), so a
// writer waits for the lock up front instead of failing at commit.
func (db *DB) tx(ctx context.Context, fn func(*sqlx.Tx) error) error {
	tx, err := db.x.BeginTxx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return translate(tx.Commit())
}

// Backup writes a consistent copy of a SQLite database to path (VACUUM
// INTO: an online backup that concurrent writers do not disturb). path
// must not exist. PostgreSQL databases are backed up with pg_dump (see
// docs/operations.md); for them Backup returns an error saying so.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect != SQLite {
		return errors.New("store: back up PostgreSQL with pg_dump --format=custom (see docs/operations.md)")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("store: %s exists; choose a new file", path)
	}
	if _, err := db.x.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}

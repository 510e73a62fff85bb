package store

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/juece/juece/migrations"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrate applies the embedded migrations of the database's dialect that
// have not been applied yet. On PostgreSQL it holds goose's advisory
// session lock while doing so, so several replicas may start together:
// one migrates, the others wait and then find nothing to do.
func (db *DB) Migrate(ctx context.Context) error {
	_, err := db.migrate(ctx)
	return err
}

// MigrateReport applies migrations like Migrate and returns one line per
// migration applied, for `juece migrate`.
func (db *DB) MigrateReport(ctx context.Context) ([]string, error) { return db.migrate(ctx) }

func (db *DB) migrate(ctx context.Context) ([]string, error) {
	sub, err := fs.Sub(migrations.FS, string(db.dialect))
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	dialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.x.DB, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	lines := make([]string, 0, len(res))
	for _, r := range res {
		lines = append(lines, fmt.Sprintf("applied %s (%s)", r.Source.Path, r.Duration.Round(1e6)))
	}
	return lines, nil
}

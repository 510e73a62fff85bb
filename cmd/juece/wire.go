package main

import (
	"context"
	"fmt"

	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/juece/juece/server"
	"github.com/juece/juece/store"
	"github.com/juece/juece/workflows"
)

// The store is the server's backend and the procedure's.
var (
	_ server.Backend           = (*store.DB)(nil)
	_ procedure.Store          = (*store.DB)(nil)
	_ procedure.DirectoryStore = (*store.DB)(nil)
)

// app is everything a subcommand may need, wired from options.
type app struct {
	db        *store.DB
	engine    *engine.Engine
	calendars *procedure.Calendars
	svc       *procedure.Service
}

// openApp opens and migrates the database and builds the engine.
func openApp(ctx context.Context, opts *options) (*app, error) {
	reg, err := workflows.Registry(opts.workflows)
	if err != nil {
		return nil, fmt.Errorf("workflows: %w", err)
	}
	cals, err := calendars.Default()
	if err != nil {
		return nil, fmt.Errorf("calendars: %w", err)
	}
	var extra []*calendars.Notice
	if opts.calendars != "" {
		if extra, err = calendars.LoadDir(opts.calendars); err != nil {
			return nil, fmt.Errorf("calendars: %w", err)
		}
	}
	db, err := store.Open(ctx, opts.db)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	eng, err := engine.New(engine.Config{Store: db, Workflows: reg, Calendars: cals, Directory: db})
	if err != nil {
		db.Close()
		return nil, err
	}
	// The calendars in force live in the database: the shipped notices
	// seed what it lacks, --calendars files are loaded over them, and the
	// engine counts on what the log holds.
	pc := procedure.NewCalendars(db, eng, nil)
	if err := pc.Seed(ctx, extra...); err != nil {
		db.Close()
		return nil, fmt.Errorf("calendars: %w", err)
	}
	if _, err := pc.Refresh(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("calendars: %w", err)
	}
	return &app{db: db, engine: eng, calendars: pc, svc: procedure.New(procedure.Config{Engine: eng, Store: db})}, nil
}

package main

import (
	"context"
	"fmt"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/server"
	"github.com/juece/juece/store"
	"github.com/juece/juece/workflows"
)

// The store is the server's backend.
var _ server.Backend = (*store.DB)(nil)

// app is everything a subcommand may need, wired from options.
type app struct {
	db     *store.DB
	engine *engine.Engine
}

func loadCalendars(opts *options) (*engine.CalendarSet, error) {
	cals, err := engine.DefaultCalendars()
	if err != nil {
		return nil, err
	}
	if opts.calendars != "" {
		if err := cals.LoadDir(opts.calendars); err != nil {
			return nil, err
		}
	}
	return cals, nil
}

// openApp opens and migrates the database and builds the engine.
func openApp(ctx context.Context, opts *options) (*app, error) {
	reg, err := workflows.Registry(opts.workflows)
	if err != nil {
		return nil, fmt.Errorf("workflows: %w", err)
	}
	cals, err := loadCalendars(opts)
	if err != nil {
		return nil, fmt.Errorf("calendars: %w", err)
	}
	db, err := store.Open(ctx, opts.db)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	eng, err := engine.New(engine.Config{Store: db, Workflows: reg, Calendars: cals})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &app{db: db, engine: eng}, nil
}

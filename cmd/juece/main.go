// Command juece is the Juece server and its administration tool: serve,
// migrate, workflow validate|graph, audit verify. It is the only place that
// reads configuration (flags, then JUECE_* environment variables) and wires
// the packages together.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// exitError carries a process exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func main() {
	root := newRoot()
	if err := root.Execute(); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.err != nil && ee.err.Error() != "" {
				fmt.Fprintln(os.Stderr, ee.err)
			}
			os.Exit(ee.code)
		}
		fmt.Fprintln(os.Stderr, "juece:", err)
		os.Exit(2)
	}
}

// options are the settings shared by the subcommands.
type options struct {
	db        string
	workflows string
	calendars string
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

func newRoot() *cobra.Command {
	opts := &options{}
	root := &cobra.Command{
		Use:           "juece",
		Short:         "Juece (决策): workflow engine for major administrative decision procedures",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&opts.db, "db", envOr("JUECE_DB", "sqlite:juece.db"), "database: sqlite:PATH or a postgres:// URL (env JUECE_DB)")
	pf.StringVar(&opts.workflows, "workflows", envOr("JUECE_WORKFLOWS", ""), "directory of workflow definitions that extend or override the shipped ones (env JUECE_WORKFLOWS)")
	pf.StringVar(&opts.calendars, "calendars", envOr("JUECE_CALENDARS", ""), "directory of holiday calendar files that extend the shipped ones (env JUECE_CALENDARS)")
	root.AddCommand(newServeCmd(opts), newMigrateCmd(opts), newBackupCmd(opts), newWorkflowCmd(opts), newAuditCmd(opts),
		newOrgCmd(opts), newUserCmd(opts), newTokenCmd(opts), newCalendarCmd(opts))
	return root
}

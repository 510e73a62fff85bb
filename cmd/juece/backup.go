package main

import (
	"fmt"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/store"
	"github.com/spf13/cobra"
)

// newBackupCmd is `juece backup FILE`: an online copy of the SQLite
// database, verified: every audit chain of the copy is recomputed before
// the command reports success.
func newBackupCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Copy the (SQLite) database to FILE while it serves, then verify every audit chain of the copy; PostgreSQL: see docs/operations.md",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := store.OpenExisting(ctx, opts.db)
			if err != nil {
				return &exitError{2, err}
			}
			defer db.Close()
			if err := db.Backup(ctx, args[0]); err != nil {
				return &exitError{1, err}
			}
			cp, err := store.OpenExisting(ctx, "sqlite:"+args[0])
			if err != nil {
				return &exitError{1, fmt.Errorf("the copy does not open: %w", err)}
			}
			defer cp.Close()
			res, err := engine.Verify(ctx, cp, 0, 0)
			if err != nil {
				return &exitError{1, err}
			}
			if res.Break != nil {
				return &exitError{1, fmt.Errorf("the copy does not verify: %s", res.Break)}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "backup written to %s: %d items, %d events, every chain holds (备份完成并已校验)\n", args[0], res.Items, res.Events)
			return nil
		},
	}
}

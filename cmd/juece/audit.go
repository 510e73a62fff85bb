package main

import (
	"fmt"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/store"
	"github.com/spf13/cobra"
)

func newAuditCmd(opts *options) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Check the audit trail"}
	var item, org int64
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Recompute every hash chain (or one item's) and check each item against its last event; exit 0 when all hold, 1 naming the first break, 2 when the database or item does not exist",
		RunE: func(cmd *cobra.Command, args []string) error {
			// Verification reads what is there: it never creates or
			// migrates a database (exit 2 when there is none).
			db, err := store.OpenExisting(cmd.Context(), opts.db)
			if err != nil {
				return &exitError{2, err}
			}
			defer db.Close()
			if item != 0 {
				if _, err := db.ItemOrg(cmd.Context(), item); err != nil {
					return &exitError{2, fmt.Errorf("no item %d (事项不存在)", item)}
				}
			}
			res, err := engine.Verify(cmd.Context(), db, org, item)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if res.Break != nil {
				b := res.Break
				return &exitError{1, fmt.Errorf("BROKEN: organisation %d, item %d, event %d: %s (审计链校验失败)", b.OrgID, b.ItemID, b.Seq, b.Problem)}
			}
			if item == 0 {
				entries, err := db.CalendarEntries(cmd.Context())
				if err != nil {
					return err
				}
				if b := engine.VerifyCalendarLog(entries); b != nil {
					return &exitError{1, fmt.Errorf("BROKEN: %s (节假日日历记录校验失败)", b)}
				}
				fmt.Fprintf(out, "ok: calendar log, %d entries (节假日日历记录完整)\n", len(entries))
			}
			fmt.Fprintf(out, "ok: %d items, %d events, every chain holds (审计链完整)\n", res.Items, res.Events)
			return nil
		},
	}
	verify.Flags().Int64Var(&item, "item", 0, "verify only this item")
	verify.Flags().Int64Var(&org, "org", 0, "verify only this organisation")
	cmd.AddCommand(verify)
	return cmd
}

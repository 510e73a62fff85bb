package main

import (
	"fmt"

	"github.com/juece/juece/engine"
	"github.com/spf13/cobra"
)

func newAuditCmd(opts *options) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Check the audit trail"}
	var item, org int64
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Recompute every hash chain (or one item's); exit 0 when all hold, 1 naming the first broken event",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context(), opts)
			if err != nil {
				return err
			}
			defer a.db.Close()
			res, err := engine.Verify(cmd.Context(), a.db, org, item)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if res.Break != nil {
				b := res.Break
				return &exitError{1, fmt.Errorf("BROKEN: organisation %d, item %d, event %d: %s (审计链校验失败)", b.OrgID, b.ItemID, b.Seq, b.Problem)}
			}
			if item != 0 && res.Items == 0 {
				return &exitError{1, fmt.Errorf("no item %d", item)}
			}
			if item == 0 {
				entries, err := a.db.CalendarEntries(cmd.Context())
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

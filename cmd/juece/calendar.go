package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/juece/juece/procedure"
	"github.com/spf13/cobra"
)

func newCalendarCmd(opts *options) *cobra.Command {
	cmd := &cobra.Command{Use: "calendar", Short: "Show and load the holiday calendars (节假日安排)"}
	var by string
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Load a year's holiday notice (YAML or JSON, see calendars/cn.yaml); running periods are recomputed",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readLimited(args[0])
			if err != nil {
				return &exitError{2, err}
			}
			a, err := openApp(cmd.Context(), opts)
			if err != nil {
				return err
			}
			defer a.db.Close()
			res, err := a.calendars.ImportFile(cmd.Context(), procedure.Loader{Ref: "cli:" + by}, args[0], data)
			if probs := procedure.ParseProblems(err); probs != nil {
				var b strings.Builder
				for _, p := range probs {
					if p.Line > 0 {
						fmt.Fprintf(&b, "%s:%d: %s（%s）\n", args[0], p.Line, p.Message.En, p.Message.Zh)
					} else {
						fmt.Fprintf(&b, "%s: %s（%s）\n", args[0], p.Message.En, p.Message.Zh)
					}
				}
				b.WriteString("nothing was loaded (未载入任何数据)")
				return &exitError{1, fmt.Errorf("%s", b.String())}
			}
			if err != nil {
				return &exitError{1, err}
			}
			out := cmd.OutOrStdout()
			for _, c := range res.Changed {
				fmt.Fprintf(out, "loaded %s %d (%s), calendar log entry %d (已载入)\n", c.Region, c.Year, c.Status, c.Seq)
			}
			for _, u := range res.Unchanged {
				fmt.Fprintf(out, "unchanged %s (与现有数据相同)\n", u)
			}
			fmt.Fprintf(out, "%d items had their due dates recomputed (已重新计算期限的事项数)\n", res.Recomputed)
			return nil
		},
	}
	imp.Flags().StringVar(&by, "by", envOr("USER", "admin"), "who loads the notice, kept in the calendar log")
	var region string
	var year int
	show := &cobra.Command{
		Use:   "show",
		Short: "Print the holiday data in force, by region and year",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context(), opts)
			if err != nil {
				return err
			}
			defer a.db.Close()
			views, err := a.calendars.Show(cmd.Context(), region, year)
			if err != nil {
				return &exitError{1, err}
			}
			out := cmd.OutOrStdout()
			for _, v := range views {
				fmt.Fprintf(out, "%s %d  %s", v.Region, v.Year, v.Status)
				if v.Basis != "" {
					fmt.Fprintf(out, "  %s", v.Basis)
				}
				fmt.Fprintln(out)
				if v.Seq != 0 {
					fmt.Fprintf(out, "  loaded by %s at %s from %s (log entry %d)\n", v.LoadedBy, v.LoadedAt.Format("2006-01-02 15:04 UTC"), v.Source, v.Seq)
				}
				if v.Note != nil {
					fmt.Fprintf(out, "  %s（%s）\n", v.Note.En, v.Note.Zh)
				}
				for _, h := range v.Holidays {
					fmt.Fprintf(out, "  holiday  %s .. %s  %s %s\n", h.From, h.To, h.Name.Zh, h.Name.En)
				}
				for _, w := range v.Workdays {
					fmt.Fprintf(out, "  make-up working day  %s (%s)\n", w, w.Weekday())
				}
			}
			cov, err := a.calendars.Coverage(cmd.Context())
			if err != nil {
				return err
			}
			for _, c := range cov {
				if region != "" && c.Region != region {
					continue
				}
				until := c.CoveredUntil
				if until == "" {
					until = "-"
				}
				fmt.Fprintf(out, "coverage %s: complete until %s; next missing %s: %s（%s）\n", c.Region, until, c.MissingKey, c.Reason.En, c.Reason.Zh)
			}
			return nil
		},
	}
	show.Flags().StringVar(&region, "region", "", "only this region, e.g. cn or cn-xj")
	show.Flags().IntVar(&year, "year", 0, "only this year")
	cmd.AddCommand(imp, show)
	return cmd
}

// readLimited reads a notice file, refusing anything larger than a notice
// can be.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
	if err != nil {
		return nil, err
	}
	if len(data) > 1<<20 {
		return nil, fmt.Errorf("%s: larger than 1 MiB, not a holiday notice", path)
	}
	return data, nil
}

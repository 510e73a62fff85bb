package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/workflows"
	"github.com/spf13/cobra"
)

func newWorkflowCmd(opts *options) *cobra.Command {
	cmd := &cobra.Command{Use: "workflow", Short: "Validate and draw workflow definitions"}
	validate := &cobra.Command{
		Use:   "validate [FILE…]",
		Short: "Validate workflow definitions (the shipped ones and --workflows DIR when no file is given)",
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			var defs []*engine.Definition
			var probs []string
			if len(args) == 0 {
				reg, err := workflows.Registry(opts.workflows)
				if err != nil {
					return &exitError{1, err}
				}
				defs = reg.All()
			}
			for _, f := range args {
				data, err := os.ReadFile(f)
				if err != nil {
					return &exitError{1, err}
				}
				d, err := workflows.Parse(f, data)
				var ve *engine.ValidationError
				switch {
				case errors.As(err, &ve):
					probs = append(probs, ve.Problems...)
				case err != nil:
					return &exitError{1, err}
				default:
					defs = append(defs, d)
				}
			}
			for _, d := range defs {
				fmt.Fprintf(out, "ok  %s (%s): %d states, %d events\n", d.Key(), d.Source, len(d.States), len(d.Events))
			}
			if len(probs) > 0 {
				return &exitError{1, errors.New(strings.Join(probs, "\n"))}
			}
			return nil
		},
	}
	var format string
	graph := &cobra.Command{
		Use:   "graph ID",
		Short: "Print the state diagram of a workflow (latest version)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := workflows.Registry(opts.workflows)
			if err != nil {
				return &exitError{1, err}
			}
			d := reg.Latest(args[0])
			if d == nil {
				return &exitError{1, fmt.Errorf("no workflow %q", args[0])}
			}
			s, err := engine.Graph(d, format)
			if err != nil {
				return &exitError{2, err}
			}
			fmt.Fprint(cmd.OutOrStdout(), s)
			return nil
		},
	}
	graph.Flags().StringVar(&format, "format", "mermaid", "mermaid or dot")
	cmd.AddCommand(validate, graph)
	return cmd
}

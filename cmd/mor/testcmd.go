package main

import (
	"fmt"
	"time"

	"github.com/mor-lang/mor/vm"
	"github.com/spf13/cobra"
)

func newTestCommand() *cobra.Command {
	var start string
	cmd := &cobra.Command{
		Use:   "test FILE...",
		Short: "Run the test blocks of .mor files",
		Long: `test runs each test block of the files on its own VM with a virtual clock.
A test block may spawn objects, send them messages, advance the clock and
expect conditions on an object's memory:

  test "heat raises an alert" {
    send Station("a").reading(max: 36.0, min: 20.0)
    advance 1d
    expect Station("a"): alert == heat
  }

It prints PASS or FAIL for each test and exits with status 1 if any fails.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			prog, err := loadProgram(args, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			t0, err := time.Parse(time.RFC3339, start)
			if err != nil {
				return fmt.Errorf("invalid --start %q: %v", start, err)
			}
			if len(prog.Tests) == 0 {
				return fmt.Errorf("no test blocks in %v", args)
			}
			failed := 0
			out := cmd.OutOrStdout()
			for _, t := range prog.Tests {
				r := vm.RunTest(prog, t, t0)
				if r.Passed() {
					fmt.Fprintf(out, "PASS  %s\n", r.Name)
					continue
				}
				failed++
				fmt.Fprintf(out, "FAIL  %s\n", r.Name)
				for _, f := range r.Failures {
					fmt.Fprintf(out, "      %s\n", f)
				}
			}
			fmt.Fprintf(out, "%d passed, %d failed\n", len(prog.Tests)-failed, failed)
			if failed > 0 {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&start, "start", "2000-01-01T00:00:00Z", "virtual clock start `TIME` for each test")
	return cmd
}

package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/grammar"
	"github.com/spf13/cobra"
)

// exitError carries an exit status; its message, if any, is already
// printed.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// run executes the command line and returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCommand(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	var exit *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.code
	}
	fmt.Fprintf(stderr, "mor: %v\n", err)
	return 2
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "mor",
		Short: "Check and run memory-resident execution objects written in .mor",
		Long: "mor runs objects declared in .mor files: typed memory governed by constraints,\n" +
			"a lineage of every change, and each object's own cycle of rules, handlers,\n" +
			"timers and modes.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newCheckCommand(), newRunCommand(), newLineageCommand(), newReplayCommand(),
		newStateCommand(), newQueryCommand(), newInquiriesCommand(), newTestCommand(),
		newSendCommand("send --data DIR OBJECT MESSAGE [name=value...]",
			"Queue a message for an object in a data directory", ""),
		newSendCommand("answer --data DIR OBJECT [name=value...]",
			"Answer an object's open question by queuing an answer message", "answer"))
	return root
}

// loadProgram reads and compiles .mor files, printing every error with
// its source line and a caret.
func loadProgram(paths []string, stderr io.Writer) (*compiler.Program, error) {
	var sources []compiler.Source
	texts := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		sources = append(sources, compiler.Source{Name: p, Text: string(b)})
		texts[p] = string(b)
	}
	prog, err := compiler.CompileSources(sources...)
	if err != nil {
		fmt.Fprint(stderr, grammar.Format(err, texts))
		if list, ok := err.(grammar.ErrorList); ok && len(list) > 1 {
			fmt.Fprintf(stderr, "%d errors\n", len(list))
		}
		return nil, &exitError{code: 1}
	}
	return prog, nil
}

func newCheckCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE...",
		Short: "Parse and type-check .mor files",
		Long: "check parses and type-checks .mor files and prints every error as\n" +
			"file:line:col with the source line and a caret. It exits with status 1 on errors.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			prog, err := loadProgram(args, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ok: %s, %s\n", count(len(prog.Objects), "object type"),
				count(len(prog.Tests), "test"))
			return nil
		},
	}
}

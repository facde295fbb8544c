package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/ledger"
)

// stateFlag is --state, the ledger's path.
type stateFlag struct{ path string }

func (s *stateFlag) register(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&s.path, "state", "", "ledger database (default $XDG_STATE_HOME/announce/ledger.db)")
}

func (s *stateFlag) open(cmd *cobra.Command) (*ledger.Ledger, error) { return s.openCtx(cmd.Context()) }

func (s *stateFlag) openCtx(ctx context.Context) (*ledger.Ledger, error) {
	p, err := s.resolve()
	if err != nil {
		return nil, err
	}
	return ledger.Open(ctx, p)
}

// openExisting opens the ledger only when it exists: nil, and no file
// created, when there is none (what a dry run reads). One that exists but
// cannot be read is an error, not an empty past.
func (s *stateFlag) openExisting(ctx context.Context) (*ledger.Ledger, error) {
	p, err := s.resolve()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return ledger.Open(ctx, p)
}

// closeLedger closes l if it is open.
func closeLedger(l *ledger.Ledger) {
	if l != nil {
		l.Close()
	}
}

// resolve returns the ledger's path: --state, or the default.
func (s *stateFlag) resolve() (string, error) {
	if s.path != "" {
		return s.path, nil
	}
	return ledger.DefaultPath()
}

func newSuppressCmd(env *Env, state *stateFlag) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "suppress",
		Short: "Manage addresses that are never sent to (hard bounces, opt-outs)",
		Args:  cobra.NoArgs,
	}
	var reason string
	add := &cobra.Command{
		Use:   "add ADDRESS... --reason TEXT",
		Short: "Add addresses to the suppression list",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if reason == "" {
				return usageError("suppress add: --reason is required")
			}
			if err := dispatch.CheckAddresses(args); err != nil {
				return usageError("suppress add: %v", err)
			}
			l, err := state.open(cmd)
			if err != nil {
				return err
			}
			defer l.Close()
			return dispatch.Suppress(cmd.Context(), l, args, reason, func(a string) { fmt.Fprintf(env.Stderr, "suppressed %s\n", a) })
		},
	}
	add.Flags().StringVar(&reason, "reason", "", "why (kept with the address)")
	remove := &cobra.Command{
		Use:   "remove ADDRESS...",
		Short: "Remove addresses from the suppression list",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := state.open(cmd)
			if err != nil {
				return err
			}
			defer l.Close()
			return dispatch.Unsuppress(cmd.Context(), l, args, func(a string) { fmt.Fprintf(env.Stderr, "unsuppressed %s\n", a) })
		},
	}
	var format string
	list := &cobra.Command{
		Use:   "list [--format text|json]",
		Short: "List suppressed addresses",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat("announce suppress list", format); err != nil {
				return err
			}
			l, err := state.open(cmd)
			if err != nil {
				return err
			}
			defer l.Close()
			ss, err := dispatch.Suppressions(cmd.Context(), l)
			if err != nil {
				return err
			}
			if format == "json" {
				return dispatch.WriteSuppressionsJSON(env.Stdout, ss)
			}
			return dispatch.WriteSuppressions(env.Stdout, ss)
		},
	}
	list.Flags().StringVar(&format, "format", "text", "text or json (one object per address, as JSON lines)")
	cmd.AddCommand(add, remove, list)
	return cmd
}

package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/dispatch"
)

func newSuppressCmd(env *Env, p *paths, state *stateFlag) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "suppress",
		Short: "Manage addresses that are never sent to (hard bounces, opt-outs)",
		Args:  cobra.NoArgs,
	}
	var reason string
	var tokens []string
	add := &cobra.Command{
		Use:   "add ADDRESS... --reason TEXT | add --token TOKEN...",
		Short: "Add addresses to the suppression list (or the addresses of one-click unsubscribe tokens)",
		Long: `add puts addresses on the suppression list. --token takes the token of a one-click
unsubscribe URL (or the whole URL) instead of an address: the instance's unsubscribe key
(unsubscribe_key_env or unsubscribe_key_file) turns it back into the address, and the
reason says it came from the token.
` + exitHelp,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && len(tokens) == 0 {
				return usageError("suppress add: give an address or --token")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			byToken, err := dispatch.LoadTokenAddresses(p.instances, tokens)
			if err != nil {
				return err
			}
			if reason == "" && len(args) > 0 {
				return usageError("suppress add: --reason is required")
			}
			if err := dispatch.CheckAddresses(args); err != nil {
				return usageError("suppress add: %v", err)
			}
			l, err := state.open(cmd.Context())
			if err != nil {
				return err
			}
			defer l.Close()
			if err := dispatch.Suppress(cmd.Context(), l, args, reason, func(a string) { fmt.Fprintf(env.Stderr, "suppressed %s\n", a) }); err != nil {
				return err
			}
			return dispatch.SuppressTokens(cmd.Context(), l, byToken, reason, func(t dispatch.TokenAddress) {
				fmt.Fprintf(env.Stderr, "suppressed %s (%s)\n", t.Address, t.Why())
			})
		},
	}
	add.Flags().StringVar(&reason, "reason", "", "why (kept with the address)")
	add.Flags().StringArrayVar(&tokens, "token", nil, "a one-click unsubscribe token, or its URL (repeatable)")
	remove := &cobra.Command{
		Use:   "remove ADDRESS...",
		Short: "Remove addresses from the suppression list",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := state.open(cmd.Context())
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
			// Read only: works on a read-only ledger, and creates none.
			l, err := state.openReadOnly(cmd.Context())
			if err != nil {
				return err
			}
			defer closeLedger(l)
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

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/ledger"
)

type statusOptions struct {
	paths    *paths
	state    *stateFlag
	instance string
	format   string
	now      string
	failed   bool
}

func newStatusCmd(env *Env, p *paths, state *stateFlag) *cobra.Command {
	opts := &statusOptions{paths: p, state: state}
	cmd := &cobra.Command{
		Use:   "status [--instance KEY] [--format text|json]",
		Short: "Show, per instance and notice, when it is due and what was sent",
		Long: `status shows, for every instance and notice of the schedule, when it is due (local time
and UTC), its state — waiting, due, sending, sent, expired, failed or uncertain — and the counts of
recipients sent, failed, suppressed and pending, from the ledger (--state).
` + exitHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runStatus(cmd.Context(), env, opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.instance, "instance", "all", "only this instance")
	f.StringVar(&opts.format, "format", "text", "text or json")
	f.StringVar(&opts.now, "now", "", "as at this moment (RFC 3339)")
	f.BoolVar(&opts.failed, "failed", false, "list the failed addresses with the server's reply instead")
	return cmd
}

func runStatus(ctx context.Context, env *Env, opts *statusOptions) error {
	if opts.format != "text" && opts.format != "json" {
		return usageError("--format %q: want text or json", opts.format)
	}
	now, err := parseNow(env, opts.now)
	if err != nil {
		return err
	}
	inst, sched, _, err := opts.paths.load()
	if err != nil {
		return err
	}
	keys, err := selectInstances(inst, sched, opts.instance)
	if err != nil {
		return err
	}
	l, err := opts.state.openReadOnly(ctx)
	if err != nil {
		return err
	}
	defer closeLedger(l)
	if opts.failed {
		return printFailed(ctx, env, l, dispatch.Scope{Campaign: sched.Campaign, Instance: opts.instance})
	}
	rows, err := dispatch.Status(ctx, l, inst, sched, keys, now)
	if err != nil {
		return err
	}
	if opts.format == "json" {
		enc := json.NewEncoder(env.Stdout)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "INSTANCE\tNOTICE\tDUE (LOCAL)\tDUE (UTC)\tSTATE\tSENT\tFAILED\tSUPPRESSED\tPENDING\tFORUM\n")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", r.Instance, r.Notice, r.DueLocal, r.DueUTC.Format("2006-01-02 15:04Z"), r.State, r.Sent, r.Failed, r.Suppressed, r.Pending, r.ForumURL)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return printUncertain(ctx, env, l, dispatch.Scope{Campaign: sched.Campaign, Instance: opts.instance})
}

// printUncertain lists the messages held as uncertain: sent in full with no
// reply, or in flight at repeated crashes; --resend-uncertain sends them.
func printUncertain(ctx context.Context, env *Env, l *ledger.Ledger, s dispatch.Scope) error {
	us, err := dispatch.UncertainMessages(ctx, l, s)
	if err != nil || len(us) == 0 {
		return err
	}
	fmt.Fprintf(env.Stdout, "\nUncertain (maybe delivered; not sent again unless --resend-uncertain): %d\n", len(us))
	for _, u := range us {
		fmt.Fprintf(env.Stdout, "  %s %s %s: %s\n", u.Instance, u.Notice, u.Recipient, u.LastReply)
	}
	return nil
}

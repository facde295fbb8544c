package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/dispatch"
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
	return dispatch.StatusReport{Instances: inst, Schedule: sched, Keys: keys, Now: now, Failed: opts.failed, JSON: opts.format == "json",
		Scope: dispatch.Scope{Campaign: sched.Campaign, Instance: opts.instance}}.Write(ctx, env.Stdout, l)
}

package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/timing"
)

type dueOptions struct {
	paths    *paths
	state    *stateFlag
	now      string
	dryRun   bool
	instance string
	format   string
}

func newDueCmd(env *Env, p *paths, state *stateFlag) *cobra.Command {
	opts := &dueOptions{paths: p, state: state}
	cmd := &cobra.Command{
		Use:   "due [--now RFC3339] [--dry-run] [--instance KEY]",
		Short: "Send every notice that is due now, once; for cron or a systemd timer",
		Long: `due works out, for every instance of the schedule, which notices are due now in the
instance's own time zone and sends those not yet sent. ` + timing.RulesHelp + `

Runs take a lock in the ledger: a second run started meanwhile says which run holds it
and exits 0. Run it every few minutes (see deploy/ and README).
` + exitHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDue(cmd.Context(), env, opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.now, "now", "", "pretend it is this moment (RFC 3339, e.g. 2019-05-06T09:00:00+02:00)")
	f.BoolVar(&opts.dryRun, "dry-run", false, "say what is due; send and record nothing")
	f.StringVar(&opts.instance, "instance", "all", "only this instance")
	f.StringVar(&opts.format, "format", "text", "text or json (the notices dealt with, as JSON lines)")
	return cmd
}

func parseNow(env *Env, s string) (time.Time, error) {
	if s == "" {
		return env.Now(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usageError("--now %q: want RFC 3339, e.g. 2019-05-06T09:00:00+02:00", s)
	}
	return t, nil
}

func runDue(ctx context.Context, env *Env, opts *dueOptions) error {
	if err := checkFormat("announce due", opts.format); err != nil {
		return err
	}
	now, err := parseNow(env, opts.now)
	if err != nil {
		return err
	}
	d, err := newDueRunner(ctx, env, opts)
	if err != nil {
		return err
	}
	defer d.close()
	return d.runAt(ctx, now)
}

// dueRunner holds what a due run needs, loaded once (a test runs it at
// thousands of simulated moments).
type dueRunner struct {
	env    *Env
	format string
	due    dispatch.DueOptions
	l      *ledger.Ledger
}

func newDueRunner(ctx context.Context, env *Env, opts *dueOptions) (*dueRunner, error) {
	inst, sched, r, keys, err := loadSelected(ctx, env, opts.paths, opts.instance)
	if err != nil {
		return nil, err
	}
	// A dry run creates no ledger where there is none.
	open := opts.state.open
	if opts.dryRun {
		open = opts.state.openExisting
	}
	l, err := open(ctx)
	if err != nil {
		return nil, err
	}
	return &dueRunner{env: env, format: opts.format, l: l,
		due: dispatch.DueOptions{Instances: inst, Schedule: sched, Renderer: r, Keys: keys, DryRun: opts.dryRun}}, nil
}

func (d *dueRunner) close() { closeLedger(d.l) }

// runAt does what is due at now.
func (d *dueRunner) runAt(ctx context.Context, now time.Time) error {
	rep := newReporter(d.env, d.due.Instances, func() time.Time { return now }, d.format)
	o := d.due
	o.Now, o.Exec = now, dispatch.ExecOptions{Clients: clients(d.env), Report: rep.Events(), Log: rep.Log}
	return rep.Flush(dispatch.RunDue(ctx, d.l, o))
}

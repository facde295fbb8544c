package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ics"
	"github.com/openfoodfoundation/announce/internal/plan"
)

type planOptions struct {
	paths      *paths
	format     string
	operatorTZ string
	now        string
}

func newPlanCmd(env *Env, p *paths) *cobra.Command {
	opts := &planOptions{paths: p}
	cmd := &cobra.Command{
		Use:   "plan [--format text|markdown|json|ics|html] [--operator-tz ZONE] [--now RFC3339]",
		Short: "Show every window and notice in local time, UTC and the operator's time, and check each window",
		Long: `plan prints a timeline of the schedule's windows — each notice's send moment, the start,
the expected and the latest end — in the instance's local time, in UTC and in the time
of the operator who runs the deploy (--operator-tz shows everything in one zone instead),
and checks every window from its start to its latest end:

` + plan.RulesHelp + `
Each finding says why, and the plan suggests the nearest later start, in 30-minute steps
within 60 days, for a window of the same length that breaks no rule (warnings included)
and leaves the minimum notice from --now. --format ics writes every window as an
RFC 5545 calendar instead (one event per window; findings go to stderr); --format html
one page with the timeline picture (every window on one UTC axis) and the tables.

Exit status: 0 when no rule gives an error (warnings allowed), 1 when one does,
2 for bad usage or bad input (configuration).`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError("plan takes no arguments, got %v", args)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return runPlan(cmd.Context(), env, opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.format, "format", "text", "text, markdown, json, ics or html")
	f.StringVar(&opts.operatorTZ, "operator-tz", "", "show the operator column in this zone, IANA or OFN's Rails name (default: each window's operator's zone)")
	f.StringVar(&opts.now, "now", "", "plan as at this moment (RFC 3339): suggestions start after it and leave the minimum notice from it")
	return cmd
}

func runPlan(ctx context.Context, env *Env, opts *planOptions) error {
	if err := checkFormat("announce plan", opts.format); err != nil {
		return err
	}
	var zone *time.Location
	if opts.operatorTZ != "" {
		var z config.Zone
		if err := z.UnmarshalText([]byte(opts.operatorTZ)); err != nil {
			return usageError("--operator-tz: %v", err)
		}
		zone = z.Location
	}
	now, err := parseNow(env, opts.now)
	if err != nil {
		return err
	}
	inst, err := config.LoadInstances(opts.paths.instances)
	if err != nil {
		return err
	}
	sched, err := config.LoadSchedule(opts.paths.schedule, inst)
	if err != nil {
		return err
	}
	cycles, err := conn(env).LiveOrderCycles(ctx, inst, sched)
	if err != nil {
		return err
	}
	p := plan.Make(inst, sched, plan.Options{Now: now, OperatorZone: zone, OrderCycles: cycles})
	if opts.format == "ics" {
		err = ics.WriteRollout(env.Stdout, inst, sched, ics.RolloutOptions{Stamp: now})
	} else {
		err = p.Write(env.Stdout, opts.format)
	}
	if err != nil {
		return err
	}
	// stderr lists the errors ("file:line: rule: why (suggest …)"); exit 1.
	return p.Err()
}

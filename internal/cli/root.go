package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/config"
)

// notifyOptions are the root command's flags: announce one instance's notices.
type notifyOptions struct {
	paths
	instance    string
	notice      string
	dryRun      bool
	out         string
	skipInvalid bool
}

func newRootCmd(env *Env) *cobra.Command {
	opts := &notifyOptions{}
	cmd := &cobra.Command{
		Use:   "announce --instance KEY --dry-run [--notice NOTICE] [--out DIR]",
		Short: "Tell the users of an OFN instance about scheduled maintenance",
		Long: `announce renders the maintenance notices of a rollout (config/schedule.toml) for the
users of each instance (config/instances.toml, recipients/*.csv), in each reader's
language (locales/) from the templates (templates/), and shows or sends them.

Notices: announce (a week before), reminder (the day before), start, done.

  announce --instance katuma --dry-run             every notice of Katuma's window
  announce --instance katuma --dry-run --notice announce --out /tmp/katuma
  announce --instance all --dry-run                every instance
  announce check                                   validate everything, send nothing
` + exitHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runNotify(cmd.Context(), env, opts)
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError("%v", err) })
	opts.paths.register(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.instance, "instance", "", "instance key from the instances file, or \"all\"")
	f.StringVar(&opts.notice, "notice", "", "announce, reminder, start or done (default: every notice of the window)")
	f.BoolVar(&opts.dryRun, "dry-run", false, "show what would be sent; send nothing")
	f.StringVar(&opts.out, "out", "", "with --dry-run: write one .eml per recipient and the forum post (.md) under DIR")
	f.BoolVar(&opts.skipInvalid, "skip-invalid", false, "skip bad recipient rows (listed) instead of failing")
	cmd.AddCommand(newCheckCmd(env, &opts.paths))
	return cmd
}

func runNotify(ctx context.Context, env *Env, opts *notifyOptions) error {
	if opts.instance == "" {
		return usageError("--instance is required (an instance key, or \"all\"); see --help")
	}
	var notices []config.Notice
	if opts.notice != "" {
		n, err := config.ParseNotice(opts.notice)
		if err != nil {
			return usageError("--notice: %v", err)
		}
		notices = []config.Notice{n}
	}
	if opts.out != "" && !opts.dryRun {
		return usageError("--out goes with --dry-run")
	}
	if !opts.dryRun {
		return usageError("sending is not available in this version: run with --dry-run to see what would be sent")
	}
	inst, sched, r, err := opts.paths.load()
	if err != nil {
		return err
	}
	keys, err := selectInstances(inst, sched, opts.instance)
	if err != nil {
		return err
	}
	return dryRun(ctx, env, dryRunPlan{
		instances: inst, schedule: sched, renderer: r, keys: keys, notices: notices,
		out: opts.out, skipInvalid: opts.skipInvalid,
	})
}

// selectInstances resolves --instance against the schedule: "all" is every
// instance with a window, in key order.
func selectInstances(inst *config.Instances, sched *config.Schedule, sel string) ([]string, error) {
	if sel == "all" {
		var keys []string
		for _, k := range inst.Keys() {
			if _, ok := sched.Window(k); ok {
				keys = append(keys, k)
			}
		}
		return keys, nil
	}
	if _, ok := inst.Instances[sel]; !ok {
		return nil, usageError("unknown instance %q (known: %v)", sel, inst.Keys())
	}
	if _, ok := sched.Window(sel); !ok {
		return nil, badInput(fmt.Errorf("%s: no window for instance %q", sched.File, sel))
	}
	return []string{sel}, nil
}

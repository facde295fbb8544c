package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/render"
)

// notifyOptions are the root command's flags: announce one instance's notices.
type notifyOptions struct {
	paths
	state       stateFlag
	yes         bool
	noForum     bool
	forumOnly   bool
	update      bool
	instance    string
	notice      string
	dryRun      bool
	out         string
	skipInvalid bool
	// resendUncertain sends again messages that may have been delivered
	// (no reply to their end; in flight at repeated crashes).
	resendUncertain bool
	force           bool
	format          string
}

func newRootCmd(env *Env) *cobra.Command {
	opts := &notifyOptions{}
	opts.state.bind(env, &opts.paths.instances)
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
  announce --instance katuma --notice announce     send it (asks first at a terminal)
  announce check                                   validate everything, send nothing
  announce suppress add ADDR --reason "bounced"    never send to ADDR again
  announce due | status | plan | digest | classify  see each one's --help

` + ledger.WhichHelp + `

` + dispatch.GuardHelp + ` Passwords come from the environment
variable or file the instances file names, never from the file itself.
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
	opts.state.register(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.instance, "instance", "", "instance key from the instances file, or \"all\"")
	f.StringVar(&opts.notice, "notice", "", "announce, reminder, start, done, reschedule or cancel (default: every scheduled notice of the window)")
	f.BoolVar(&opts.dryRun, "dry-run", false, "show what would be sent; send nothing")
	f.StringVar(&opts.out, "out", "", "with --dry-run: write one .eml per recipient and the forum post (.md) under DIR")
	f.BoolVar(&opts.skipInvalid, "skip-invalid", false, "skip bad recipient rows (listed) instead of failing")
	f.BoolVar(&opts.yes, "yes", false, "send without asking (needed without a terminal above 10 recipients)")
	f.BoolVar(&opts.noForum, "no-forum", false, "send the emails only, not the forum copy")
	f.BoolVar(&opts.forumOnly, "forum-only", false, "post only the forum copy, send no email")
	f.BoolVar(&opts.force, "force", false, "send even what due's timing rules refuse (too early, too late, an unmoved reschedule); recorded in the ledger")
	f.BoolVar(&opts.update, "update", false, "edit a forum post whose text changed since it was posted (the window moved)")
	f.BoolVar(&opts.resendUncertain, "resend-uncertain", false, "also send, once more, the messages that may have been delivered (listed by announce status)")
	f.StringVar(&opts.format, "format", "text", "text or json (the dry run's notices, or a send's results, as JSON lines)")
	cmd.AddCommand(newCheckCmd(env, &opts.paths))
	cmd.AddCommand(newSuppressCmd(env, &opts.paths, &opts.state))
	cmd.AddCommand(newDueCmd(env, &opts.paths, &opts.state))
	cmd.AddCommand(newStatusCmd(env, &opts.paths, &opts.state))
	cmd.AddCommand(newPlanCmd(env, &opts.paths))
	cmd.AddCommand(newDigestCmd(env, &opts.paths, &opts.state))
	cmd.AddCommand(newRetryCmd(env, &opts.paths, &opts.state))
	cmd.AddCommand(newClassifyCmd(env))
	cmd.AddCommand(newSiteCmd(env, &opts.paths, &opts.state))
	cmd.AddCommand(newMaintenanceCmd(env, &opts.paths, &opts.state))
	return cmd
}

func runNotify(ctx context.Context, env *Env, opts *notifyOptions) error {
	if opts.instance == "" {
		return usageError("--instance is required (an instance key, or \"all\"); see --help")
	}
	if err := checkFormat("announce", opts.format); err != nil {
		return err
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
	if opts.noForum && opts.forumOnly {
		return usageError("--no-forum and --forum-only exclude each other")
	}
	if !opts.dryRun && notices == nil {
		return usageError("a real send needs --notice (announce, reminder, start or done)")
	}
	inst, sched, r, keys, err := loadSelected(ctx, env, &opts.paths, opts.instance)
	if err != nil {
		return err
	}
	po := dispatch.PlanOptions{Instances: inst, Schedule: sched, Renderer: r, Keys: keys, Notices: notices, SkipInvalid: opts.skipInvalid,
		Forum: dispatch.ForumMode{Skip: opts.noForum, Only: opts.forumOnly, Update: opts.update}, Now: env.Now(), Force: opts.force}
	if opts.dryRun {
		// A dry run writes nothing, and creates no ledger where there is none.
		l, err := opts.state.openExisting(ctx)
		if err != nil {
			return err
		}
		defer closeLedger(l)
		p, err := dispatch.PlanNotices(ctx, l, po)
		if err != nil {
			return err
		}
		return dryRun(ctx, env, p, opts.out, opts.format)
	}
	l, err := opts.state.openForSend(ctx)
	if err != nil {
		return err
	}
	p, l, err := dispatch.PlanSend(ctx, l, opts.state.open, po)
	defer closeLedger(l)
	if err != nil {
		return err
	}
	for _, line := range p.Forced() {
		fmt.Fprintln(env.Stderr, line)
	}
	rep := newReporter(env, inst, env.Now, opts.format)
	return rep.Flush(p.Execute(ctx, dispatch.ExecOptions{
		Clients: clients(env), Command: "announce --instance " + strings.Join(keys, ",") + " --notice " + string(notices[0]),
		Now: env.Now, Confirm: confirmer(env, opts.yes), Report: rep.Events(), Log: rep.Log, ResendUncertain: opts.resendUncertain,
	}))
}

// loadSelected loads the configuration (paths.load), resolves --instance
// and reads the selected instances' recipients databases, if any.
func loadSelected(ctx context.Context, env *Env, p *paths, sel string) (*config.Instances, *config.Schedule, *render.Renderer, []string, error) {
	inst, sched, r, err := p.load()
	if err != nil {
		return nil, nil, nil, nil, err
	}
	keys, err := selectInstances(inst, sched, sel)
	if err == nil {
		err = useDatabases(ctx, env, inst, sched, keys)
	}
	return inst, sched, r, keys, err
}

// selectInstances resolves --instance against the schedule
// (dispatch.SelectInstances); an unknown instance is a usage error.
func selectInstances(inst *config.Instances, sched *config.Schedule, sel string) ([]string, error) {
	keys, err := dispatch.SelectInstances(inst, sched, sel)
	if errors.Is(err, dispatch.ErrUnknownInstance) {
		return nil, usageError("%v", err)
	}
	return keys, err
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/render"
)

type dueOptions struct {
	paths    *paths
	state    *stateFlag
	now      string
	dryRun   bool
	instance string
}

func newDueCmd(env *Env, p *paths, state *stateFlag) *cobra.Command {
	opts := &dueOptions{paths: p, state: state}
	cmd := &cobra.Command{
		Use:   "due [--now RFC3339] [--dry-run] [--instance KEY]",
		Short: "Send every notice that is due now, once; for cron or a systemd timer",
		Long: `due works out, for every instance of the schedule, which notices are due now in the
instance's own time zone and sends those not yet sent (announce 7 days before the window,
reminder the day before, start at the start, done after the latest end; [send] in the
schedule changes the moments). Announce and reminder wait out quiet hours (default
21:00–08:00 local). After downtime a late notice is still sent while it makes sense —
announce and reminder before the window starts (an announce not sent by the reminder's
moment is skipped: the reminder carries the news), start before the window ends, done
within a day — otherwise it is recorded as expired and reported.

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
	env   *Env
	opts  *dueOptions
	inst  *config.Instances
	sched *config.Schedule
	r     *render.Renderer
	keys  []string
	l     *ledger.Ledger
}

func newDueRunner(ctx context.Context, env *Env, opts *dueOptions) (*dueRunner, error) {
	inst, sched, r, err := opts.paths.load()
	if err != nil {
		return nil, err
	}
	keys, err := selectInstances(inst, sched, opts.instance)
	if err != nil {
		return nil, err
	}
	if err := useDatabases(ctx, env, inst, sched, keys); err != nil {
		return nil, err
	}
	l, err := opts.state.openCtx(ctx)
	if err != nil {
		return nil, err
	}
	return &dueRunner{env: env, opts: opts, inst: inst, sched: sched, r: r, keys: keys, l: l}, nil
}

func (d *dueRunner) close() { d.l.Close() }

// runAt does what is due at now.
func (d *dueRunner) runAt(ctx context.Context, now time.Time) error {
	actions, err := dispatch.DueNow(ctx, d.l, d.inst, d.sched, d.keys, now)
	if err != nil {
		return err
	}
	forumDue, err := d.forumPending(ctx)
	if err != nil {
		return err
	}
	if len(actions) == 0 && len(forumDue) == 0 {
		fmt.Fprintf(d.env.Stderr, "due: nothing to do at %s\n", now.UTC().Format(time.RFC3339))
		return nil
	}
	env := &Env{Stdin: d.env.Stdin, Stdout: d.env.Stdout, Stderr: d.env.Stderr, Getenv: d.env.Getenv, Now: func() time.Time { return now }}
	var run *sendRun
	if !d.opts.dryRun {
		if run, err = newSendRun(ctx, env, d.l, "announce due"); err != nil {
			return err
		}
		defer run.close()
		// Under the lock, again: another run may have just done it.
		if actions, err = dispatch.DueNow(ctx, d.l, d.inst, d.sched, d.keys, now); err != nil {
			return err
		}
	}
	var errs []error
	failed := false
	for _, a := range actions {
		in := d.inst.Instances[a.Instance]
		local := a.Moment.Due.In(in.Location()).Format("2006-01-02 15:04 MST")
		switch a.Do {
		case dispatch.DoExpire:
			fmt.Fprintf(env.Stdout, "%s %s notice (due %s): expired, not sent: %s\n", a.Instance, a.Key(), local, a.Reason)
			if !d.opts.dryRun {
				if err := d.l.RecordNotice(ctx, d.sched.Campaign, a.Key(), a.Instance, ledger.NoticeExpired, a.Reason); err != nil {
					return err
				}
			}
		case dispatch.DoSend:
			verb := "sending"
			if d.opts.dryRun {
				verb = "would send (dry run)"
			}
			fmt.Fprintf(env.Stdout, "%s %s notice (due %s): %s\n", a.Instance, a.Key(), local, verb)
			if d.opts.dryRun {
				continue
			}
			w, _ := d.sched.Window(a.Instance)
			rj := render.Job{Schedule: d.sched, Instance: in, Window: w, Notice: a.Moment.Notice}
			var only map[string]bool
			if told, _, ok, err := d.l.LastTold(ctx, d.sched.Campaign, a.Instance); err != nil {
				return err
			} else if ok {
				rj.Sequence = told.Sequence // the calendar event readers have
			}
			if c := a.Change; c != nil {
				rj.Previous, rj.Seq, rj.Sequence = &c.Previous, c.Seq, c.Sequence
				if only, err = d.l.ToldRecipients(ctx, d.sched.Campaign, a.Instance, c.ToldBy); err != nil {
					return err
				}
			}
			prep, err := d.r.Prepare(rj)
			if err != nil {
				errs = append(errs, badInput(err))
				continue
			}
			census, err := dispatch.TakeCensus(prep, in.Recipients)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			// An unattended run sends to the valid rows and lists the rest:
			// one bad row must not hold back a notice that is due now.
			f, err := run.send(ctx, job{prep: prep, census: census, only: only})
			if ctx.Err() != nil {
				return err
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s %s notice: %w", a.Instance, a.Key(), err))
			}
			failed = failed || f
			// A change notice's forum copy goes now (the scheduled ones are
			// posted below, and retried by later runs, from the ledger).
			if a.Change != nil && in.Forum != nil {
				if err := run.postForum(ctx, prep, false); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	// The forum copy of every notice sent, by this run or an earlier one
	// whose post failed: email and forum go on independently.
	if !d.opts.dryRun {
		if forumDue, err = d.forumPending(ctx); err != nil {
			return err
		}
		for _, k := range forumDue {
			w, _ := d.sched.Window(k[0])
			prep, err := d.r.Prepare(render.Job{Schedule: d.sched, Instance: d.inst.Instances[k[0]], Window: w, Notice: config.Notice(k[1])})
			if err == nil {
				err = run.postForum(ctx, prep, false)
			}
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if failed {
		return errors.New("some messages were not delivered (listed above); the next run retries the temporary failures")
	}
	return nil
}

// forumPending lists (instance, notice) pairs whose emails went out and
// whose forum copy was not posted yet, for instances with a forum.
func (d *dueRunner) forumPending(ctx context.Context) ([][2]string, error) {
	outcomes, err := d.l.NoticeOutcomes(ctx, d.sched.Campaign)
	if err != nil {
		return nil, err
	}
	posted, err := d.l.ForumPosts(ctx, d.sched.Campaign)
	if err != nil {
		return nil, err
	}
	var out [][2]string
	for _, key := range d.keys {
		if d.inst.Instances[key].Forum == nil {
			continue
		}
		for _, n := range config.Notices {
			k := [2]string{key, string(n)}
			if r, ok := outcomes[k]; ok && r.State == ledger.NoticeSent {
				if _, done := posted[k]; !done {
					out = append(out, k)
				}
			}
		}
	}
	return out, nil
}

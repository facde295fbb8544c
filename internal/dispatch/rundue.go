package dispatch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/render"
)

// DueOptions configure a due run.
type DueOptions struct {
	Instances *config.Instances
	Schedule  *config.Schedule
	Renderer  *render.Renderer
	Keys      []string // the instances to consider
	Now       time.Time
	// DryRun says what is due and does nothing: no lock, no send, no record.
	DryRun bool
	// Exec makes the clients and hears the events; its Now and Command are
	// set by RunDue.
	Exec ExecOptions
}

// NothingDue: a due run found nothing to send, expire or post.
type NothingDue struct{ At time.Time }

// DueExpired: a notice's moment passed unsent; it is recorded as expired.
type DueExpired struct{ Action Action }

// DueSending: a notice is due and is sent now (or would be, in a dry run).
type DueSending struct {
	Action Action
	DryRun bool
}

func (NothingDue) event() {}
func (DueExpired) event() {}
func (DueSending) event() {}

// RunDue does what is due at o.Now (l may be nil for a dry run: no ledger
// yet): it sends every notice whose moment came
// (through the same plan and execution as a send by hand, to the valid rows
// of the list: one bad row must not hold back a notice that is due), records
// the expired ones, and posts every forum copy still missing of a notice
// that went out. It holds the run lock while it does. Each notice's failure
// is in the error; the others go on.
func RunDue(ctx context.Context, l *ledger.Ledger, o DueOptions) error {
	if l == nil && !o.DryRun {
		return errors.New("due: a run that sends needs a ledger")
	}
	report := o.Exec.Report
	if report == nil {
		report = func(Event) {}
	}
	now := o.Now
	actions, err := DueNow(ctx, l, o.Instances, o.Schedule, o.Keys, now)
	if err != nil {
		return err
	}
	forumDue, err := forumPending(ctx, l, o.Instances, o.Schedule.Campaign, o.Keys)
	if err != nil {
		return err
	}
	if len(actions) == 0 && len(forumDue) == 0 {
		report(NothingDue{At: now})
		return nil
	}
	if o.DryRun {
		for _, a := range actions {
			if a.Do == DoExpire {
				report(DueExpired{Action: a})
			} else {
				report(DueSending{Action: a, DryRun: true})
			}
		}
		return nil
	}
	ex := o.Exec
	ex.Command, ex.Now = "announce due", func() time.Time { return now }
	x, err := newExecution(ctx, l, ex, newClientCache(ex.Clients))
	if err != nil {
		return err
	}
	defer x.close()
	// Under the lock, again: another run may have just done it.
	if actions, err = DueNow(ctx, l, o.Instances, o.Schedule, o.Keys, now); err != nil {
		return err
	}
	h, err := readHistory(ctx, l, o.Schedule.Campaign)
	if err != nil {
		return err
	}
	var errs []error
	failed := false
	for _, a := range actions {
		in := o.Instances.Instances[a.Instance]
		if a.Do == DoExpire {
			report(DueExpired{Action: a})
			if err := l.RecordNotice(ctx, o.Schedule.Campaign, a.Key(), a.Instance, ledger.NoticeExpired, a.Reason); err != nil {
				return err
			}
			continue
		}
		report(DueSending{Action: a})
		w, _ := o.Schedule.Window(a.Instance)
		np, err := planNotice(ctx, h, o.Renderer, o.Schedule, in, w, a.Moment.Notice, a.Change)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		m, err := x.clients.mailer(in)
		if err == nil {
			var f bool
			f, err = x.send(ctx, np, m)
			failed = failed || f
		}
		if ctx.Err() != nil {
			return err
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %s notice: %w", a.Instance, a.Key(), err))
		}
		// A change notice's forum copy goes now (the scheduled ones are
		// posted below, and retried by later runs, from the ledger).
		if a.Change != nil && in.Forum != nil {
			if err := x.postForum(ctx, np.Prepared, false); err != nil {
				errs = append(errs, err)
			}
		}
	}
	// The forum copy of every notice sent, by this run or an earlier one
	// whose post failed: email and forum go on independently.
	if forumDue, err = forumPending(ctx, l, o.Instances, o.Schedule.Campaign, o.Keys); err != nil {
		return err
	}
	for _, k := range forumDue {
		in := o.Instances.Instances[k.Instance]
		w, _ := o.Schedule.Window(k.Instance)
		prep, err := o.Renderer.Prepare(render.Job{Schedule: o.Schedule, Instance: in, Window: w, Notice: config.Notice(k.Notice)})
		if err == nil {
			err = x.postForum(ctx, prep, false)
		} else {
			err = inputError(err)
		}
		if err != nil {
			errs = append(errs, err)
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

// forumPending lists the notices whose emails went out and whose forum copy
// was not posted yet, of the instances with a forum.
func forumPending(ctx context.Context, l *ledger.Ledger, inst *config.Instances, campaign string, keys []string) ([]ledger.NoticeKey, error) {
	if l == nil {
		return nil, nil
	}
	outcomes, err := l.NoticeOutcomes(ctx, campaign)
	if err != nil {
		return nil, err
	}
	posted, err := l.ForumPosts(ctx, campaign)
	if err != nil {
		return nil, err
	}
	var out []ledger.NoticeKey
	for _, key := range keys {
		if inst.Instances[key].Forum == nil {
			continue
		}
		for _, n := range config.Notices {
			k := ledger.NoticeKey{Instance: key, Notice: string(n)}
			if r, ok := outcomes[k]; ok && r.State == ledger.NoticeSent {
				if _, done := posted[k]; !done {
					out = append(out, k)
				}
			}
		}
	}
	return out, nil
}

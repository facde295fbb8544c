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

// InputError marks a problem with the input files (configuration, schedule,
// templates, locales) as opposed to a failure while running: cli exits 2.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputError(err error) error {
	if err == nil {
		return nil
	}
	return &InputError{err}
}

// ForumMode is what a run does about the forum copies.
type ForumMode struct {
	Skip   bool // emails only (--no-forum)
	Only   bool // the forum copy only, no email (--forum-only)
	Update bool // edit a post whose text changed (--update)
}

// PlanOptions say which notices to plan.
type PlanOptions struct {
	Instances *config.Instances
	Schedule  *config.Schedule
	Renderer  *render.Renderer
	// Keys are the instances, in order; each has a window in Schedule.
	Keys []string
	// Notices are the notices to plan; nil: every notice of each window.
	Notices []config.Notice
	// SkipInvalid goes on without the bad rows of a recipients file (the
	// census lists them) instead of failing.
	SkipInvalid bool
	Forum       ForumMode
	// Now is when the plan is made (zero: time.Now), for the timing guard
	// of a send by hand (Guard); Force sends what it refuses.
	Now   time.Time
	Force bool
}

// Plan is what a run of announce would do, worked out from the files and
// the ledger without sending or recording anything: the dry run shows it
// (Preview), the real send carries it out (Execute), so they cannot differ.
type Plan struct {
	Notices []*NoticePlan
	Forum   ForumMode
	ledger  *ledger.Ledger
	force   bool
}

// NoticePlan is one notice of one instance, prepared and counted.
type NoticePlan struct {
	Prepared *render.Prepared
	Census   *Census
	// Only, for a reschedule or cancel, is who was told of the window
	// (normalised addresses); nil: everyone on the list.
	Only map[string]bool
	// AlreadySent is how many recipients the ledger has as sent already.
	AlreadySent int
	// Email is false when the run posts only the forum copy.
	Email bool
	// Forum is the forum copy and what posting it would do; nil when the
	// instance has no forum or the run skips it.
	Forum *ForumPlan
	// Guard is what due's timing rules say of sending it by hand now.
	Guard Guard
}

// Job is the notice's render job.
func (n *NoticePlan) Job() render.Job { return n.Prepared.Job() }

func (n *NoticePlan) only() func(string) bool {
	if n.Only == nil {
		return nil
	}
	return func(k string) bool { return n.Only[k] }
}

// ForumPlan is a notice's forum copy and what posting it would do, as far as
// the ledger knows.
type ForumPlan struct {
	Copy     *ForumCopy
	Action   ForumAction
	Endpoint string // the request it makes ("POST https://…/posts.json")
	Prior    ledger.ForumPost
}

// PlanNotices prepares every selected notice of every selected instance — so
// every input error surfaces before anything is shown or sent — and reads
// from l what was already done: who was told of the window (the audience of
// a reschedule or cancel), the calendar SEQUENCE, the forum posts, the
// recipients already sent. It only reads l; with l nil (no ledger yet)
// nothing was done before.
func PlanNotices(ctx context.Context, l *ledger.Ledger, o PlanOptions) (*Plan, error) {
	h, err := readHistory(ctx, l, o.Schedule.Campaign)
	if err != nil {
		return nil, err
	}
	p := &Plan{Forum: o.Forum, ledger: l, force: o.Force}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	var invalid []error
	for _, key := range o.Keys {
		in := o.Instances.Instances[key]
		w, _ := o.Schedule.Window(key)
		notices := o.Notices
		if notices == nil {
			notices = w.Notices
		}
		if o.Forum.Only && !o.Forum.Skip && in.Forum == nil {
			return nil, inputError(fmt.Errorf("--forum-only: instance %s has no [instances.%s.forum] section", in.Key, in.Key))
		}
		for _, n := range notices {
			if !w.Sends(n) && !isChange(n) {
				return nil, inputError(fmt.Errorf("%s: the window of %s does not send the %s notice (notices = %v)", o.Schedule.File, key, n, w.Notices))
			}
			var change *Change
			if isChange(n) {
				c, ok, err := h.change(ctx, key, n)
				if err != nil {
					return nil, err
				}
				if !ok {
					return nil, inputError(fmt.Errorf("%s: nobody was told of a window yet (no announce or reminder sent): a %s notice has nothing to correct", key, n))
				}
				change = c
			}
			np, err := planNotice(ctx, h, o.Renderer, o.Schedule, in, w, n, change)
			if err != nil {
				return nil, err
			}
			if np.Guard, err = guardNotice(ctx, h, o.Schedule, in, w, n, change, now); err != nil {
				return nil, err
			}
			np.Guard.Forced = o.Force
			np.Email = !o.Forum.Only
			if in.Forum != nil && !o.Forum.Skip {
				if np.Forum, err = planForum(np.Prepared, h.posted, o.Forum.Update); err != nil {
					return nil, err
				}
			}
			c := np.Census
			if len(c.Invalid) > 0 && !o.SkipInvalid {
				invalid = append(invalid, &InvalidError{Rows: c.Invalid})
			}
			p.Notices = append(p.Notices, np)
			if len(c.Invalid) > 0 {
				break // one census per recipients file is enough to report its rows
			}
		}
	}
	if len(invalid) > 0 {
		return nil, errors.Join(append(invalid, errors.New("(fix the rows, or pass --skip-invalid to send to the others)"))...)
	}
	return p, nil
}

// planNotice prepares one notice of one instance and counts its recipients.
// A change (reschedule, cancel) carries the window readers were told about
// and goes to those told only; any other notice carries the calendar
// SEQUENCE readers have.
func planNotice(ctx context.Context, h *history, r *render.Renderer, s *config.Schedule, in *config.Instance, w *config.Window, n config.Notice, c *Change) (*NoticePlan, error) {
	rj := render.Job{Schedule: s, Instance: in, Window: w, Notice: n}
	np := &NoticePlan{Email: true}
	if c != nil {
		rj.Previous, rj.Seq, rj.Sequence = &c.Previous, c.Seq, c.Sequence
		only, err := h.toldRecipients(ctx, in.Key, c.ToldBy)
		if err != nil {
			return nil, err
		}
		np.Only = only
	} else {
		seq, err := h.sequence(ctx, in.Key)
		if err != nil {
			return nil, err
		}
		rj.Sequence = seq
	}
	prep, err := r.Prepare(rj)
	if err != nil {
		return nil, inputError(err)
	}
	np.Prepared = prep
	if np.Census, err = TakeCensus(prep, in.Recipients); err != nil {
		return nil, err
	}
	if np.AlreadySent, err = h.sent(ctx, rj); err != nil {
		return nil, err
	}
	return np, nil
}

func planForum(p *render.Prepared, posted map[ledger.NoticeKey]ledger.ForumPost, update bool) (*ForumPlan, error) {
	c, err := RenderForum(p)
	if err != nil {
		return nil, inputError(err)
	}
	job := p.Job()
	a := PlanForum(job, c, posted, update)
	prior := posted[noticeKey(job)]
	return &ForumPlan{Copy: c, Action: a, Prior: prior, Endpoint: ForumEndpoint(job.Instance.Forum.URL, a, prior)}, nil
}

// noticeKey is how the ledger names the notice of a job.
func noticeKey(job render.Job) ledger.NoticeKey {
	return ledger.NoticeKey{Instance: job.Instance.Key, Notice: job.Key()}
}

// history is what the ledger knows of a campaign, as a plan reads it; with
// no ledger, nothing happened yet.
type history struct {
	l        *ledger.Ledger
	campaign string
	posted   map[ledger.NoticeKey]ledger.ForumPost
	notices  map[ledger.NoticeKey]ledger.NoticeRecord // read by outcomes
}

func readHistory(ctx context.Context, l *ledger.Ledger, campaign string) (*history, error) {
	h := &history{l: l, campaign: campaign, posted: map[ledger.NoticeKey]ledger.ForumPost{}}
	if l == nil {
		return h, nil
	}
	var err error
	h.posted, err = l.ForumPosts(ctx, campaign)
	return h, err
}

// outcomes is what became of each notice of the campaign, read once.
func (h *history) outcomes(ctx context.Context) (map[ledger.NoticeKey]ledger.NoticeRecord, error) {
	if h.l == nil {
		return nil, nil
	}
	if h.notices == nil {
		var err error
		if h.notices, err = h.l.NoticeOutcomes(ctx, h.campaign); err != nil {
			return nil, err
		}
	}
	return h.notices, nil
}

func (h *history) change(ctx context.Context, key string, n config.Notice) (*Change, bool, error) {
	if h.l == nil {
		return nil, false, nil
	}
	return ChangeFor(ctx, h.l, h.campaign, key, n)
}

func (h *history) toldRecipients(ctx context.Context, key string, by []string) (map[string]bool, error) {
	if h.l == nil {
		return map[string]bool{}, nil
	}
	return h.l.ToldRecipients(ctx, h.campaign, key, by)
}

// sequence is the calendar SEQUENCE readers of key have: that of the last
// window they were told about.
func (h *history) sequence(ctx context.Context, key string) (int, error) {
	if h.l == nil {
		return 0, nil
	}
	t, _, ok, err := h.l.LastTold(ctx, h.campaign, key)
	if err != nil || !ok {
		return 0, err
	}
	return t.Sequence, nil
}

func (h *history) sent(ctx context.Context, job render.Job) (int, error) {
	if h.l == nil {
		return 0, nil
	}
	c, err := h.l.Counts(ctx, ledger.Scope{Campaign: h.campaign, Notice: job.Key(), Instance: job.Instance.Key})
	return c.Sent, err
}

// isChange reports whether n corrects what readers were told (reschedule,
// cancel) rather than being one of the window's scheduled notices.
func isChange(n config.Notice) bool { return n == config.Reschedule || n == config.Cancel }

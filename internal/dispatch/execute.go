package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/render"
)

// ClaimLease bounds how long a claim (and the run lock) of a live but
// unreachable run holds. It exceeds the longest one message can take
// (attempts × timeout, backoffs).
const ClaimLease = 30 * time.Minute

// Mailer is how to reach an instance's SMTP server: a new connection's
// client, and how many connections at once.
type Mailer struct {
	New     func() Sender
	Workers int
}

// Clients makes the real clients of an instance; cli builds them (it reads
// the secrets). Either may be nil when the run does not use it.
type Clients struct {
	Mailer func(*config.Instance) (Mailer, error)
	// Poster returns nil for an instance without a forum.
	Poster func(*config.Instance) (Poster, error)
}

// ExecOptions configure carrying out a plan.
type ExecOptions struct {
	Clients Clients
	// Command names the run in the lock another run reports.
	Command string
	// Now is the clock of the Date headers and the progress.
	Now func() time.Time
	// Confirm, when set, is asked under the lock, before any email goes
	// out; an error stops the run with nothing sent. ctx is the run's: it
	// ends at Ctrl-C, so a prompt can give up at once.
	Confirm func(context.Context, *Plan) error
	// ResendUncertain sends once more the messages that may have been
	// delivered (no reply to their end; in flight at repeated crashes),
	// which a run otherwise holds (see ledger.HoldAfter).
	ResendUncertain bool
	// Report, when set, is told what happens as it happens. Progress
	// events come from several goroutines at once.
	Report func(Event)
	Log    *slog.Logger
}

// Event is something a run reports: one of the types below.
type Event interface{ event() }

// SendStarted: the emails of a notice start going out.
type SendStarted struct{ Notice *NoticePlan }

// Progressed: one recipient was dealt with.
type Progressed struct {
	Notice  *NoticePlan
	Outcome Outcome
}

// SendFinished: the emails of a notice went out (or as many as could).
type SendFinished struct {
	Notice  *NoticePlan
	Summary *Summary
}

// ForumPosted: a notice's forum copy was posted, edited or left alone.
type ForumPosted struct {
	Instance, Notice string
	Result           ForumResult
}

func (SendStarted) event()  {}
func (Progressed) event()   {}
func (SendFinished) event() {}
func (ForumPosted) event()  {}

// ErrUndelivered says some messages were not delivered; each was reported
// with the server's reply.
var ErrUndelivered = errors.New("some messages were not delivered (listed above with the server's reply)")

// Execute carries out the plan: it refuses a notice whose list has no valid
// recipient (ErrNoRecipients), loads every DKIM and unsubscribe key and
// makes every client first (a missing secret stops the run before anything
// is sent), takes the run lock, asks
// Confirm, then sends each notice's emails and posts its forum copy. Email
// and forum are independent: one failing neither blocks nor undoes the other;
// both are in the error. A notice all of whose recipients were dealt with is
// recorded as sent (due does not send it again), and what it told readers of
// the window is recorded (to tell them when it changes).
func (p *Plan) Execute(ctx context.Context, o ExecOptions) error {
	if p.ledger == nil {
		return errors.New("a plan made without a ledger cannot be executed")
	}
	if err := p.guard(); err != nil {
		return err
	}
	// An empty list is refused before anything is sent to any instance: a
	// run of several is not left half-done by the input of one.
	var empty []error
	for _, np := range p.Notices {
		if np.Email && np.Census != nil && np.Census.Total == 0 {
			empty = append(empty, inputError(fmt.Errorf("%s: %w: nothing sent, nothing recorded", np.Job().Instance.Recipients, ErrNoRecipients)))
		}
	}
	if len(empty) > 0 {
		return errors.Join(empty...)
	}
	clients := newClientCache(o.Clients)
	for _, np := range p.Notices {
		in := np.Job().Instance
		if np.Email {
			if err := CheckIdentity(in); err != nil {
				return err // a DKIM or unsubscribe key missing: before any notice is sent
			}
			if _, err := clients.mailer(in); err != nil {
				return err
			}
		}
		if np.Forum != nil {
			if _, err := clients.poster(in); err != nil {
				return err
			}
		}
	}
	x, err := newExecution(ctx, p.ledger, o, clients)
	if err != nil {
		return err
	}
	defer x.close()
	if o.Confirm != nil && !p.Forum.Only {
		if err := o.Confirm(ctx, p); err != nil {
			return err
		}
	}
	if err := x.recordOverrides(ctx, p); err != nil {
		return err
	}
	failed := false
	var errs []error
	for _, np := range p.Notices {
		in := np.Job().Instance
		if np.Email {
			m, _ := clients.mailer(in)
			f, err := x.send(ctx, np, m)
			if err != nil {
				return err
			}
			failed = failed || f
		}
		if np.Forum != nil {
			if err := x.postForum(ctx, np.Prepared, p.Forum.Update); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if failed {
		errs = append(errs, ErrUndelivered)
	}
	return errors.Join(errs...)
}

// clientCache makes each instance's clients once per run.
type clientCache struct {
	make    Clients
	mailers map[string]Mailer
	posters map[string]Poster
}

func newClientCache(c Clients) *clientCache {
	return &clientCache{make: c, mailers: map[string]Mailer{}, posters: map[string]Poster{}}
}

func (c *clientCache) mailer(in *config.Instance) (Mailer, error) {
	if m, ok := c.mailers[in.Key]; ok {
		return m, nil
	}
	if c.make.Mailer == nil {
		return Mailer{}, errors.New("no way to make an SMTP client")
	}
	m, err := c.make.Mailer(in)
	if err != nil {
		return Mailer{}, err
	}
	c.mailers[in.Key] = m
	return m, nil
}

// poster returns nil for an instance without a forum.
func (c *clientCache) poster(in *config.Instance) (Poster, error) {
	if in.Forum == nil {
		return nil, nil
	}
	if p, ok := c.posters[in.Key]; ok {
		return p, nil
	}
	if c.make.Poster == nil {
		return nil, errors.New("no way to make a forum client")
	}
	p, err := c.make.Poster(in)
	if err != nil {
		return nil, err
	}
	c.posters[in.Key] = p
	return p, nil
}

// execution is one run that sends: it holds the lock, so overlapping runs
// (cron and a person, or two cron runs) never both send.
type execution struct {
	l       *ledger.Ledger
	o       ExecOptions
	clients *clientCache
	owner   ledger.Owner
	lock    *ledger.Lock
}

func newExecution(ctx context.Context, l *ledger.Ledger, o ExecOptions, c *clientCache) (*execution, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Report == nil {
		o.Report = func(Event) {}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	owner, err := ledger.NewOwner(ClaimLease)
	if err != nil {
		return nil, err
	}
	owner.ResendUncertain = o.ResendUncertain
	lock, err := l.AcquireLock(ctx, "send", o.Command, owner)
	if err != nil {
		return nil, err
	}
	return &execution{l: l, o: o, clients: c, owner: owner, lock: lock}, nil
}

func (x *execution) close() { x.lock.Release() }

// send delivers one notice's emails and, when nothing is left to retry
// (Summary.Complete), records the notice as sent and what it told its
// readers. It reports whether any message failed. An empty list is an
// InputError with nothing recorded; a ledger that failed, an interruption or
// a refusal of the whole run stops the run, saying what was left.
func (x *execution) send(ctx context.Context, np *NoticePlan, m Mailer) (bool, error) {
	job := np.Job()
	in := job.Instance
	x.o.Report(SendStarted{Notice: np})
	sum, err := Send(ctx, np.Prepared, in.Recipients, SendOptions{
		Ledger: x.l, Owner: x.owner, Workers: m.Workers, NewSender: m.New, Only: np.only(),
		Server:       fmt.Sprintf("%s:%d", in.SMTP.Host, in.SMTP.Port),
		EnvelopeFrom: in.SMTP.ReturnPath, Now: x.o.Now(), Log: x.o.Log, BreakAfter: in.SMTP.BreakAfter,
		Progress: func(out Outcome) { x.o.Report(Progressed{Notice: np, Outcome: out}) },
	})
	x.o.Report(SendFinished{Notice: np, Summary: sum})
	if sum == nil {
		sum = &Summary{}
	}
	var we *ledger.WriteError
	switch {
	case errors.As(err, &we):
		return true, fmt.Errorf("%w; %d messages the server accepted may not be recorded and may go out again (with the same Message-ID) once the ledger can be written", err, sum.Counts[Unrecorded])
	case errors.Is(err, ErrNoRecipients):
		return true, inputError(err)
	case errors.Is(err, context.Canceled):
		return true, fmt.Errorf("interrupted: %d not sent; every message the server answered is recorded; run the same command again to send the rest", sum.Counts[NotSent])
	case err != nil:
		return true, err
	}
	if sum.Complete() {
		if err := x.recordSent(ctx, job, sum); err != nil {
			return true, err
		}
	}
	return sum.Failed(), nil
}

// recordSent records the notice as sent and what readers now know of the
// window, to tell them if it changes.
func (x *execution) recordSent(ctx context.Context, job render.Job, sum *Summary) error {
	in := job.Instance
	detail := fmt.Sprintf("%d sent, %d already sent, %d suppressed, %d failed permanently",
		sum.Counts[Sent], sum.Counts[AlreadySent], sum.Counts[Suppressed], sum.Counts[FailedPerm])
	if err := x.l.RecordNotice(ctx, job.Schedule.Campaign, job.Key(), in.Key, ledger.NoticeSent, detail); err != nil {
		return err
	}
	switch job.Notice {
	case config.Announce, config.Reminder, config.Reschedule:
		w := job.Window
		return x.l.RecordTold(ctx, job.Schedule.Campaign, in.Key, ledger.Told{Notice: job.Key(),
			Start: w.Begin(), End: w.End(), Latest: w.LatestEnd(), Sequence: job.Sequence})
	}
	return nil
}

// postForum posts (or edits) one notice's forum copy and reports it.
func (x *execution) postForum(ctx context.Context, p *render.Prepared, update bool) error {
	job := p.Job()
	poster, err := x.clients.poster(job.Instance)
	if err != nil || poster == nil {
		return err
	}
	res, err := PostForum(ctx, x.l, poster, p, update)
	if err != nil {
		return fmt.Errorf("%s %s notice: forum: %w", job.Instance.Key, job.Notice, err)
	}
	x.o.Report(ForumPosted{Instance: job.Instance.Key, Notice: string(job.Notice), Result: res})
	return nil
}

package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailer"
	"github.com/openfoodfoundation/announce/internal/recipients"
	"github.com/openfoodfoundation/announce/internal/render"
)

// Sender puts one message on the wire; *mailer.Client is one. Each worker
// owns one, so there are never more connections than workers.
type Sender interface {
	Send(ctx context.Context, envelopeFrom, rcpt string, m *gomail.Msg) (mailer.Result, error)
	Close() error
}

// SendOptions configure a real send.
type SendOptions struct {
	Ledger *ledger.Ledger
	Owner  ledger.Owner
	// Workers is how many messages go out at once, each over its own
	// connection (NewSender is called once per worker).
	Workers   int
	NewSender func() Sender
	// Only, when set, limits the send to the recipients it accepts (by
	// normalised address): a reschedule or cancel goes to those told.
	Only func(recipientKey string) bool
	// Server names the SMTP server in messages ("smtp.katuma.test:587").
	Server string
	// EnvelopeFrom is MAIL FROM (where bounces go); From's address if empty.
	EnvelopeFrom string
	Now          time.Time
	// BreakAfter is the circuit breaker: the same refusal (code and text,
	// addresses aside) for this many recipients in a row stops the run as
	// the server's, not theirs (0: DefaultBreakAfter; negative: never).
	BreakAfter int
	// Progress, if set, is called after each recipient is dealt with.
	Progress func(Outcome)
	Log      *slog.Logger

	cals *calendars // made by Send
}

// Result says what happened to one recipient.
type Result int

// Outcomes of one recipient.
const (
	Sent          Result = iota // accepted by the server now
	AlreadySent                 // the ledger says an earlier run sent it
	Suppressed                  // on the suppression list
	FailedTemp                  // 4xx or network trouble after every retry: a rerun tries again
	FailedPerm                  // 5xx: recorded, never retried automatically
	ElsewhereBusy               // another live run holds it
	Uncertain                   // went out, no reply to its end: maybe delivered, held (see ledger.HoldAfter)
	NotSent                     // the run stopped first (Ctrl-C, a server-wide refusal): a rerun sends it
	Unrecorded                  // accepted by the server, but the ledger could not record it

	numResults = iota
)

// DefaultBreakAfter is SendOptions.BreakAfter when zero.
const DefaultBreakAfter = 10

func (r Result) String() string {
	return [...]string{"sent", "already sent", "suppressed", "failed (temporary)", "failed (permanent)", "held by another run",
		"uncertain (maybe delivered; not resent without --resend-uncertain)", "not sent (the run stopped)", "accepted but not recorded (the ledger failed)"}[r]
}

// Outcome is one recipient's result.
type Outcome struct {
	Recipient string
	Result    Result
	Reply     string // the server's reply, verbatim, when there is one
	Attempts  int
}

// Summary counts the outcomes of a send.
type Summary struct {
	Counts   [numResults]int
	Failures []Outcome // this run's and earlier permanent failures, with replies
	Invalid  []*recipients.RowError
	// Stopped says why the run stopped before the end, when it did; NotSent
	// counts the recipients it left for the next run.
	Stopped string
}

// Failed reports whether anything was not delivered.
func (s *Summary) Failed() bool {
	return s.Counts[FailedTemp]+s.Counts[FailedPerm]+s.Counts[Uncertain]+s.Counts[NotSent]+s.Counts[Unrecorded] > 0
}

// Complete reports whether nothing is left for a later run to send: every
// recipient was sent, skipped or failed for good.
func (s *Summary) Complete() bool {
	return s.Counts[FailedTemp]+s.Counts[ElsewhereBusy]+s.Counts[Uncertain]+s.Counts[NotSent]+s.Counts[Unrecorded] == 0
}

// ErrNoRecipients: the recipients file has no valid recipient. A send of
// it is refused, and nothing is recorded, so the notice is still due once
// the file is fixed.
var ErrNoRecipients = errors.New("no valid recipient")

// Send delivers the notice to every valid recipient not yet sent, recording
// each in the ledger: claimed before it goes out, marked sent (or failed) as
// soon as the server answers. After a crash the next run resends only the
// claims of the dead run — at most one message per worker — with the same
// Message-ID, and holds as uncertain what was in flight at two crashes (see
// ledger.HoldAfter). A message with no reply to its end is uncertain: never
// resent in the run. When ctx is cancelled the sends in flight are cut (the
// mailer waits mailer.StopGrace for a reply to a message already out), what
// the server answered is recorded, the rest is given back as pending, and
// Send returns ctx's error with a Summary counting what was not sent.
//
// A refusal of the whole run (mailer.SendError.ServerWide, or the circuit
// breaker: the same reply for BreakAfter recipients in a row) stops it with
// a *ServerError and nobody marked failed for it. An empty list is refused
// with ErrNoRecipients before anything is recorded; a ledger that cannot be
// written stops the run with the *ledger.WriteError.
func Send(ctx context.Context, p *render.Prepared, path string, o SendOptions) (*Summary, error) {
	job := p.Job()
	from, err := mail.ParseAddress(job.Instance.From)
	if err != nil {
		return nil, fmt.Errorf("%s: from: %w", job.Instance.Key, err)
	}
	if err := CheckIdentity(job.Instance); err != nil {
		return nil, err
	}
	if o.EnvelopeFrom == "" {
		o.EnvelopeFrom = from.Address
	}
	if o.Workers < 1 {
		o.Workers = 1
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	o.cals = newCalendars(p, o.Now)
	support := &mail.Address{Address: job.Instance.Support.Email}
	key := func(r recipients.Recipient) ledger.Key {
		return ledger.Key{Campaign: job.Schedule.Campaign, Notice: job.Key(), Instance: job.Instance.Key, Recipient: r.Key()}
	}
	// A change of plan reaches only those who were told (Only); the rest of
	// the list is not part of that notice at all.
	wanted := func(r recipients.Recipient) bool { return o.Only == nil || o.Only(r.Key()) }

	// 1. Record every recipient as pending: from here on the ledger knows the
	// whole list, and a crash mid-way loses nothing.
	total, err := enqueueAll(ctx, p, path, from, o.Ledger, key, wanted)
	if err != nil {
		return nil, err
	}
	brk := newBreaker(o)

	// 2. Feed recipients to the workers in file order.
	sum := &Summary{}
	var mu sync.Mutex
	record := func(out Outcome) {
		mu.Lock()
		sum.Counts[out.Result]++
		if out.Result == FailedTemp || out.Result == FailedPerm || out.Result == Uncertain {
			sum.Failures = append(sum.Failures, out)
		}
		mu.Unlock()
		if o.Progress != nil {
			o.Progress(out)
		}
	}
	brk.record = record
	// A worker that cannot go on (the ledger failed) stops the others too.
	runCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	work := make(chan recipients.Recipient, o.Workers*claimAhead)
	marks := newCommitter(o.Ledger)
	defer marks.close()
	var wg sync.WaitGroup
	errs := make([]error, o.Workers)
	for i := 0; i < o.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = worker(runCtx, p, o, from, support, key, work, record, marks, brk); errs[i] != nil {
				stop(errs[i])
			}
		}()
	}
	feedErr := eachRecipient(path, func(r recipients.Recipient, bad *recipients.RowError) error {
		if bad != nil {
			sum.Invalid = append(sum.Invalid, bad)
			return nil
		}
		if !wanted(r) {
			return nil
		}
		select {
		case work <- r:
			return nil
		case <-runCtx.Done():
			return context.Cause(runCtx)
		}
	})
	close(work)
	wg.Wait()
	if err := brk.finish(context.WithoutCancel(ctx)); err != nil {
		errs = append(errs, err)
	}
	// What the run left: every recipient it did not deal with, whether
	// claimed and given back or never reached.
	sum.Counts[NotSent] = 0
	dealt := 0
	for _, n := range sum.Counts {
		dealt += n
	}
	sum.Counts[NotSent] = max(total-dealt, 0)
	if sum.Counts[NotSent] > 0 || ctx.Err() != nil || context.Cause(runCtx) != nil {
		sum.Stopped = stopReason(ctx, context.Cause(runCtx))
	}
	for _, err := range errs {
		var se *ServerError
		if errors.As(err, &se) {
			return sum, err // every worker meets the same refusal: say it once
		}
	}
	for _, err := range errs {
		var we *ledger.WriteError
		if errors.As(err, &we) {
			return sum, we // the cause, not the interruptions it caused
		}
	}
	if err := errors.Join(errs...); err != nil {
		return sum, err
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	return sum, feedErr
}

func stopReason(ctx context.Context, cause error) string {
	var se *ServerError
	var we *ledger.WriteError
	switch {
	case errors.As(cause, &se):
		return se.Error()
	case errors.As(cause, &we):
		return we.Error()
	case ctx.Err() != nil:
		return "interrupted (Ctrl-C or SIGTERM)"
	case cause != nil:
		return cause.Error()
	}
	return ""
}

// enqueueAll records every wanted recipient as pending and returns how many
// there are.
func enqueueAll(ctx context.Context, p *render.Prepared, path string, from *mail.Address, l *ledger.Ledger, key func(recipients.Recipient) ledger.Key, wanted func(recipients.Recipient) bool) (int, error) {
	job := p.Job()
	domain := mailer.Domain(from)
	batch := make([]ledger.Item, 0, 2000)
	valid, total := 0, 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := l.Enqueue(ctx, batch)
		batch = batch[:0]
		return err
	}
	err := eachRecipient(path, func(r recipients.Recipient, bad *recipients.RowError) error {
		if bad != nil {
			return nil
		}
		valid++
		if !wanted(r) {
			return nil
		}
		total++
		ed, _ := p.EditionFor(r.Locale)
		k := key(r)
		batch = append(batch, ledger.Item{Key: k, Locale: ed.Locale(),
			MessageID: messageID(job, r.Key(), domain)})
		if len(batch) == cap(batch) {
			return flush()
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if valid == 0 {
		return 0, fmt.Errorf("%s: %w: nothing sent, nothing recorded", path, ErrNoRecipients)
	}
	return total, flush()
}

// claimAhead is how many rows a worker claims in one transaction. Claiming
// ahead widens nothing a crash can send twice (an unsent claim is taken back)
// and cuts the ledger's work per message.
const claimAhead = 8

// worker sends what it is given over its own connection.
func worker(ctx context.Context, p *render.Prepared, o SendOptions, from, support *mail.Address,
	key func(recipients.Recipient) ledger.Key, work <-chan recipients.Recipient, record func(Outcome), marks *committer, brk *breaker) error {
	var s Sender
	defer func() {
		if s != nil {
			s.Close()
		}
	}()
	// Ctrl-C cuts a send at once (the mailer drops the connection); only
	// the ledger's record of what the server answered is never cut, nor
	// giving back what was claimed and not sent.
	finish := context.WithoutCancel(ctx)
	batch := make([]recipients.Recipient, 0, claimAhead)
	keys := make([]ledger.Key, 0, claimAhead)
	for {
		r, ok := <-work
		if !ok {
			return nil
		}
		batch, keys = append(batch[:0], r), keys[:0]
	fill:
		for len(batch) < claimAhead {
			select {
			case r, ok := <-work:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		if ctx.Err() != nil {
			return nil // drain: start nothing new
		}
		for _, r := range batch {
			keys = append(keys, key(r))
		}
		claims, err := o.Ledger.ClaimBatch(ctx, keys, o.Owner)
		if err != nil {
			return err
		}
		for i, r := range batch {
			if ctx.Err() != nil {
				// Stopping: give back what was claimed and not sent.
				var unsent []ledger.Key
				for j := i; j < len(batch); j++ {
					if claims[j].Err == nil {
						unsent = append(unsent, keys[j])
					}
				}
				return o.Ledger.Release(finish, unsent, o.Owner)
			}
			out, err := deliver(ctx, finish, p, o, from, support, r, keys[i], claims[i], &s, marks, brk)
			if errors.Is(err, errHeld) {
				continue // the breaker records it when the streak ends
			}
			if err != nil {
				var rest []ledger.Key
				for j := i + 1; j < len(batch); j++ {
					if claims[j].Err == nil {
						rest = append(rest, keys[j])
					}
				}
				return errors.Join(err, o.Ledger.Release(finish, rest, o.Owner))
			}
			record(out)
		}
	}
}

// deliver sends one claimed recipient's message and records the result.
func deliver(ctx, finish context.Context, p *render.Prepared, o SendOptions, from, support *mail.Address,
	r recipients.Recipient, k ledger.Key, cr ledger.ClaimResult, s *Sender, marks *committer, brk *breaker) (Outcome, error) {
	switch err := cr.Err; {
	case errors.Is(err, ledger.ErrAlreadySent):
		return Outcome{Recipient: r.Email, Result: AlreadySent}, nil
	case errors.Is(err, ledger.ErrSuppressed):
		return Outcome{Recipient: r.Email, Result: Suppressed}, nil
	case errors.Is(err, ledger.ErrFailedPerm):
		return Outcome{Recipient: r.Email, Result: FailedPerm, Reply: "failed permanently in an earlier run (see announce status)"}, nil
	case errors.Is(err, ledger.ErrClaimedByOther):
		return Outcome{Recipient: r.Email, Result: ElsewhereBusy}, nil
	case errors.Is(err, ledger.ErrUncertain):
		return Outcome{Recipient: r.Email, Result: Uncertain, Reply: "maybe delivered in an earlier run; held (see announce status, --resend-uncertain)"}, nil
	case err != nil:
		return Outcome{}, err
	}
	c := cr.Claim
	msg, err := build(p, r, from, support, c.MessageID, o)
	if err != nil {
		// Nothing went out: give the row back for a later run.
		if merr := o.Ledger.MarkFailed(finish, k, false, err.Error()); merr != nil {
			err = errors.Join(err, merr)
		}
		return Outcome{}, err
	}
	if *s == nil {
		*s = o.NewSender()
	}
	res, err := (*s).Send(ctx, o.EnvelopeFrom, r.Email, msg)
	out := Outcome{Recipient: r.Email, Reply: res.Reply, Attempts: res.Attempts}
	var se *mailer.SendError
	switch {
	case err == nil:
		out.Result = Sent
		if err := marks.sent(k, res.Reply); err != nil {
			out.Result = Unrecorded
			brk.recordNow(out)
			return Outcome{}, err
		}
		if err := brk.reset(finish); err != nil {
			return Outcome{}, err
		}
	case errors.As(err, &se) && se.Uncertain:
		// The whole message went out and no reply came: maybe delivered.
		// Never again in this run; a rerun only when asked.
		out.Result, out.Reply, out.Attempts = Uncertain, se.Error(), se.Attempts
		if err := o.Ledger.MarkUncertain(finish, k, se.Error()); err != nil && !errors.Is(err, ledger.ErrAlreadySent) {
			return Outcome{}, err
		}
		o.Log.Warn("no reply to the end of data: maybe delivered", "instance", p.Job().Instance.Key, "notice", p.Job().Notice, "msgid", c.MessageID, "rcpt", r.Email, "error", se.Error())
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		// Stopped before the message went out in full (during a backoff,
		// say): not a verdict on this recipient. Give the row back.
		if rerr := o.Ledger.Release(finish, []ledger.Key{k}, o.Owner); rerr != nil {
			return Outcome{}, errors.Join(err, rerr)
		}
		out.Result, out.Reply = NotSent, err.Error()
	case errors.As(err, &se) && se.ServerWide():
		// The server refuses us, not this recipient (authentication, TLS,
		// our sender address): every other message would fail the same
		// way. Give the row back untouched and stop the run.
		if rerr := o.Ledger.Release(finish, []ledger.Key{k}, o.Owner); rerr != nil {
			return Outcome{}, errors.Join(err, rerr)
		}
		return Outcome{}, &ServerError{Server: o.Server, Err: se}
	case errors.As(err, &se):
		out.Result, out.Reply, out.Attempts = FailedTemp, se.Reply, se.Attempts
		if out.Reply == "" {
			out.Reply = se.Error() // no reply: a network or TLS failure
		}
		if se.Permanent {
			out.Result = FailedPerm
		}
		o.Log.Warn("send failed", "instance", p.Job().Instance.Key, "notice", p.Job().Notice, "msgid", c.MessageID, "rcpt", r.Email, "reply", out.Reply, "permanent", se.Permanent)
		return brk.failed(finish, k, out, se)
	default:
		// Not a delivery verdict: the run was stopped before the message
		// went out in full. Give the row back for the next run.
		if rerr := o.Ledger.Release(finish, []ledger.Key{k}, o.Owner); rerr != nil {
			return Outcome{}, errors.Join(err, rerr)
		}
		out.Result, out.Reply = NotSent, err.Error()
	}
	return out, nil
}

// ServerError stops a send: the server refused the connection or the sender,
// so no recipient was marked failed because of it.
type ServerError struct {
	Server string
	Err    *mailer.SendError
	// Consecutive, when set, is how many recipients in a row got this same
	// reply: the circuit breaker's verdict that it is the server's.
	Consecutive int
}

func (e *ServerError) Error() string {
	if e.Consecutive > 0 {
		return fmt.Sprintf("SMTP server %s gave the same reply to %d recipients in a row, so it is the server's, not theirs: run stopped, no recipient was marked failed, the next run retries them: %s",
			e.Server, e.Consecutive, e.Err.Reply)
	}
	return fmt.Sprintf("SMTP server %s refused the run (no recipient was marked failed): %v", e.Server, e.Err)
}

func (e *ServerError) Unwrap() error { return e.Err }

// build renders and builds one recipient's message with the Message-ID the
// ledger recorded for it.
func build(p *render.Prepared, r recipients.Recipient, from, support *mail.Address, messageID string, o SendOptions) (*gomail.Msg, error) {
	m, err := p.Render(r)
	if err != nil {
		return nil, err
	}
	e, err := Compose(p.Job(), m, from, support, o.Now, o.cals)
	if err != nil {
		return nil, err
	}
	e.MessageID = messageID // as recorded: a resend carries the same id
	msg, err := mailer.Build(e)
	if err != nil {
		return nil, err
	}
	if err := msg.EnvelopeFrom(o.EnvelopeFrom); err != nil {
		return nil, fmt.Errorf("envelope sender %q: %w", o.EnvelopeFrom, err)
	}
	return msg, nil
}

// committer shares one ledger transaction among the workers' "sent" records.
// Each worker waits for its record to commit before it sends anything else,
// so a crash can still resend at most one message per worker.
type committer struct {
	l    *ledger.Ledger
	reqs chan markReq
	done chan struct{}
}

type markReq struct {
	s   ledger.Sent
	err chan error
}

func newCommitter(l *ledger.Ledger) *committer {
	c := &committer{l: l, reqs: make(chan markReq, 64), done: make(chan struct{})}
	go c.run()
	return c
}

func (c *committer) run() {
	defer close(c.done)
	ctx := context.Background() // a record, once asked for, is always written
	for first := range c.reqs {
		batch := []markReq{first}
	more:
		for len(batch) < cap(c.reqs) {
			select {
			case r, ok := <-c.reqs:
				if !ok {
					break more
				}
				batch = append(batch, r)
			default:
				break more
			}
		}
		sent := make([]ledger.Sent, len(batch))
		for i, r := range batch {
			sent[i] = r.s
		}
		err := c.l.MarkSentBatch(ctx, sent)
		for _, r := range batch {
			r.err <- err
		}
	}
}

// sent records k as sent and returns once that is committed.
func (c *committer) sent(k ledger.Key, reply string) error {
	done := make(chan error, 1)
	c.reqs <- markReq{s: ledger.Sent{Key: k, Reply: reply}, err: done}
	return <-done
}

func (c *committer) close() {
	close(c.reqs)
	<-c.done
}

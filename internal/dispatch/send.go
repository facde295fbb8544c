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
)

func (r Result) String() string {
	return [...]string{"sent", "already sent", "suppressed", "failed (temporary)", "failed (permanent)", "held by another run"}[r]
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
	Counts   [ElsewhereBusy + 1]int
	Failures []Outcome // this run's and earlier permanent failures, with replies
	Invalid  []*recipients.RowError
}

// Failed reports whether anything was not delivered.
func (s *Summary) Failed() bool { return s.Counts[FailedTemp]+s.Counts[FailedPerm] > 0 }

// Send delivers the notice to every valid recipient not yet sent, recording
// each in the ledger: claimed before it goes out, marked sent (or failed) as
// soon as the server answers. After a crash the next run resends only the
// claims of the dead run — at most one message per worker — with the same
// Message-ID. When ctx is cancelled no new message is started; the ones in
// flight finish and are recorded, and Send returns ctx's error.
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
	if err := enqueueAll(ctx, p, path, from, o.Ledger, key, wanted); err != nil {
		return nil, err
	}

	// 2. Feed recipients to the workers in file order.
	sum := &Summary{}
	var mu sync.Mutex
	record := func(out Outcome) {
		mu.Lock()
		sum.Counts[out.Result]++
		if out.Result == FailedTemp || out.Result == FailedPerm {
			sum.Failures = append(sum.Failures, out)
		}
		mu.Unlock()
		if o.Progress != nil {
			o.Progress(out)
		}
	}
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
			if errs[i] = worker(runCtx, p, o, from, support, key, work, record, marks); errs[i] != nil {
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
	for _, err := range errs {
		var se *ServerError
		if errors.As(err, &se) {
			return sum, err // every worker meets the same refusal: say it once
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

func enqueueAll(ctx context.Context, p *render.Prepared, path string, from *mail.Address, l *ledger.Ledger, key func(recipients.Recipient) ledger.Key, wanted func(recipients.Recipient) bool) error {
	job := p.Job()
	domain := mailer.Domain(from)
	batch := make([]ledger.Item, 0, 2000)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := l.Enqueue(ctx, batch)
		batch = batch[:0]
		return err
	}
	err := eachRecipient(path, func(r recipients.Recipient, bad *recipients.RowError) error {
		if bad != nil || !wanted(r) {
			return nil
		}
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
		return err
	}
	return flush()
}

// claimAhead is how many rows a worker claims in one transaction. Claiming
// ahead widens nothing a crash can send twice (an unsent claim is taken back)
// and cuts the ledger's work per message.
const claimAhead = 8

// worker sends what it is given over its own connection.
func worker(ctx context.Context, p *render.Prepared, o SendOptions, from, support *mail.Address,
	key func(recipients.Recipient) ledger.Key, work <-chan recipients.Recipient, record func(Outcome), marks *committer) error {
	var s Sender
	defer func() {
		if s != nil {
			s.Close()
		}
	}()
	// In-flight work finishes even after Ctrl-C: the send and its record
	// must not be cut between the server's "250" and the ledger's "sent".
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
			out, err := deliver(ctx, finish, p, o, from, support, r, keys[i], claims[i], &s, marks)
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
	r recipients.Recipient, k ledger.Key, cr ledger.ClaimResult, s *Sender, marks *committer) (Outcome, error) {
	switch err := cr.Err; {
	case errors.Is(err, ledger.ErrAlreadySent):
		return Outcome{Recipient: r.Email, Result: AlreadySent}, nil
	case errors.Is(err, ledger.ErrSuppressed):
		return Outcome{Recipient: r.Email, Result: Suppressed}, nil
	case errors.Is(err, ledger.ErrFailedPerm):
		return Outcome{Recipient: r.Email, Result: FailedPerm, Reply: "failed permanently in an earlier run (see announce status)"}, nil
	case errors.Is(err, ledger.ErrClaimedByOther):
		return Outcome{Recipient: r.Email, Result: ElsewhereBusy}, nil
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
	res, err := (*s).Send(finish, o.EnvelopeFrom, r.Email, msg)
	out := Outcome{Recipient: r.Email, Reply: res.Reply, Attempts: res.Attempts}
	var se *mailer.SendError
	switch {
	case err == nil:
		out.Result = Sent
		if err := marks.sent(k, res.Reply); err != nil {
			return Outcome{}, err
		}
	case errors.As(err, &se) && serverWide(se):
		// The server refuses us, not this recipient (authentication, TLS,
		// our sender address): every other message would fail the same
		// way. Give the row back and stop the run.
		if merr := o.Ledger.MarkFailed(finish, k, false, se.Error()); merr != nil && !errors.Is(merr, ledger.ErrAlreadySent) {
			return Outcome{}, errors.Join(err, merr)
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
		// ErrAlreadySent: our claim's lease ran out and another run sent
		// it meanwhile; it stays sent, which is what matters.
		if err := o.Ledger.MarkFailed(finish, k, se.Permanent, out.Reply); err != nil && !errors.Is(err, ledger.ErrAlreadySent) {
			return Outcome{}, err
		}
		o.Log.Warn("send failed", "instance", p.Job().Instance.Key, "notice", p.Job().Notice, "msgid", c.MessageID, "rcpt", r.Email, "reply", out.Reply, "permanent", se.Permanent)
	default:
		// Not a delivery verdict (say, the context ended during a backoff):
		// record it as temporary so a rerun tries again.
		out.Result, out.Reply = FailedTemp, err.Error()
		if err := o.Ledger.MarkFailed(finish, k, false, err.Error()); err != nil && !errors.Is(err, ledger.ErrAlreadySent) {
			return Outcome{}, err
		}
	}
	return out, nil
}

// serverWide reports whether a failure concerns every message to this server
// rather than one recipient: it happened before RCPT TO.
func serverWide(se *mailer.SendError) bool {
	switch se.Stage {
	case "config", "connect", "envelope", "MAIL FROM":
		return true
	}
	return false
}

// ServerError stops a send: the server refused the connection or the sender,
// so no recipient was marked failed because of it.
type ServerError struct {
	Server string
	Err    *mailer.SendError
}

func (e *ServerError) Error() string {
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

// Package dispatch owns the notice: which notices a run sends, to whom, and
// what sending them means.
//
// PlanNotices works a run out from the files and the ledger (read only):
// each notice prepared, its census, the audience of a reschedule or cancel
// (who was told), its forum copy and what posting it would do. The dry run
// is that plan previewed (Plan.Preview: every message built, the bytes a
// send would put on the wire written with --out); the send is that plan
// carried out (Plan.Execute: the run lock, every recipient recorded, the
// notice's outcome and the window its readers were told recorded). A plan
// also carries each notice's Guard, due's timing rules applied to a send by
// hand: Execute refuses what it refuses unless forced, and records the
// override (guard.go). RunDue
// does the same for every notice whose moment came, and reports events to a
// callback. Status, the failed and uncertain deliveries (Failures,
// UncertainMessages, RetryFailed) and the suppression list are read and
// changed here too, so that the CLI calls no ledger method itself.
//
// Underneath, Run and Send drive one notice through its recipients: read the
// list, render each message, build the MIME bytes and hand them to a Sink —
// a directory for a dry run, an SMTP server for a real send.
package dispatch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/openfoodfoundation/announce/internal/mailer"
	"github.com/openfoodfoundation/announce/internal/msgid"
	"github.com/openfoodfoundation/announce/internal/recipients"
	"github.com/openfoodfoundation/announce/internal/render"
)

// Delivery is one message ready to go.
type Delivery struct {
	Message *render.Message
	Email   *mailer.Email
	Msg     *gomail.Msg
}

// Sink receives each message. A Sink decides what "deliver" means.
type Sink interface {
	Deliver(ctx context.Context, d *Delivery) error
}

// Census is what a first pass over the recipients file found, before anything
// is rendered.
type Census struct {
	Total     int                     // valid recipients
	PerLocale map[string]int          // edition locale → count
	Fallback  map[render.Fallback]int // recipients who read the default locale, by reason
	Invalid   []*recipients.RowError  // bad rows
	// Regional counts the OtherRegion fallbacks by the reader's locale (as
	// the file writes it) and the edition they read.
	Regional map[RegionalFallback]int

	// PerRole counts role (a database's segment) → edition locale.
	PerRole map[string]map[string]int
}

// RegionalFallback is a reader's locale and the edition of another region
// they read.
type RegionalFallback struct{ Reader, Edition string }

// TakeCensus reads the whole recipients file once: it counts recipients per
// locale and collects every bad row, so a bad file fails before anything is
// rendered, with every bad row listed, not just the first.
func TakeCensus(p *render.Prepared, path string) (*Census, error) {
	c := &Census{PerLocale: map[string]int{}, Fallback: map[render.Fallback]int{}, Regional: map[RegionalFallback]int{}, PerRole: map[string]map[string]int{}}
	err := eachRecipient(path, func(r recipients.Recipient, bad *recipients.RowError) error {
		if bad != nil {
			c.Invalid = append(c.Invalid, bad)
			return nil
		}
		ed, fb := p.EditionFor(r.Locale)
		c.Total++
		c.PerLocale[ed.Locale()]++
		if c.PerRole[r.Role] == nil {
			c.PerRole[r.Role] = map[string]int{}
		}
		c.PerRole[r.Role][ed.Locale()]++
		if fb != render.OwnLocale {
			c.Fallback[fb]++
		}
		if fb == render.OtherRegion {
			c.Regional[RegionalFallback{r.Locale, ed.Locale()}]++
		}
		return nil
	})
	return c, err
}

// InvalidError reports the bad rows of a recipients file.
type InvalidError struct{ Rows []*recipients.RowError }

func (e *InvalidError) Error() string {
	errs := make([]error, len(e.Rows))
	for i, r := range e.Rows {
		errs[i] = r
	}
	return errors.Join(errs...).Error()
}

// Run renders and delivers the notice to every valid recipient in order
// (only those only accepts, when it is not nil: a change of plan goes to
// those who were told). Bad rows are skipped (the census has listed them;
// the caller has decided).
func Run(ctx context.Context, p *render.Prepared, path string, now time.Time, sink Sink, only func(recipientKey string) bool) error {
	job := p.Job()
	from, err := mail.ParseAddress(job.Instance.From)
	if err != nil {
		return fmt.Errorf("%s: from: %w", job.Instance.Key, err)
	}
	if err := CheckIdentity(job.Instance); err != nil {
		return err
	}
	support := &mail.Address{Address: job.Instance.Support.Email}
	cals := newCalendars(p, now)
	return eachRecipient(path, func(r recipients.Recipient, bad *recipients.RowError) error {
		if bad != nil || (only != nil && !only(r.Key())) {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		m, err := p.Render(r)
		if err != nil {
			return fmt.Errorf("render %s notice for %s (%s:%d): %w", job.Notice, r.Email, path, r.Line, err)
		}
		e, err := Compose(job, m, from, support, now, cals)
		if err != nil {
			return err
		}
		msg, err := mailer.Build(e)
		if err != nil {
			return err
		}
		return sink.Deliver(ctx, &Delivery{Message: m, Email: e, Msg: msg})
	})
}

// Compose fills the headers of one rendered message, and its calendar part.
func Compose(job render.Job, m *render.Message, from, replyTo *mail.Address, now time.Time, cals *calendars) (*mailer.Email, error) {
	in := job.Instance
	domain := mailer.Domain(from)
	e := &mailer.Email{
		From:        from,
		To:          &mail.Address{Name: m.Recipient.Name, Address: m.Recipient.Email},
		ReplyTo:     replyTo,
		Subject:     m.Subject,
		Text:        m.Text,
		HTML:        m.HTML,
		Language:    m.Locale,
		MessageID:   messageID(job, m.Recipient.Key(), domain),
		Date:        now,
		ListID:      fmt.Sprintf("%s.%s.%s", job.Schedule.Campaign, in.Key, domain),
		ListIDLabel: fmt.Sprintf("%q", in.Name+" maintenance notices"),
	}
	var err error
	if e.Unsubscribe, err = unsubscribeURIs(in, m.Recipient.Key()); err != nil {
		return nil, err
	}
	if e.DKIM, err = DKIMFor(in); err != nil {
		return nil, err
	}
	if cals != nil {
		if e.Calendar, e.CalendarMethod, err = cals.forLocale(m.Locale); err != nil {
			return nil, fmt.Errorf("calendar for %s %s: %w", in.Key, job.Key(), err)
		}
	}
	return e, nil
}

// messageID is the notice's Message-ID for a recipient.
func messageID(job render.Job, recipientKey, domain string) string {
	return msgid.Make(msgid.Ref{Campaign: job.Schedule.Campaign, Notice: string(job.Notice), Instance: job.Instance.Key}, recipientKey, job.Seq, domain)
}

// eachRecipient streams the file, calling fn with each row or its error.
func eachRecipient(path string, fn func(recipients.Recipient, *recipients.RowError) error) error {
	rd, err := recipients.Open(path)
	if err != nil {
		return err
	}
	defer rd.Close()
	for {
		r, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		var bad *recipients.RowError
		if errors.As(err, &bad) {
			if err := fn(recipients.Recipient{}, bad); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if err := fn(r, nil); err != nil {
			return err
		}
	}
}

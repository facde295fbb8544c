package support

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/digest"
	"github.com/openfoodfoundation/announce/internal/inbox"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailbox"
)

// MarkKeyword is what Options.Mark stores on the messages a digest read.
const MarkKeyword = "$AnnounceSeen"

// lockLease bounds how long the digest lock of a live but unreachable run
// holds.
const lockLease = 30 * time.Minute

// Inbox is one instance's support inbox, with everything resolved before
// any I/O.
type Inbox struct {
	Instance *config.Instance // with an IMAP section
	IMAP     mailbox.Config
	// Sender makes the SMTP client that mails the digest; needed with
	// Options.MailTo.
	Sender func() Sender
}

// Options say what one digest run reads and where its digest goes.
type Options struct {
	Inboxes  []Inbox
	Campaign string         // the schedule's: the deliveries counted as sent
	Matcher  *inbox.Matcher // see NoticeMatcher
	// Since, when set, reports every message dated in that period instead of
	// what no digest reported yet.
	Since  time.Duration
	Format digest.Format
	Out    io.Writer // the digest of every inbox read
	// MailTo, when set, also mails each instance's digest there (text and
	// HTML) through the instance's SMTP server.
	MailTo string
	// Mark stores MarkKeyword on the replies, auto-replies and bounces read;
	// without it the mailbox is opened read-only (EXAMINE).
	Mark  bool
	Batch int // messages per IMAP fetch (default DefaultBatch)
	// Now stamps the reports and the mailed digest; Since counts back from it.
	Now time.Time
	// Command names the run in the digest lock, for whoever finds it held.
	Command string
	Log     *slog.Logger
}

// Result is what a run did besides writing the digest.
type Result struct {
	// Mailed are the instances whose digest went to Options.MailTo.
	Mailed []string
}

// Run reads every inbox, writes their digest to opts.Out and, with MailTo,
// mails each; then it marks what each digest showed as reported, so that
// the next run shows only what is new. It holds the ledger's "digest" lock
// while it runs (a *ledger.LockedError when another run holds it).
//
// One inbox failing does not keep the others from their digest: its error
// is joined to the result. An inbox whose digest could not be mailed is not
// marked reported, so the next digest shows it again.
func Run(ctx context.Context, l *ledger.Ledger, opts Options) (*Result, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	for _, in := range opts.Inboxes {
		if in.Instance == nil || in.Instance.IMAP == nil {
			return nil, errors.New("digest: an inbox without an instance's imap section")
		}
		if opts.MailTo != "" && in.Sender == nil {
			return nil, fmt.Errorf("digest of %s: mail to %s: no SMTP sender", in.Instance.Key, opts.MailTo)
		}
	}
	owner, err := ledger.NewOwner(lockLease)
	if err != nil {
		return nil, err
	}
	lock, err := l.AcquireLock(ctx, "digest", opts.Command, owner)
	if err != nil {
		return nil, err
	}
	defer lock.Release()

	var (
		reports []digest.Report
		sels    []ledger.InboxSelection
		done    []Inbox
		errs    []error
	)
	for _, in := range opts.Inboxes {
		sel := ledger.InboxSelection{Instance: in.Instance.Key}
		if opts.Since > 0 {
			sel.Since = opts.Now.Add(-opts.Since)
		}
		rep, err := read(ctx, l, in, opts, sel)
		if err != nil {
			errs = append(errs, fmt.Errorf("instance %s: %w", in.Instance.Key, err))
			continue
		}
		rep.Generated = opts.Now
		reports = append(reports, *rep)
		sels = append(sels, sel)
		done = append(done, in)
	}
	if err := digest.Write(opts.Out, opts.Format, reports); err != nil {
		return &Result{}, errors.Join(append(errs, err)...)
	}
	res := &Result{}
	seenBy := time.Now() // the ledger's clock, not opts.Now: it stamps seen_at
	for i, rep := range reports {
		if opts.MailTo != "" {
			if err := mailDigest(ctx, done[i], rep, opts.MailTo, opts.Now); err != nil {
				errs = append(errs, fmt.Errorf("instance %s: mail the digest to %s: %w", rep.Instance, opts.MailTo, err))
				continue // not reported: the next digest shows it again
			}
			res.Mailed = append(res.Mailed, rep.Instance)
		}
		if err := l.MarkInboxReported(ctx, sels[i], seenBy); err != nil {
			errs = append(errs, err)
		}
	}
	return res, errors.Join(errs...)
}

// read syncs one instance's mailbox into the ledger and builds its report of
// the messages sel picks, with the suspicious bounces this read found.
func read(ctx context.Context, l *ledger.Ledger, in Inbox, opts Options, sel ledger.InboxSelection) (*digest.Report, error) {
	conn, err := mailbox.Dial(ctx, in.IMAP)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	mark := ""
	if opts.Mark {
		mark = MarkKeyword
	}
	res, err := Sync(ctx, conn, l, SyncOptions{
		Instance: in.Instance.Key, Mailbox: in.Instance.IMAP.Mailbox, Mark: mark, Batch: opts.Batch, Matcher: opts.Matcher,
		Locale: RecipientLocale(in.Instance.Recipients), Log: opts.Log, Unsubscribe: unsubscribeMailto(in.Instance),
	})
	if err != nil {
		return nil, err
	}
	rep, err := report(ctx, l, conn, res.Mailbox, in, opts.Campaign, sel)
	if err != nil {
		return nil, err
	}
	// The bounces this read found forged: they are in the ledger as bounces
	// that suppressed nobody; only this read knows why.
	for _, s := range res.Suspicious {
		rep.Suspicious = append(rep.Suspicious, digest.Suppressed{Address: s.Address, Reason: s.Reason})
	}
	return rep, nil
}

// unsubscribeMailto is the address of the instance's List-Unsubscribe
// mailto, if any: mail to it asks to unsubscribe.
func unsubscribeMailto(in *config.Instance) string {
	if in.SMTP == nil {
		return ""
	}
	return in.SMTP.UnsubscribeMailto
}

package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/digest"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/inbox"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailbox"
	"github.com/openfoodfoundation/announce/internal/mailer"
	"github.com/openfoodfoundation/announce/internal/recipients"
	"github.com/openfoodfoundation/announce/internal/render"
)

// markKeyword is what --mark stores on the messages a digest handled.
const markKeyword = "$AnnounceSeen"

type digestOptions struct {
	paths    *paths
	state    *stateFlag
	instance string
	since    string
	format   string
	mailTo   string
	mark     bool
	batch    int
}

func newDigestCmd(env *Env, p *paths, state *stateFlag) *cobra.Command {
	opts := &digestOptions{paths: p, state: state}
	cmd := &cobra.Command{
		Use:   "digest [--instance KEY|all] [--since DURATION] [--format text|markdown|html|json] [--mail-to ADDR]",
		Short: "Read each instance's support inbox and summarise the replies and bounces",
		Long: `digest reads the support inbox of each instance with an [instances.X.imap] section
(IMAP over TLS or STARTTLS, certificates verified) and reports, per instance: how many
notices were sent, how many replies, auto-replies, hard and soft bounces, complaints and
other messages arrived, the addresses that bounces put on the suppression list, and each
person's reply (sender, locale, date in the instance's time zone, subject, the first
lines they wrote without the quoted notice) with whether it was answered; unanswered
replies first, oldest first.

The mailbox is only read (EXAMINE; nothing is moved, deleted or flagged) unless --mark,
which stores the keyword ` + markKeyword + ` on the replies, auto-replies and bounces it
read. Each run reads only what arrived since the last one (the ledger, --state, keeps
where each mailbox was read to) and reports only what no digest reported yet; --since
reports everything dated in that period instead (e.g. 24h, 7d). A bounce suppresses its
address by its reason: at once for an unknown user or domain or a disabled mailbox, after
3 bounces in 2 campaigns for a full mailbox and other soft reasons, never for a reason of
ours (SPF, DKIM, DMARC, a block list, content judged spam), which the digest shows first
as a problem of ours, with the server's reply. A spam complaint (ARF) and a mail to the
unsubscribe_mailto suppress the sender. Mail from people that answers no notice is
listed under "also in the inbox".

  announce digest --instance katuma
  announce digest --instance all --since 7d --format markdown
  announce digest --instance katuma --mail-to team@katuma.test    also mail it (text + HTML)
` + exitHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDigest(cmd.Context(), env, opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.instance, "instance", "all", "instance key, or \"all\" (every instance with an imap section)")
	f.StringVar(&opts.since, "since", "", "report what is dated in this period (e.g. 24h, 7d) instead of what is new")
	f.StringVar(&opts.format, "format", "text", "text, markdown, html or json")
	f.StringVar(&opts.mailTo, "mail-to", "", "also send the digest to this address through the instance's SMTP server")
	f.BoolVar(&opts.mark, "mark", false, "store the keyword "+markKeyword+" on the messages read (the mailbox is otherwise left untouched)")
	f.IntVar(&opts.batch, "batch", mailbox.DefaultBatch, "messages per IMAP fetch (memory grows with it)")
	return cmd
}

// parseSince reads a Go duration or a number of days ("7d").
func parseSince(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("bad duration %q (want e.g. 24h or 7d)", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("bad duration %q (want e.g. 24h or 7d)", s)
	}
	return d, nil
}

// inboxJob is one instance's inbox, with everything resolved before any I/O.
type inboxJob struct {
	in     *config.Instance
	imap   mailbox.Config
	sender func() dispatch.Sender // nil without --mail-to
}

func runDigest(ctx context.Context, env *Env, opts *digestOptions) error {
	format, err := digest.ParseFormat(opts.format)
	if err != nil {
		return usageError("--format: %v", err)
	}
	since, err := parseSince(opts.since)
	if err != nil {
		return usageError("--since: %v", err)
	}
	if opts.mailTo != "" {
		if a, err := mail.ParseAddress(opts.mailTo); err != nil || a.Address != opts.mailTo {
			return usageError("--mail-to: %q is not a bare email address", opts.mailTo)
		}
	}
	if opts.batch <= 0 {
		return usageError("--batch must be positive")
	}
	inst, sched, r, err := opts.paths.load()
	if err != nil {
		return err
	}
	jobs, err := inboxJobs(env, inst, opts)
	if err != nil {
		return err
	}
	matcher, err := noticeMatcher(inst, sched, r)
	if err != nil {
		return err
	}
	l, err := opts.state.openCtx(ctx)
	if err != nil {
		return err
	}
	defer l.Close()
	owner, err := ledger.NewOwner(claimLease)
	if err != nil {
		return err
	}
	lock, err := l.AcquireLock(ctx, "digest", "announce digest --instance "+opts.instance, owner)
	if err != nil {
		return err
	}
	defer lock.Release()

	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	now := env.Now()
	var (
		reports []digest.Report
		sels    []ledger.InboxSelection
		errs    []error
	)
	for _, j := range jobs {
		sel := ledger.InboxSelection{Instance: j.in.Key}
		if since > 0 {
			sel.Since = now.Add(-since)
		}
		rep, err := readInbox(ctx, l, j, sched.Campaign, sel, matcher, opts, log)
		if err != nil {
			// One inbox failing does not keep the others from their digest.
			errs = append(errs, fmt.Errorf("instance %s: %w", j.in.Key, err))
			continue
		}
		rep.Generated = now
		reports = append(reports, *rep)
		sels = append(sels, sel)
	}
	if err := digest.Write(env.Stdout, format, reports); err != nil {
		return errors.Join(append(errs, err)...)
	}
	seenBy := time.Now() // the ledger's clock, not env.Now: it stamps seen_at
	for i, rep := range reports {
		if opts.mailTo != "" {
			j := jobFor(jobs, rep.Instance)
			if err := mailDigest(ctx, j, rep, opts.mailTo, now); err != nil {
				errs = append(errs, fmt.Errorf("instance %s: mail the digest to %s: %w", rep.Instance, opts.mailTo, err))
				continue // not reported: the next digest shows it again
			}
			fmt.Fprintf(env.Stderr, "%s: digest mailed to %s\n", rep.Instance, opts.mailTo)
		}
		if err := l.MarkInboxReported(ctx, sels[i], seenBy); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func jobFor(jobs []inboxJob, key string) inboxJob {
	for _, j := range jobs {
		if j.in.Key == key {
			return j
		}
	}
	return inboxJob{}
}

// inboxJobs resolves --instance, the IMAP settings and password and, with
// --mail-to, the SMTP settings: every input error before any network I/O.
func inboxJobs(env *Env, inst *config.Instances, opts *digestOptions) ([]inboxJob, error) {
	var keys []string
	if opts.instance == "all" {
		for _, k := range inst.Keys() {
			if inst.Instances[k].IMAP != nil {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			return nil, badInput(fmt.Errorf("%s: no instance has an [instances.X.imap] section", inst.File))
		}
	} else {
		in, ok := inst.Instances[opts.instance]
		if !ok {
			return nil, usageError("unknown instance %q (known: %v)", opts.instance, inst.Keys())
		}
		if in.IMAP == nil {
			return nil, badInput(fmt.Errorf("%s: instance %s has no [instances.%s.imap] section: no support inbox to read", inst.File, in.Key, in.Key))
		}
		keys = []string{opts.instance}
	}
	var jobs []inboxJob
	for _, k := range keys {
		in := inst.Instances[k]
		m := in.IMAP
		pw, err := resolveSecret(env, fmt.Sprintf("instance %s imap password", k), m.Password())
		if err != nil {
			return nil, err
		}
		cfg := mailbox.Config{Host: m.Host, Port: m.Port, TLS: m.TLS, Username: m.Username, Password: pw}
		if m.CAFile != "" {
			pool, err := mailer.LoadCA(m.CAFile)
			if err != nil {
				return nil, badInput(fmt.Errorf("instance %s imap ca_file: %w", k, err))
			}
			cfg.RootCAs = pool
		}
		j := inboxJob{in: in, imap: cfg}
		if opts.mailTo != "" {
			if j.sender, _, err = newSenderFactory(env, in); err != nil {
				return nil, err
			}
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}

// noticeMatcher knows the subject of every notice of the schedule in every
// locale, so that a reply whose client dropped In-Reply-To still matches.
func noticeMatcher(inst *config.Instances, sched *config.Schedule, r *render.Renderer) (*inbox.Matcher, error) {
	m := &inbox.Matcher{}
	for _, k := range inst.Keys() {
		w, ok := sched.Window(k)
		if !ok {
			continue
		}
		in := inst.Instances[k]
		for _, n := range w.Notices {
			p, err := r.Prepare(render.Job{Schedule: sched, Instance: in, Window: w, Notice: n})
			if err != nil {
				return nil, badInput(err)
			}
			ref := inbox.Ref{Campaign: sched.Campaign, Notice: string(n), Instance: k}
			for _, ed := range p.Editions() {
				m.AddSubject(ref, ed.Subject())
			}
		}
	}
	return m, nil
}

// readInbox syncs one instance's mailbox and builds its report from the
// ledger: counts, suppressions and replies, with the \Answered flag as the
// server has it now.
func readInbox(ctx context.Context, l *ledger.Ledger, j inboxJob, campaign string, sel ledger.InboxSelection,
	m *inbox.Matcher, opts *digestOptions, log *slog.Logger) (*digest.Report, error) {
	conn, err := mailbox.Dial(ctx, j.imap)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	mark := ""
	if opts.mark {
		mark = markKeyword
	}
	res, err := mailbox.Sync(ctx, conn, l, mailbox.Options{
		Instance: j.in.Key, Mailbox: j.in.IMAP.Mailbox, Mark: mark, Batch: opts.batch, Matcher: m,
		Locale: recipientLocale(j.in.Recipients), Log: log, Unsubscribe: unsubscribeMailto(j.in),
	})
	if err != nil {
		return nil, err
	}
	counts, err := l.InboxCounts(ctx, sel)
	if err != nil {
		return nil, err
	}
	sent, err := l.Counts(ctx, ledger.Scope{Campaign: campaign, Instance: j.in.Key})
	if err != nil {
		return nil, err
	}
	msgs, err := l.InboxMessages(ctx, sel)
	if err != nil {
		return nil, err
	}
	if err := refreshAnswered(ctx, l, conn, res.Mailbox, j.in.Key, msgs); err != nil {
		return nil, err
	}
	rep := &digest.Report{
		Instance: j.in.Key, Name: j.in.Name, Zone: j.in.Location(), Mailbox: res.Mailbox.Name, Campaign: campaign, Since: sel.Since,
		Counts: digest.Counts{Sent: sent.Sent, Replies: counts.Replies, AutoReplies: counts.AutoReplies,
			HardBounces: counts.HardBounces, SoftBounces: counts.SoftBounces, Complaints: counts.Complaints,
			AlsoInInbox: counts.Untied, Unrelated: counts.Unrelated},
	}
	suppressed := map[string]bool{}
	for _, msg := range msgs {
		if msg.Suppressed {
			suppressed[msg.Address] = true
		}
		addToReport(rep, msg)
	}
	if len(suppressed) > 0 {
		all, err := l.Suppressions(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range all {
			if suppressed[s.Address] {
				rep.Suppressed = append(rep.Suppressed, digest.Suppressed{Address: s.Address, Reason: s.Reason})
			}
		}
	}
	return rep, nil
}

// refreshAnswered asks the server which of the replies to report have been
// answered since they were read, and records it.
func refreshAnswered(ctx context.Context, l *ledger.Ledger, conn *mailbox.Conn, box *mailbox.Mailbox, instance string, msgs []ledger.InboxMessage) error {
	var uids []uint32
	byUID := map[uint32]int{}
	for i, m := range msgs {
		if m.Kind == ledger.InboxReply && m.Mailbox == box.Name && m.UIDValidity == box.UIDValidity {
			uids = append(uids, m.UID)
			byUID[m.UID] = i
		}
	}
	if len(uids) == 0 {
		return nil
	}
	flags, err := conn.Flags(ctx, uids)
	if err != nil {
		return err
	}
	changed := map[string]bool{}
	for uid, fs := range flags {
		i, ok := byUID[uid]
		if !ok {
			continue
		}
		s := mailbox.Summary{Flags: fs}
		if a := s.Has(`\Answered`); a != msgs[i].Answered {
			msgs[i].Answered = a
			changed[msgs[i].Key] = a
		}
	}
	if len(changed) == 0 {
		return nil
	}
	return l.SetInboxAnswered(ctx, instance, changed)
}

// recipientLocale looks an address up in the recipients file, for a reply
// from someone the ledger has no delivery for. Each lookup reads the file
// (streamed): it happens for a handful of replies, and keeps no list in memory.
func recipientLocale(path string) func(string) string {
	cache := map[string]string{}
	return func(addr string) string {
		addr = strings.ToLower(addr)
		if loc, ok := cache[addr]; ok {
			return loc
		}
		loc := ""
		if rd, err := recipients.Open(path); err == nil {
			for {
				rcp, err := rd.Next()
				if err != nil {
					var row *recipients.RowError
					if errors.As(err, &row) {
						continue
					}
					break
				}
				if rcp.Key() == addr {
					loc = rcp.Locale
					break
				}
			}
			rd.Close()
		}
		cache[addr] = loc
		return loc
	}
}

// mailDigest sends one instance's digest (text, with an HTML alternative)
// through the instance's SMTP server.
func mailDigest(ctx context.Context, j inboxJob, rep digest.Report, to string, now time.Time) error {
	from, err := mail.ParseAddress(j.in.From)
	if err != nil {
		return badInput(fmt.Errorf("instance %s from: %w", j.in.Key, err))
	}
	var text, html bytes.Buffer
	if err := digest.Write(&text, digest.Text, []digest.Report{rep}); err != nil {
		return err
	}
	if err := digest.Write(&html, digest.HTML, []digest.Report{rep}); err != nil {
		return err
	}
	subject := fmt.Sprintf("%s support inbox: %d replies (%d unanswered), %d bounces, %d suppressed",
		rep.Name, rep.Counts.Replies, rep.Unanswered(), rep.Counts.HardBounces+rep.Counts.SoftBounces, len(rep.Suppressed))
	if len(rep.Problems) > 0 {
		subject = "PROBLEM OF OURS (mail refused for our reasons): " + subject
	}
	msg, err := mailer.Build(&mailer.Email{
		From: from, To: &mail.Address{Address: to}, Subject: subject, Text: text.String(), HTML: html.String(),
		MessageID: fmt.Sprintf("digest.%s.%s@%s", j.in.Key, strings.ToLower(rand.Text()[:16]), mailer.Domain(from)), Date: now,
	})
	if err != nil {
		return err
	}
	s := j.sender()
	defer s.Close()
	envelope := j.in.SMTP.ReturnPath
	if envelope == "" {
		envelope = from.Address
	}
	_, err = s.Send(ctx, envelope, to, msg)
	return err
}

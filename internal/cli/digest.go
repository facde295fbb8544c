package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/digest"
	"github.com/openfoodfoundation/announce/internal/support"
)

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
which stores the keyword ` + support.MarkKeyword + ` on the replies, auto-replies and bounces it
read. Each run reads only what arrived since the last one (the ledger, --state, keeps
where each mailbox was read to) and reports only what no digest reported yet; --since
reports everything dated in that period instead (e.g. 24h, 7d). ` + support.PolicyHelp + `

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
	f.BoolVar(&opts.mark, "mark", false, "store the keyword "+support.MarkKeyword+" on the messages read (the mailbox is otherwise left untouched)")
	f.IntVar(&opts.batch, "batch", support.DefaultBatch, "messages per IMAP fetch (memory grows with it)")
	return cmd
}

func runDigest(ctx context.Context, env *Env, opts *digestOptions) error {
	format, err := digest.ParseFormat(opts.format)
	if err != nil {
		return usageError("--format: %v", err)
	}
	since, err := support.ParseSince(opts.since)
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
	inboxes, err := conn(env).Inboxes(inst, opts.instance, opts.mailTo)
	if err != nil {
		return err
	}
	matcher, err := support.NoticeMatcher(inst, sched, r)
	if err != nil {
		return badInput(err)
	}
	l, err := opts.state.open(ctx)
	if err != nil {
		return err
	}
	defer l.Close()
	res, err := support.Run(ctx, l, support.Options{
		Inboxes: inboxes, Campaign: sched.Campaign, Matcher: matcher, Since: since, Format: format, Out: env.Stdout,
		MailTo: opts.mailTo, Mark: opts.mark, Batch: opts.batch, Now: env.Now(),
		Command: "announce digest --instance " + opts.instance, Log: slog.New(slog.NewTextHandler(env.Stderr, nil)),
	})
	if res != nil {
		for _, k := range res.Mailed {
			fmt.Fprintf(env.Stderr, "%s: digest mailed to %s\n", k, opts.mailTo)
		}
	}
	return err
}

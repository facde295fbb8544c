package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailer"
)

// confirmAbove is the recipient count from which a person at a terminal is
// asked before a real send.
const confirmAbove = 10

// claimLease bounds how long a claim of a live but unreachable run holds. It
// exceeds the longest one message can take (attempts × timeout, backoffs).
const claimLease = 30 * time.Minute

type sendPlan struct {
	dryRunPlan
	yes             bool
	resendUncertain bool
}

// realSend sends the notice of each selected instance over its SMTP server,
// recording every recipient in the ledger.
func realSend(ctx context.Context, env *Env, plan sendPlan, openLedger func() (*ledger.Ledger, error)) error {
	jobs, err := prepareJobs(plan.dryRunPlan)
	if err != nil {
		return err
	}
	// Everything a send needs is checked before anyone is asked or sent to.
	for _, j := range jobs {
		in := j.prep.Job().Instance
		if !plan.forum.only {
			if _, _, err := newSenderFactory(env, in); err != nil {
				return err
			}
		}
		if !plan.forum.skip {
			if plan.forum.only && in.Forum == nil {
				return badInput(fmt.Errorf("--forum-only: instance %s has no [instances.%s.forum] section", in.Key, in.Key))
			}
			if _, err := newPoster(env, in); err != nil {
				return err
			}
		}
	}
	l, err := openLedger()
	if err != nil {
		return err
	}
	defer l.Close()
	r, err := newSendRun(ctx, env, l, "announce --instance "+strings.Join(plan.keys, ",")+" --notice "+string(plan.notices[0]))
	if err != nil {
		return err
	}
	defer r.close()
	r.owner.ResendUncertain = plan.resendUncertain
	if !plan.forum.only {
		if err := confirm(ctx, env, plan, jobs, l); err != nil {
			return err
		}
	}
	failed := false
	var forumErrs []error
	for _, j := range jobs {
		if !plan.forum.only {
			f, err := r.send(ctx, j)
			if err != nil {
				return err
			}
			failed = failed || f
		}
		// Email and forum are independent: one failing neither undoes nor
		// blocks the other; both are reported.
		if !plan.forum.skip {
			if err := r.postForum(ctx, j.prep, plan.forum.update); err != nil {
				forumErrs = append(forumErrs, err)
			}
		}
	}
	if failed {
		forumErrs = append(forumErrs, errors.New("some messages were not delivered (listed above with the server's reply)"))
	}
	return errors.Join(forumErrs...)
}

// sendRun is one run that sends: it holds the lock, so overlapping runs (cron
// and a person, or two cron runs) never both send.
type sendRun struct {
	env   *Env
	l     *ledger.Ledger
	owner ledger.Owner
	lock  *ledger.Lock
	log   *slog.Logger
}

func newSendRun(ctx context.Context, env *Env, l *ledger.Ledger, command string) (*sendRun, error) {
	owner, err := ledger.NewOwner(claimLease)
	if err != nil {
		return nil, err
	}
	lock, err := l.AcquireLock(ctx, "send", command, owner)
	if err != nil {
		return nil, err
	}
	return &sendRun{env: env, l: l, owner: owner, lock: lock, log: slog.New(slog.NewTextHandler(env.Stderr, nil))}, nil
}

func (r *sendRun) close() { r.lock.Release() }

// send delivers one prepared notice and, when nothing is left to retry,
// records the notice as sent so that "due" does not send it again. It
// reports whether any message failed.
func (r *sendRun) send(ctx context.Context, j job) (bool, error) {
	job := j.prep.Job()
	in := job.Instance
	newSender, workers, err := newSenderFactory(r.env, in)
	if err != nil {
		return false, err
	}
	pr := newProgress(r.env.Stderr, isTerminal(r.env.Stderr), j.census.Total, in.Key, string(job.Notice), r.log, r.env.Now)
	var only func(string) bool
	if j.only != nil {
		only = func(k string) bool { return j.only[k] }
	}
	sum, err := dispatch.Send(ctx, j.prep, in.Recipients, dispatch.SendOptions{
		Ledger: r.l, Owner: r.owner, Workers: workers, NewSender: newSender, Only: only,
		Server:       fmt.Sprintf("%s:%d", in.SMTP.Host, in.SMTP.Port),
		EnvelopeFrom: in.SMTP.ReturnPath, Now: r.env.Now(), Progress: pr.add, Log: r.log,
		BreakAfter: in.SMTP.BreakAfter,
	})
	pr.finish()
	if sum != nil {
		printSummary(r.env.Stdout, in.Key, string(job.Notice), j.census.Total, sum)
	}
	if sum == nil {
		sum = &dispatch.Summary{}
	}
	var we *ledger.WriteError
	switch {
	case errors.As(err, &we):
		return true, fmt.Errorf("%w; %d messages the server accepted may not be recorded and may go out again (with the same Message-ID) once the ledger can be written", err, sum.Counts[dispatch.Unrecorded])
	case errors.Is(err, dispatch.ErrNoRecipients):
		return true, badInput(err)
	case errors.Is(err, context.Canceled):
		return true, fmt.Errorf("interrupted: %d not sent; every message the server answered is recorded; run the same command again to send the rest", sum.Counts[dispatch.NotSent])
	}
	if err != nil {
		return true, err
	}
	if sum.Complete() {
		detail := fmt.Sprintf("%d sent, %d already sent, %d suppressed, %d failed permanently",
			sum.Counts[dispatch.Sent], sum.Counts[dispatch.AlreadySent], sum.Counts[dispatch.Suppressed], sum.Counts[dispatch.FailedPerm])
		if err := r.l.RecordNotice(ctx, job.Schedule.Campaign, job.Key(), in.Key, ledger.NoticeSent, detail); err != nil {
			return true, err
		}
		// What readers now know of the window, to tell them if it changes.
		if job.Notice == config.Announce || job.Notice == config.Reminder || job.Notice == config.Reschedule {
			w := job.Window
			if err := r.l.RecordTold(ctx, job.Schedule.Campaign, in.Key, ledger.Told{Notice: job.Key(),
				Start: w.Begin(), End: w.End(), Latest: w.LatestEnd(), Sequence: job.Sequence}); err != nil {
				return true, err
			}
		}
	}
	return sum.Failed(), nil
}

// newSenderFactory resolves an instance's SMTP settings and secret once and
// returns how to make one connection's client, and how many to run.
func newSenderFactory(env *Env, in *config.Instance) (func() dispatch.Sender, int, error) {
	s := in.SMTP
	if s == nil {
		return nil, 0, badInput(fmt.Errorf("instance %s has no [instances.%s.smtp] section: it cannot send", in.Key, in.Key))
	}
	cfg := mailer.Config{Host: s.Host, Port: s.Port, TLS: s.TLS, Auth: s.Auth, Username: s.Username, HELO: s.HELO, Timeout: s.Timeout.Duration,
		DataTimeout: s.DataTimeout.Duration}
	if s.Auth != "" && s.Auth != "none" {
		pw, err := resolveSecret(env, fmt.Sprintf("instance %s smtp password", in.Key), s.Password())
		if err != nil {
			return nil, 0, err
		}
		cfg.Password = pw
	}
	if s.CAFile != "" {
		pool, err := mailer.LoadCA(s.CAFile)
		if err != nil {
			return nil, 0, badInput(fmt.Errorf("instance %s smtp ca_file: %w", in.Key, err))
		}
		cfg.RootCAs = pool
	}
	if err := cfg.Validate(); err != nil {
		return nil, 0, badInput(fmt.Errorf("instance %s smtp: %w", in.Key, err))
	}
	limiter := mailer.NewLimiter(s.RatePerSecond, s.RatePerHour)
	retry := mailer.RetryPolicy{Attempts: s.Attempts, Base: 500 * time.Millisecond, Max: 30 * time.Second}
	return func() dispatch.Sender {
		return mailer.NewClient(cfg, mailer.WithRetry(retry), mailer.WithLimiter(limiter))
	}, s.Connections, nil
}

// confirm asks a person at a terminal before a send to more than a few
// recipients; without a terminal it refuses unless --yes.
func confirm(ctx context.Context, env *Env, plan sendPlan, jobs []job, l *ledger.Ledger) error {
	total := 0
	var b strings.Builder
	for _, j := range jobs {
		job := j.prep.Job()
		c, err := l.Counts(ctx, ledger.Scope{Campaign: job.Schedule.Campaign, Notice: string(job.Notice), Instance: job.Instance.Key})
		if err != nil {
			return err
		}
		total += j.census.Total - c.Sent
		fmt.Fprintf(&b, "  %s %s notice: %d recipients (%d already sent), window %s\n",
			job.Instance.Key, job.Notice, j.census.Total, c.Sent, windowLine(job.Window, job.Instance))
	}
	if plan.yes || total <= confirmAbove {
		return nil
	}
	f, ok := env.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return usageError("a real send to %d recipients needs confirmation: run it at a terminal, or pass --yes\n%s", total, strings.TrimRight(b.String(), "\n"))
	}
	fmt.Fprintf(env.Stderr, "About to send:\n%sSend %d messages? [y/N] ", b.String(), total)
	line, err := readLine(ctx, env.Stdin)
	if err != nil {
		return fmt.Errorf("not confirmed: nothing sent: %w", err)
	}
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return usageError("not confirmed: nothing sent")
	}
	return nil
}

// readLine reads one line, or returns ctx's error as soon as ctx ends (Ctrl-C
// at the prompt): the read goes on in the background and is dropped.
func readLine(ctx context.Context, r io.Reader) (string, error) {
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- line
	}()
	select {
	case line := <-got:
		return line, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func printSummary(w io.Writer, instance, notice string, total int, s *dispatch.Summary) {
	fmt.Fprintf(w, "%s %s notice: %d recipients\n", instance, notice, total)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	for r := dispatch.Sent; r <= dispatch.Unrecorded; r++ {
		if s.Counts[r] > 0 || r <= dispatch.Suppressed {
			fmt.Fprintf(tw, "  %d\t %s\n", s.Counts[r], r)
		}
	}
	if len(s.Invalid) > 0 {
		fmt.Fprintf(tw, "  %d\t invalid rows skipped\n", len(s.Invalid))
	}
	tw.Flush()
	for _, f := range s.Failures {
		what := "failed"
		if f.Result == dispatch.Uncertain {
			what = "uncertain"
		}
		fmt.Fprintf(w, "  %s %s: %s\n", what, f.Recipient, f.Reply)
	}
	if s.Stopped != "" {
		fmt.Fprintf(w, "  stopped, %d not sent: %s\n", s.Counts[dispatch.NotSent], s.Stopped)
	}
}

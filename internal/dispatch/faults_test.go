package dispatch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailer"
	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

// sendWith runs Send against a plain-text srv with fast retries and the
// options edit changes.
func sendWith(t *testing.T, ctx context.Context, path string, srv *mailertest.Server, l *ledger.Ledger, workers int, edit func(*SendOptions, *mailer.Config, *mailer.RetryPolicy)) (*Summary, error) {
	t.Helper()
	owner, err := ledger.NewOwner(time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	cfg := mailer.Config{Host: srv.Host, Port: srv.Port, TLS: "none", Timeout: 2 * time.Second}
	retry := mailer.RetryPolicy{Attempts: 3, Base: time.Millisecond, Max: 5 * time.Millisecond}
	o := SendOptions{Ledger: l, Owner: owner, Workers: workers, Server: srv.Addr,
		Now: time.Date(2019, 4, 30, 10, 0, 0, 0, time.UTC)}
	if edit != nil {
		edit(&o, &cfg, &retry)
	}
	o.NewSender = func() Sender { return mailer.NewClient(cfg, mailer.WithRetry(retry)) }
	return Send(ctx, katumaJob(t), path, o)
}

// noneFailed checks that the ledger marks nobody failed and holds nothing
// in sending: every recipient is pending (or sent) for the next run.
func noneFailed(t *testing.T, l *ledger.Ledger, total, sent int) {
	t.Helper()
	c, err := l.Counts(context.Background(), ledger.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if c.FailedPerm+c.FailedTemp+c.Sending+c.Uncertain != 0 || c.Pending != total-sent || c.Sent != sent {
		t.Errorf("ledger = %+v, want %d pending, %d sent, none failed or sending", c, total-sent, sent)
	}
}

// The whole run is refused — by the greeting, the sender at MAIL or at RCPT
// (Postfix's smtpd_delay_reject), or at the end of data for a sender-side
// reason: the run stops, nobody is marked failed, the reply is in the error,
// and the next run (the server fixed) sends everyone.
func TestServerWideRefusals(t *testing.T) {
	const n = 12
	tests := []struct {
		name  string
		opts  mailertest.Options
		reply string
	}{
		{"refused at the greeting", mailertest.Options{GreetingFailures: 1000}, "421 4.3.2"},
		{"sender refused at RCPT", mailertest.Options{RejectSender: "noreply@katuma.test"}, "553 5.7.1 <noreply@katuma.test>: Sender address rejected"},
		{"DMARC at the end of data", mailertest.Options{DataReply: "550 5.7.26 Unauthenticated email from katuma.test is not accepted due to domain's DMARC policy"}, "5.7.26"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailertest.Start(t, tt.opts)
			path, _ := recipientsFile(t, n)
			l := openLedger(t, filepath.Join(t.TempDir(), "l.db"))
			sum, err := sendWith(t, context.Background(), path, srv, l, 2, nil)
			var se *ServerError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.reply) || !strings.Contains(err.Error(), "no recipient was marked failed") {
				t.Fatalf("Send = %v, want a *ServerError with the reply %q", err, tt.reply)
			}
			if sum.Counts[FailedPerm]+sum.Counts[FailedTemp] != 0 || sum.Counts[NotSent] != n || sum.Stopped == "" {
				t.Errorf("summary = %v (stopped %q), want all %d not sent, none failed", sum.Counts, sum.Stopped, n)
			}
			noneFailed(t, l, n, 0)
			good := mailertest.Start(t, mailertest.Options{})
			sum, err = sendWith(t, context.Background(), path, good, l, 2, nil)
			if err != nil || sum.Counts[Sent] != n {
				t.Errorf("next run = %v, %v; want all %d sent", sum.Counts, err, n)
			}
		})
	}
}

// The circuit breaker: the same refusal for N recipients in a row (a relay
// that refuses every RCPT; a server going away with 421) stops the run as
// server-wide; nobody is marked failed, the reply is shown.
func TestCircuitBreaker(t *testing.T) {
	const n = 30
	tests := []struct {
		name     string
		opts     mailertest.Options
		breakN   int
		reply    string
		wantSent int // at least
	}{
		{"500 to every RCPT", mailertest.Options{RcptReply: "500 5.7.1 <%s>: Relay access denied"}, 10, "Relay access denied", 0},
		{"550 to every RCPT, N = 3", mailertest.Options{RcptReply: "550 5.7.0 <%s>: policy says no"}, 3, "policy says no", 0},
		{"451 to every RCPT", mailertest.Options{RcptReply: "451 4.7.1 <%s>: Recipient address rejected: try again later"}, 4, "try again later", 0},
		{"421 after 5 messages", mailertest.Options{GoneAfter: 5}, 10, "421", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailertest.Start(t, tt.opts)
			path, _ := recipientsFile(t, n)
			l := openLedger(t, filepath.Join(t.TempDir(), "l.db"))
			sum, err := sendWith(t, context.Background(), path, srv, l, 2, func(o *SendOptions, _ *mailer.Config, _ *mailer.RetryPolicy) { o.BreakAfter = tt.breakN })
			var se *ServerError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.reply) {
				t.Fatalf("Send = %v, want a *ServerError with %q", err, tt.reply)
			}
			sent := len(accepted(srv))
			if sent < tt.wantSent || sum.Counts[Sent] != sent || sum.Counts[FailedPerm]+sum.Counts[FailedTemp] != 0 || sum.Counts[NotSent] != n-sent {
				t.Errorf("summary = %v, server accepted %d; want nobody failed, %d not sent", sum.Counts, sent, n-sent)
			}
			noneFailed(t, l, n, sent)
		})
	}
}

// A run of user-unknown replies is a run of bad addresses: it never trips
// the breaker, and each is marked failed with its reply.
func TestBreakerIgnoresMailboxReplies(t *testing.T) {
	path, addrs := recipientsFile(t, 12)
	srv := mailertest.Start(t, mailertest.Options{Reject: addrs[:11]})
	l := openLedger(t, filepath.Join(t.TempDir(), "l.db"))
	sum, err := sendWith(t, context.Background(), path, srv, l, 1, func(o *SendOptions, _ *mailer.Config, _ *mailer.RetryPolicy) { o.BreakAfter = 3 })
	if err != nil || sum.Counts[FailedPerm] != 11 || sum.Counts[Sent] != 1 {
		t.Fatalf("Send = %v, %v; want 11 failed permanently, 1 sent", sum.Counts, err)
	}
}

// Different refusals in a row do not trip it; a streak shorter than N gets
// its verdicts when it ends.
func TestBreakerStreakEnds(t *testing.T) {
	path, addrs := recipientsFile(t, 6)
	srv := mailertest.Start(t, mailertest.Options{TempFail: addrs[:2]}) // 451, same shape, 2 < 3
	l := openLedger(t, filepath.Join(t.TempDir(), "l.db"))
	sum, err := sendWith(t, context.Background(), path, srv, l, 1, func(o *SendOptions, _ *mailer.Config, _ *mailer.RetryPolicy) { o.BreakAfter = 3 })
	if err != nil || sum.Counts[FailedTemp] != 2 || sum.Counts[Sent] != 4 || len(sum.Failures) != 2 {
		t.Fatalf("Send = %v, %v; want 2 failed temporarily, 4 sent", sum.Counts, err)
	}
	c, _ := l.Counts(context.Background(), ledger.Scope{})
	if c.FailedTemp != 2 || c.Sent != 4 {
		t.Errorf("ledger = %+v", c)
	}
}

// No reply to the end of data: uncertain, recorded so, never retried in the
// run nor by the next run, and listed.
func TestNoReplyIsUncertain(t *testing.T) {
	const n = 4
	srv := mailertest.Start(t, mailertest.Options{SlowAt: mailertest.EndOfData, SlowFor: 10 * time.Second, SlowTimes: 1})
	path, _ := recipientsFile(t, n)
	l := openLedger(t, filepath.Join(t.TempDir(), "l.db"))
	edit := func(_ *SendOptions, c *mailer.Config, _ *mailer.RetryPolicy) { c.DataTimeout = 300 * time.Millisecond }
	sum, err := sendWith(t, context.Background(), path, srv, l, 1, edit)
	if err != nil || sum.Counts[Uncertain] != 1 || sum.Counts[Sent] != n-1 {
		t.Fatalf("Send = %v, %v; want 1 uncertain, %d sent", sum.Counts, err, n-1)
	}
	if st := srv.Stats(); st.Data != n {
		t.Errorf("server saw %d DATA for %d recipients: the uncertain one was retried", st.Data, n)
	}
	sum, err = sendWith(t, context.Background(), path, srv, l, 1, edit)
	if err != nil || sum.Counts[Uncertain] != 1 || sum.Counts[Sent] != 0 || srv.Stats().Data != n {
		t.Errorf("rerun = %v, %v (%d DATA); want the uncertain one held, nothing sent", sum.Counts, err, srv.Stats().Data)
	}
	if sum.Complete() {
		t.Errorf("a notice with an uncertain message is complete")
	}
	us, _ := l.Uncertain(context.Background(), ledger.Scope{})
	if len(us) != 1 {
		t.Errorf("ledger lists %d uncertain, want 1", len(us))
	}
	sum, err = sendWith(t, context.Background(), path, srv, l, 1, func(o *SendOptions, c *mailer.Config, r *mailer.RetryPolicy) {
		edit(o, c, r)
		o.Owner.ResendUncertain = true
	})
	if err != nil || sum.Counts[Sent] != 1 || srv.Stats().Data != n+1 {
		t.Errorf("--resend-uncertain run = %v, %v; want it sent once more", sum.Counts, err)
	}
}

// Ctrl-C ends a run within seconds whatever the server is doing; the rows
// it was sending are given back, none marked failed.
func TestStopWhileStalled(t *testing.T) {
	const n = 6
	for _, tt := range []struct {
		name string
		opts mailertest.Options
	}{
		{"stall after the greeting", mailertest.Options{StallAfterGreeting: true}},
		{"stall at RCPT", mailertest.Options{SlowAt: mailertest.Rcpt, SlowFor: time.Minute}},
		{"backing off after 451", mailertest.Options{RcptTempFailures: 1000}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailertest.Start(t, tt.opts)
			path, _ := recipientsFile(t, n)
			l := openLedger(t, filepath.Join(t.TempDir(), "l.db"))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var cancelled time.Time
			go func() {
				for srv.Stats().Connections == 0 {
					time.Sleep(time.Millisecond)
				}
				time.Sleep(200 * time.Millisecond) // in the state
				cancelled = time.Now()
				cancel()
			}()
			sum, err := sendWith(t, ctx, path, srv, l, 2, func(_ *SendOptions, c *mailer.Config, r *mailer.RetryPolicy) {
				c.Timeout = time.Minute
				r.Attempts, r.Base, r.Max = 5, time.Minute, time.Minute
			})
			if took := time.Since(cancelled); took > 5*time.Second {
				t.Errorf("Send took %s after Ctrl-C", took)
			}
			if sum == nil {
				t.Fatalf("Send = nil, %v", err)
			}
			if !errors.Is(err, context.Canceled) || sum.Counts[NotSent] != n || !strings.Contains(sum.Stopped, "interrupted") {
				t.Errorf("Send = %v, %v (stopped %q); want ctx's error and all %d not sent", sum.Counts, err, sum.Stopped, n)
			}
			noneFailed(t, l, n, 0)
		})
	}
}

// An empty list is an error, and nothing is recorded.
func TestEmptyRecipients(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	if err := os.WriteFile(path, []byte("email,name,locale\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := mailertest.Start(t, mailertest.Options{})
	l := openLedger(t, filepath.Join(t.TempDir(), "l.db"))
	_, err := sendWith(t, context.Background(), path, srv, l, 1, nil)
	if !errors.Is(err, ErrNoRecipients) || !strings.Contains(err.Error(), path) {
		t.Errorf("Send of an empty list = %v, want ErrNoRecipients naming the file", err)
	}
	if c, _ := l.Counts(context.Background(), ledger.Scope{}); c.Total() != 0 {
		t.Errorf("ledger = %+v, want nothing recorded", c)
	}
}

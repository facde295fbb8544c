package dispatch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailer"
	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
	"github.com/openfoodfoundation/announce/internal/render"
)

// recipientsFile writes n recipients and returns the path and the addresses.
func recipientsFile(t *testing.T, n int) (string, []string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("email,name,locale\n")
	var addrs []string
	for i := 0; i < n; i++ {
		a := fmt.Sprintf("user%03d@example.test", i)
		addrs = append(addrs, a)
		fmt.Fprintf(&b, "%s,User %d,%s\n", a, i, []string{"ca", "es"}[i%2])
	}
	p := filepath.Join(t.TempDir(), "r.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, addrs
}

func openLedger(t *testing.T, path string) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// sendTo runs Send against srv with fast retries.
func sendTo(t *testing.T, ctx context.Context, p *render.Prepared, path string, srv *mailertest.Server, l *ledger.Ledger, workers int) (*Summary, error) {
	t.Helper()
	owner, err := ledger.NewOwner(time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	cfg := mailer.Config{Host: srv.Host, Port: srv.Port, TLS: "starttls", RootCAs: srv.RootCAs(), Timeout: 300 * time.Millisecond}
	retry := mailer.RetryPolicy{Attempts: 4, Base: time.Millisecond, Max: 5 * time.Millisecond}
	return Send(ctx, p, path, SendOptions{
		Ledger: l, Owner: owner, Workers: workers, Server: srv.Addr,
		NewSender: func() Sender { return mailer.NewClient(cfg, mailer.WithRetry(retry)) },
		Now:       time.Date(2019, 4, 30, 10, 0, 0, 0, time.UTC),
	})
}

// accepted counts how often the server accepted each recipient.
func accepted(srv *mailertest.Server) map[string]int {
	got := map[string]int{}
	for _, m := range srv.Messages() {
		for _, to := range m.To {
			got[to]++
		}
	}
	return got
}

// Faults a real server will not produce on demand: the ledger must end up
// saying exactly what the server accepted.
func TestSendFaults(t *testing.T) {
	const n = 8
	bad := "user003@example.test"
	tests := []struct {
		name          string
		opts          mailertest.Options
		wantSent      int
		wantPerm      int
		wantTemp      int
		wantPermReply string
	}{
		{"clean", mailertest.Options{}, n, 0, 0, ""},
		{"421 at greeting", mailertest.Options{GreetingFailures: 2}, n, 0, 0, ""},
		{"451 after RCPT", mailertest.Options{RcptTempFailures: 3}, n, 0, 0, ""},
		{"550 for one recipient", mailertest.Options{Reject: []string{bad}}, n - 1, 1, 0,
			"550 5.1.1 <user003@example.test>: Recipient address rejected: User unknown"},
		{"451 for one recipient, every time", mailertest.Options{TempFail: []string{bad}}, n - 1, 0, 1, ""},
		// When the message fits in the socket's buffer, the drop comes while
		// the reply to its end is awaited: uncertain, not resent (counted
		// below as not sent).
		{"connection dropped mid-DATA", mailertest.Options{DropInData: 2}, n, 0, 0, ""},
		{"server slower than the timeout", mailertest.Options{SlowAt: mailertest.Rcpt, SlowFor: time.Second, SlowTimes: 1}, n, 0, 0, ""},
	}
	p := katumaJob(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailertest.Start(t, tt.opts)
			path, addrs := recipientsFile(t, n)
			l := openLedger(t, filepath.Join(t.TempDir(), "l.db"))
			sum, err := sendTo(t, context.Background(), p, path, srv, l, 2)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			uncertain := sum.Counts[Uncertain]
			if tt.opts.DropInData == 0 && uncertain > 0 {
				t.Errorf("summary = %v: uncertain without a fault that makes it", sum.Counts)
			}
			tt.wantSent -= uncertain
			if sum.Counts[Sent] != tt.wantSent || sum.Counts[FailedPerm] != tt.wantPerm || sum.Counts[FailedTemp] != tt.wantTemp {
				t.Errorf("summary = %v, want %d sent, %d failed-perm, %d failed-temp", sum.Counts, tt.wantSent, tt.wantPerm, tt.wantTemp)
			}
			if tt.wantPermReply != "" && (len(sum.Failures) != 1 || sum.Failures[0].Reply != tt.wantPermReply) {
				t.Errorf("failures = %+v, want the server's exact reply %q", sum.Failures, tt.wantPermReply)
			}
			if st := srv.Stats(); st.MaxOpen > 2 {
				t.Errorf("server saw %d connections at once, want at most 2", st.MaxOpen)
			}
			// The ledger matches what the server accepted.
			got := accepted(srv)
			fails, err := l.Failures(context.Background(), ledger.Scope{})
			if err != nil {
				t.Fatal(err)
			}
			failed := map[string]ledger.Failure{}
			for _, f := range fails {
				failed[f.Recipient] = f
			}
			held, err := l.Uncertain(context.Background(), ledger.Scope{})
			if err != nil || len(held) != uncertain {
				t.Errorf("ledger holds %d uncertain (%v), summary says %d", len(held), err, uncertain)
			}
			for _, f := range held {
				failed[f.Recipient] = f
			}
			c, _ := l.Counts(context.Background(), ledger.Scope{})
			if c.Sent != len(got) {
				t.Errorf("ledger says %d sent, server accepted %d distinct recipients", c.Sent, len(got))
			}
			for _, a := range addrs {
				_, isFailed := failed[a]
				if (got[a] > 0) == isFailed {
					t.Errorf("%s: server accepted %d times, ledger failure %v", a, got[a], isFailed)
				}
				if got[a] > 1 {
					t.Errorf("%s accepted %d times", a, got[a])
				}
			}
			if tt.wantPermReply != "" && failed[bad].LastReply != tt.wantPermReply {
				t.Errorf("ledger reply = %q, want %q", failed[bad].LastReply, tt.wantPermReply)
			}

			// A rerun sends nothing already sent, never retries a permanent
			// failure, and retries a temporary one.
			before := srv.Stats().Rcpt
			sum2, err := sendTo(t, context.Background(), p, path, srv, l, 2)
			if err != nil {
				t.Fatal(err)
			}
			if sum2.Counts[Sent] != 0 || sum2.Counts[AlreadySent] != tt.wantSent || sum2.Counts[Uncertain] != uncertain {
				t.Errorf("rerun summary = %v, want 0 sent, %d already sent", sum2.Counts, tt.wantSent)
			}
			retried := srv.Stats().Rcpt - before
			if tt.wantTemp == 0 && retried != 0 {
				t.Errorf("rerun sent %d RCPTs, want none", retried)
			}
			if tt.wantTemp > 0 && retried == 0 {
				t.Errorf("rerun did not retry the temporary failure")
			}
		})
	}
}

// Two sends of the same notice at once never both send a message.
func TestTwoSendsAtOnce(t *testing.T) {
	p := katumaJob(t)
	srv := mailertest.Start(t, mailertest.Options{})
	path, addrs := recipientsFile(t, 300)
	db := filepath.Join(t.TempDir(), "l.db")
	var wg sync.WaitGroup
	sums := make([]*Summary, 2)
	for i := range sums {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if sums[i], err = sendTo(t, context.Background(), p, path, srv, openLedger(t, db), 3); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got := accepted(srv)
	for _, a := range addrs {
		if got[a] != 1 {
			t.Errorf("%s accepted %d times, want 1", a, got[a])
		}
	}
	if sent := sums[0].Counts[Sent] + sums[1].Counts[Sent]; sent != 300 {
		t.Errorf("sent %d + %d, want 300 in all", sums[0].Counts[Sent], sums[1].Counts[Sent])
	}
}

// Ctrl-C: the messages in flight, already out, get their reply within
// mailer.StopGrace and are recorded, nothing new starts, and a rerun sends
// the rest exactly once.
func TestCancelThenResume(t *testing.T) {
	p := katumaJob(t)
	srv := mailertest.Start(t, mailertest.Options{SlowAt: mailertest.EndOfData, SlowFor: 20 * time.Millisecond})
	path, addrs := recipientsFile(t, 40)
	l := openLedger(t, filepath.Join(t.TempDir(), "l.db"))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for srv.Stats().Accepted < 5 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	sum, err := sendTo(t, ctx, p, path, srv, l, 2)
	if err != context.Canceled {
		t.Fatalf("Send err = %v, want context.Canceled", err)
	}
	first := accepted(srv)
	// A message cut while its end was on the wire may be accepted with its
	// reply unread: it is uncertain, never sent again without asking.
	if sum.Counts[Sent]+sum.Counts[Uncertain] != len(first) || len(first) >= 40 {
		t.Errorf("cancelled run: summary says %d sent and %d uncertain, server accepted %d", sum.Counts[Sent], sum.Counts[Uncertain], len(first))
	}
	c, _ := l.Counts(context.Background(), ledger.Scope{})
	if c.Sent+c.Uncertain != len(first) || c.Sending != 0 {
		t.Errorf("ledger after Ctrl-C: %+v, want %d sent or uncertain and none left sending", c, len(first))
	}
	if _, err := sendTo(t, context.Background(), p, path, srv, l, 2); err != nil {
		t.Fatal(err)
	}
	got := accepted(srv)
	for _, a := range addrs {
		if got[a] != 1 {
			t.Errorf("%s accepted %d times, want 1", a, got[a])
		}
	}
	ids := map[string]bool{}
	for _, m := range srv.Messages() {
		id := headerMessageID(m.Data)
		if ids[id] {
			t.Errorf("Message-ID %s sent twice", id)
		}
		ids[id] = true
	}
	if !slices.ContainsFunc(srv.Messages(), func(m mailertest.Message) bool { return m.From == "noreply@katuma.test" }) {
		t.Errorf("envelope sender is not From's address by default")
	}
}

func headerMessageID(data []byte) string {
	for _, line := range strings.Split(string(data), "\r\n") {
		if strings.HasPrefix(line, "Message-ID:") || strings.HasPrefix(line, " <") {
			if i := strings.Index(line, "<"); i >= 0 {
				return line[i:]
			}
		}
	}
	return ""
}

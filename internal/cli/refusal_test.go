package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

func ledgerCounts(t *testing.T, state string) ledger.Counts {
	t.Helper()
	l, err := ledger.OpenReadOnly(context.Background(), state)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := l.Counts(context.Background(), ledger.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A server that refuses the whole run — at the greeting, our sender at
// RCPT, the same reply to every RCPT — stops it with exit 1 and the reply
// shown; the ledger and status mark nobody failed; the next run sends all.
func TestRunRefusedByServer(t *testing.T) {
	const n = 12
	for _, tt := range []struct {
		name  string
		opts  mailertest.Options
		reply string
	}{
		{"refused at the greeting", mailertest.Options{TLS: mailertest.NoTLS, GreetingFailures: 1000}, "421 4.3.2"},
		{"sender refused at RCPT", mailertest.Options{TLS: mailertest.NoTLS, RejectSender: "noreply@katuma.test"}, "Sender address rejected: not owned by user"},
		{"554 to every RCPT", mailertest.Options{TLS: mailertest.NoTLS, RcptReply: "554 5.7.1 <%s>: Recipient address rejected: Access denied"}, "same reply to 10 recipients in a row"},
		{"Relay access denied: the server's at once", mailertest.Options{TLS: mailertest.NoTLS, RcptReply: "554 5.7.1 <%s>: Relay access denied"}, "Relay access denied"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailertest.Start(t, tt.opts)
			sandbox(t)
			useSMTP(t, "katuma", plainSMTP(srv)+"attempts = 2\n")
			rows := make([]string, n)
			for i := range rows {
				rows[i] = fmt.Sprintf("r%02d@example.test,,ca,", i)
			}
			writeRecipients(t, "katuma", rows...)
			state := filepath.Join(t.TempDir(), "ledger.db")
			code, stdout, stderr := runCLI(t, "--instance", "katuma", "--notice", "announce", "--yes", "--no-forum", "--state", state)
			if code != exitFailure || !strings.Contains(stderr, tt.reply) || !strings.Contains(stderr, "no recipient was marked failed") {
				t.Errorf("exit %d, stderr %q; want 1 and the reply %q", code, stderr, tt.reply)
			}
			if !strings.Contains(stdout, fmt.Sprintf("%d not sent (the run stopped)", n)) || strings.Contains(stdout, "failed (permanent)") {
				t.Errorf("summary:\n%s\nwant all %d not sent, none failed", stdout, n)
			}
			if c := ledgerCounts(t, state); c.FailedPerm+c.FailedTemp+c.Sending != 0 || c.Pending != n {
				t.Errorf("ledger = %+v, want all %d pending", c, n)
			}
			_, status, _ := runCLI(t, "status", "--state", state)
			if !strings.Contains(status, "katuma") {
				t.Errorf("status:\n%s", status)
			}
			good := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
			useSMTP(t, "katuma", plainSMTP(good))
			code, stdout, stderr = runCLI(t, "--instance", "katuma", "--notice", "announce", "--yes", "--no-forum", "--state", state)
			if code != 0 || good.Stats().Accepted != n {
				t.Errorf("next run: exit %d, %d accepted\n%s%s", code, good.Stats().Accepted, stdout, stderr)
			}
		})
	}
}

// An empty list: the send is refused (exit 2, naming the file) and records
// nothing, so the notice is still due; check warns.
func TestEmptyRecipientList(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	sandbox(t)
	useSMTP(t, "katuma", plainSMTP(srv))
	if err := os.WriteFile("recipients/katuma.csv", []byte("email,name,locale,role\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(t.TempDir(), "ledger.db")
	code, _, stderr := runCLI(t, "--instance", "katuma", "--notice", "announce", "--yes", "--no-forum", "--state", state)
	if code != exitInput || !strings.Contains(stderr, "recipients/katuma.csv") || !strings.Contains(stderr, "no valid recipient") {
		t.Errorf("send: exit %d, stderr %q; want 2 naming the file", code, stderr)
	}
	if c := ledgerCounts(t, state); c.Total() != 0 {
		t.Errorf("ledger = %+v, want nothing recorded", c)
	}
	l, _ := ledger.OpenReadOnly(context.Background(), state)
	outs, _ := l.NoticeOutcomes(context.Background(), "ofn-v2-2019")
	l.Close()
	if len(outs) != 0 {
		t.Errorf("notice recorded: %+v", outs)
	}
	_, stdout, _ := runCLI(t, "check")
	if !strings.Contains(stdout, "warning: recipients/katuma.csv: no valid recipient") {
		t.Errorf("check does not warn:\n%s", stdout)
	}
}

// A missing recipients file: exit 2, with its path.
func TestMissingRecipientsFile(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	sandbox(t)
	useSMTP(t, "katuma", plainSMTP(srv))
	os.Remove("recipients/katuma.csv")
	code, _, stderr := runCLI(t, "--instance", "katuma", "--notice", "announce", "--yes", "--no-forum", "--state", filepath.Join(t.TempDir(), "l.db"))
	if code != exitInput || !strings.Contains(stderr, "recipients/katuma.csv") {
		t.Errorf("exit %d, stderr %q; want 2 with the path", code, stderr)
	}
}

// status --failed lists the failed addresses with the server's reply;
// retry --failed makes the permanent ones sendable again, on purpose.
func TestStatusFailedAndRetry(t *testing.T) {
	bad := "r01@example.test"
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS, Reject: []string{bad}})
	sandbox(t)
	useSMTP(t, "katuma", plainSMTP(srv))
	writeRecipients(t, "katuma", "r00@example.test,,ca,", bad+",,ca,")
	state := filepath.Join(t.TempDir(), "ledger.db")
	send := []string{"--instance", "katuma", "--notice", "announce", "--yes", "--no-forum", "--state", state}
	if code, _, _ := runCLI(t, send...); code != exitFailure {
		t.Fatalf("send with a rejected recipient: exit %d, want 1", code)
	}
	code, stdout, _ := runCLI(t, "status", "--failed", "--state", state)
	if code != 0 || !strings.Contains(stdout, bad) || !strings.Contains(stdout, "550 5.1.1 <"+bad+">: Recipient address rejected: User unknown") || !strings.Contains(stdout, "permanent") {
		t.Errorf("status --failed: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := runCLI(t, "retry", "--failed", "--notice", "announce", "--state", state); code != 0 || !strings.Contains(stderr, "1 permanent failures are pending again") {
		t.Errorf("retry --failed: exit %d, %s", code, stderr)
	}
	good := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	useSMTP(t, "katuma", plainSMTP(good))
	if code, stdout, stderr := runCLI(t, send...); code != 0 || good.Stats().Accepted != 1 || good.Messages()[0].To[0] != bad {
		t.Errorf("send after retry: exit %d, %d accepted\n%s%s", code, good.Stats().Accepted, stdout, stderr)
	}
}

// due with an empty list: the notice is refused (an input error), nothing
// is recorded, and once the file is fixed the next due run sends it.
func TestDueEmptyListStaysDue(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	state := dueSandbox(t, srv)
	full, err := os.ReadFile("recipients/katuma.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("recipients/katuma.csv", []byte("email,name,locale,role\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := newTestDue(t, state)
	d.due.Keys = []string{"katuma"}
	at := time.Date(2019, 4, 30, 7, 0, 0, 0, time.UTC) // Katuma's announce is due
	err = d.runAt(context.Background(), at)
	if err == nil || exitCode(err) != exitInput || !strings.Contains(err.Error(), "no valid recipient") {
		t.Fatalf("due with an empty list: %v (exit %d), want an input error saying so", err, exitCode(err))
	}
	l, err := ledger.OpenReadOnly(context.Background(), state)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := l.NoticeOutcomes(context.Background(), "ofn-v2-2019")
	l.Close()
	if err != nil || len(outs) != 0 {
		t.Errorf("notice outcomes after the refused run: %+v, %v; want none", outs, err)
	}
	if err := os.WriteFile("recipients/katuma.csv", full, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := d.runAt(context.Background(), at.Add(time.Hour)); err != nil {
		t.Fatalf("due after the file was fixed: %v", err)
	}
	if n := len(receivedMessages(t, srv)); n == 0 {
		t.Error("due after the file was fixed sent nothing: the notice was lost")
	}
}

// A send to several instances, one with an empty list: refused before
// anything goes to any of them.
func TestEmptyListRefusesTheWholeRun(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	state := dueSandbox(t, srv) // every instance's SMTP server is srv
	if err := os.WriteFile("recipients/uk.csv", []byte("email,name,locale,role\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "--instance", "all", "--notice", "announce", "--yes", "--force", "--no-forum", "--state", state)
	if code != exitInput || !strings.Contains(stderr, "recipients/uk.csv") || !strings.Contains(stderr, "no valid recipient") {
		t.Errorf("send: exit %d, stderr %q; want 2 naming uk's file", code, stderr)
	}
	if n := len(receivedMessages(t, srv)); n != 0 {
		t.Errorf("%d messages sent to the other instances before uk's empty list was refused; want none", n)
	}
	if c := ledgerCounts(t, state); c.Total() != 0 {
		t.Errorf("ledger = %+v, want nothing recorded", c)
	}
}

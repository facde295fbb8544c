package support_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/digest"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailbox/mailboxtest"
	"github.com/openfoodfoundation/announce/internal/mailer"
	"github.com/openfoodfoundation/announce/internal/support"
)

// katuma is the shipped Katuma instance with its support inbox in box.
func katuma(t *testing.T, box *mailboxtest.Box) *config.Instance {
	t.Helper()
	inst, err := config.LoadInstances(filepath.Join(mailboxtest.Root(), "config", "instances.toml"))
	if err != nil {
		t.Fatal(err)
	}
	in := *inst.Instances["katuma"]
	if in.IMAP == nil {
		t.Fatal("config/instances.toml: katuma has no imap section")
	}
	m := *in.IMAP
	m.Mailbox = box.Name
	in.IMAP = &m
	return &in
}

// failingSender is an SMTP server that refuses the digest: a fault only a
// fake injects on demand.
type failingSender struct{ sent int }

var errRefused = errors.New("452 4.3.1 insufficient system storage (injected)")

func (s *failingSender) Send(context.Context, string, string, *gomail.Msg) (mailer.Result, error) {
	s.sent++
	return mailer.Result{}, errRefused
}
func (s *failingSender) Close() error { return nil }

// A run prints the digest and marks what it showed as reported, unless the
// digest could not be mailed: then the next run shows it again. A run
// while another holds the digest lock does nothing.
func TestRun(t *testing.T) { mailboxtest.ForEach(t, testRun) }

func testRun(t *testing.T, srv *mailboxtest.Server) {
	box := srv.NewBox(t, "INBOX")
	l := openLedger(t)
	mailboxtest.Seed(t, l)
	box.Append(t, mailboxtest.Reply("run", mailboxtest.Seeds[0].MessageID()), mailboxtest.Unrelated(1))
	smtp := &failingSender{}
	var out bytes.Buffer
	opts := support.Options{
		Inboxes:  []support.Inbox{{Instance: katuma(t, box), IMAP: box.Config(), Sender: func() support.Sender { return smtp }}},
		Campaign: mailboxtest.Campaign, Matcher: mailboxtest.Matcher(), Format: digest.Text, Out: &out,
		MailTo: "team@katuma.test", Now: time.Now(), Command: "test",
	}
	run := func(opts support.Options) (*support.Result, error) {
		out.Reset()
		return support.Run(t.Context(), l, opts)
	}

	res, err := run(opts)
	if !errors.Is(err, errRefused) || !strings.Contains(err.Error(), "instance katuma: mail the digest to team@katuma.test") {
		t.Errorf("Run with a refusing SMTP server: %v, want the refusal, naming instance and address", err)
	}
	if smtp.sent != 1 || res == nil || len(res.Mailed) != 0 {
		t.Errorf("Run with a refusing SMTP server: %d sent, result %+v; want 1 attempt, nothing mailed", smtp.sent, res)
	}
	if !strings.Contains(out.String(), "replies 1") || !strings.Contains(out.String(), "Ana Puig") {
		t.Errorf("digest lacks Ana's reply:\n%s", out.String())
	}

	opts.MailTo = ""
	if _, err := run(opts); err != nil || !strings.Contains(out.String(), "replies 1") {
		t.Errorf("Run after the digest could not be mailed: %v, want the reply shown again:\n%s", err, out.String())
	}
	if _, err := run(opts); err != nil || !strings.Contains(out.String(), "nothing new") {
		t.Errorf("Run after a reported digest: %v, want nothing new:\n%s", err, out.String())
	}

	owner, err := ledger.NewOwner(time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	lock, err := l.AcquireLock(t.Context(), "digest", "another digest", owner)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	var locked *ledger.LockedError
	if _, err := run(opts); !errors.As(err, &locked) || out.Len() != 0 {
		t.Errorf("Run while another holds the lock: %v, output %q; want a LockedError and no output", err, out.String())
	}
}

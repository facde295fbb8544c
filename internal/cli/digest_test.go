package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/check"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailbox/mailboxtest"
)

// execCmd runs one command built by its constructor, as run does with the
// root command, and returns exit code, stdout and stderr.
func execCmd(t *testing.T, cmd *cobra.Command, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(t.Context())
	if err == nil {
		return exitOK, out.String(), errb.String()
	}
	for _, e := range check.Flatten(err) {
		fmt.Fprintln(&errb, "announce: "+e.Error())
	}
	return exitCode(err), out.String(), errb.String()
}

func testCLIEnv(out, errb *bytes.Buffer) *Env {
	return &Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: errb, Now: time.Now,
		Getenv: testGetenv}
}

// digestCLI runs announce digest with args against the sandbox's config and
// the ledger at state.
func digestCLI(t *testing.T, state string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	p := &paths{instances: "config/instances.toml", schedule: "config/schedule.toml", templates: "templates", locales: "locales"}
	cmd := newDigestCmd(testCLIEnv(&out, &errb), p, &stateFlag{path: state})
	code, _, stderr := execCmd(t, cmd, args...)
	return code, out.String(), errb.String() + stderr
}

// useIMAP points Katuma's support inbox at box.
func useIMAP(t *testing.T, box *mailboxtest.Box) {
	t.Helper()
	pw := filepath.Join(t.TempDir(), "imap-password")
	writeFile(t, pw, box.Password+"\n")
	srv := box.Server
	block := fmt.Sprintf("[instances.katuma.imap]\nhost = %q\nport = %d\ntls = \"tls\"\nusername = %q\npassword_file = %q\nca_file = %q\nmailbox = %q\n",
		srv.Host, srv.TLSPort, box.User, pw, srv.CAFile(t), box.Name)
	b, err := os.ReadFile("config/instances.toml")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?s)\[instances\.katuma\.imap\].*?\n\n`)
	if !re.Match(b) {
		t.Fatal("config/instances.toml has no [instances.katuma.imap] section")
	}
	writeFile(t, "config/instances.toml", re.ReplaceAllString(string(b), block+"\n"))
}

func seedLedger(t *testing.T, state string) {
	t.Helper()
	l, err := ledger.Open(context.Background(), state)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	mailboxtest.Seed(t, l)
}

// The digest against an IMAP server (in memory, and the real Dovecot when
// the mail stack is up): a realistic support inbox (the
// classifier's corpus, a reply and bounces to deliveries in the ledger) is
// counted, suppressed and shown; a second run reports nothing new; one more
// message is reported alone; a recreated mailbox (new UIDVALIDITY) counts
// nothing twice; and the mailbox is unchanged throughout.
func TestDigestSupportInbox(t *testing.T) { mailboxtest.ForEach(t, testDigestSupportInbox) }

func testDigestSupportInbox(t *testing.T, srv *mailboxtest.Server) {
	sandbox(t)
	box := srv.NewBox(t, "Support")
	useIMAP(t, box)
	state := filepath.Join(t.TempDir(), "ledger.db")
	seedLedger(t, state)
	msgs, want := mailboxtest.Fixture(t)
	box.Append(t, msgs...)
	before := box.Snapshot(t)

	code, out, stderr := digestCLI(t, state, "--instance", "katuma")
	if code != 0 {
		t.Fatalf("digest: exit %d\n%s\n%s", code, out, stderr)
	}
	counts := fmt.Sprintf("sent %d · replies %d · auto-replies %d · hard bounces %d · soft bounces %d · complaints %d · also in the inbox %d · unrelated %d",
		want.Sent, want.Replies, want.AutoReplies, want.HardBounces, want.SoftBounces, want.Complaints, want.Untied, want.Unrelated)
	for _, s := range append([]string{
		"Katuma (katuma), Support: new since the last digest", counts,
		// Eva's DMARC rejection: loud, with the reply, and she stays.
		"!!! PROBLEM OF OURS: 1 address(es) refused our mail",
		"authfailure 5.7.26, last Tue 2019-04-30 09:00 CEST (eva@example.test):\n      550 5.7.26 Unauthenticated email from katuma.test",
		fmt.Sprintf("Also in the inbox (%d), mail from people that answers no notice:", want.Untied),
		"Proveidor 1 <factures@proveidor.test>  (unanswered)\n      Subject: Factura 1 de maig",
		fmt.Sprintf("Suppressed (%d):", len(want.Suppressed)),
		fmt.Sprintf("Replies (%d, %d unanswered)", want.Replies, want.Replies),
		"Ana Puig <ana@example.test> [ca]  (unanswered)", "| " + want.ReplyText,
		"Tue 2019-04-30 12:00 CEST", // Ana's reply, in Madrid time
	}, want.Suppressed...) {
		if !strings.Contains(out, s) {
			t.Errorf("digest lacks %q:\n%s", s, out)
		}
	}
	for _, s := range []string{want.QuotedText, "va escriure", "Butlletí", "eva@example.test: "} {
		if strings.Contains(out, s) {
			t.Errorf("digest shows %q (quoted notice, a newsletter, or Eva suppressed):\n%s", s, out)
		}
	}
	if diff := before.Diff(box.Snapshot(t)); diff != "" {
		t.Errorf("digest changed the mailbox: %s", diff)
	}

	code, out, stderr = digestCLI(t, state, "--instance", "katuma")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("nothing new (%d sent in ofn-v2-2019)", want.Sent)) {
		t.Errorf("second digest: exit %d, want nothing new:\n%s\n%s", code, out, stderr)
	}

	box.Append(t, mailboxtest.Reply("one-more", mailboxtest.Seeds[0].MessageID()))
	code, out, stderr = digestCLI(t, state, "--instance", "katuma", "--format", "json")
	if code != 0 || !strings.Contains(out, fmt.Sprintf(`"counts":{"sent":%d,"replies":1,"auto_replies":0,"hard_bounces":0,"soft_bounces":0,"complaints":0,"also_in_inbox":0,"unrelated":0}`, want.Sent)) ||
		strings.Count(out, `"from":`) != 1 {
		t.Errorf("digest after one more message: exit %d, want exactly that reply:\n%s\n%s", code, out, stderr)
	}

	// A new UIDVALIDITY: the same messages again, plus one new.
	box.Recreate(t)
	box.Append(t, append(msgs, mailboxtest.Reply("one-more", mailboxtest.Seeds[0].MessageID()), mailboxtest.Unrelated(9))...)
	code, out, stderr = digestCLI(t, state, "--instance", "katuma")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("sent %d · replies 0 · auto-replies 0 · hard bounces 0 · soft bounces 0 · complaints 0 · also in the inbox 1 · unrelated 0", want.Sent)) {
		t.Errorf("digest after the mailbox was recreated: exit %d, want only the new invoice:\n%s\n%s", code, out, stderr)
	}

	// --since reports the period again, in HTML with every value escaped.
	code, out, stderr = digestCLI(t, state, "--instance", "katuma", "--since", "36500d", "--format", "html")
	if code != 0 || !strings.Contains(out, "recoger &amp; pagar") || strings.Contains(out, "recoger & pagar") ||
		!strings.Contains(out, fmt.Sprintf("<td>%d</td><td>%d</td>", want.Sent, want.Replies+1)) {
		t.Errorf("digest --since --format html: exit %d\n%s\n%s", code, out, stderr)
	}
}

// --mark stores $AnnounceSeen on the messages of ours, and --mail-to mails
// the digest through the instance's SMTP server, text with an HTML
// alternative.
func TestDigestMarkAndMail(t *testing.T) {
	srv := mailboxtest.Dovecot(t) // and Postfix, to mail the digest
	st := srv.Stack
	dir := sandbox(t)
	box := srv.NewBox(t, "INBOX")
	useIMAP(t, box)
	pw := filepath.Join(dir, "smtp-password")
	writeFile(t, pw, st.SMTPPassword+"\n")
	useSMTP(t, "katuma", fmt.Sprintf("[instances.katuma.smtp]\nhost = %q\nport = %d\ntls = \"starttls\"\nauth = \"plain\"\nusername = %q\npassword_file = %q\nca_file = %q\nreturn_path = \"bounces@katuma.test\"\n",
		st.SMTPHost, st.SMTPPort, st.SMTPUser, pw, st.CAFile))
	state := filepath.Join(dir, "ledger.db")
	seedLedger(t, state)
	box.Append(t, mailboxtest.Reply("mark", mailboxtest.Seeds[0].MessageID()), mailboxtest.Unrelated(1),
		mailboxtest.DMARCBounce(mailboxtest.Seeds[4].Address, mailboxtest.Seeds[4].MessageID(), "mail"))
	team := st.UniqueAddress(t, "katuma.test")

	code, out, stderr := digestCLI(t, state, "--instance", "katuma", "--mark", "--mail-to", team)
	if code != 0 || !strings.Contains(stderr, "digest mailed to "+team) {
		t.Fatalf("digest --mark --mail-to: exit %d\n%s\n%s", code, out, stderr)
	}
	snap := box.Snapshot(t)
	if !snap.Has(1, "$AnnounceSeen") || snap.Has(2, "$AnnounceSeen") {
		t.Errorf("flags after --mark = %v, want $AnnounceSeen on the reply (UID 1) only", snap.Flags)
	}
	raw := st.WaitForMessage(t, team, func(b []byte) bool { return bytes.Contains(b, []byte("digest.katuma.")) })
	for _, s := range []string{"multipart/alternative", "text/plain", "text/html", "Auto-Submitted: auto-generated", "Return-Path: <bounces@katuma.test>",
		"Subject: PROBLEM OF OURS (mail refused for our reasons)"} {
		if !bytes.Contains(raw, []byte(s)) {
			t.Errorf("mailed digest lacks %q:\n%s", s, raw)
		}
	}
}

// Bad input is refused before any connection: exit 2.
func TestDigestBadInput(t *testing.T) {
	sandbox(t)
	state := filepath.Join(t.TempDir(), "ledger.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "xml"}, "--format"},
		{[]string{"--since", "yesterday"}, "--since"},
		{[]string{"--mail-to", "Team <team@x.test>"}, "--mail-to"},
		{[]string{"--instance", "nowhere"}, "unknown instance"},
		{[]string{"--instance", "canada"}, "no [instances.canada.imap] section"},
		{[]string{"--instance", "katuma"}, "environment variable KATUMA_IMAP_PASSWORD is not set"},
	} {
		code, _, stderr := digestCLI(t, state, tc.args...)
		if code != exitInput || !strings.Contains(stderr, tc.want) {
			t.Errorf("digest %v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

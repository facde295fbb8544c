package support_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailbox"
	"github.com/openfoodfoundation/announce/internal/mailbox/mailboxtest"
	"github.com/openfoodfoundation/announce/internal/support"
)

func openLedger(t *testing.T) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func sync(t *testing.T, box *mailboxtest.Box, l *ledger.Ledger, opts support.SyncOptions) *support.SyncResult {
	t.Helper()
	ctx := t.Context()
	conn, err := mailbox.Dial(ctx, box.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	opts.Instance, opts.Mailbox = "katuma", box.Name
	if opts.Matcher == nil {
		opts.Matcher = mailboxtest.Matcher()
	}
	res, err := support.Sync(ctx, conn, l, opts)
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	return res
}

func got0(t *testing.T, l *ledger.Ledger) []ledger.InboxMessage {
	t.Helper()
	ms, err := l.InboxMessages(t.Context(), ledger.InboxSelection{Instance: "katuma"})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func unreported(t *testing.T, l *ledger.Ledger) ledger.InboxCounts {
	t.Helper()
	c, err := l.InboxCounts(t.Context(), ledger.InboxSelection{Instance: "katuma"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func report(t *testing.T, l *ledger.Ledger) {
	t.Helper()
	if err := l.MarkInboxReported(t.Context(), ledger.InboxSelection{Instance: "katuma"}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// The whole life of a support inbox: a first read finds every kind and
// suppresses the bounced addresses, changing nothing in the mailbox; a second
// finds nothing; one more message is exactly one; a recreated mailbox (a new
// UIDVALIDITY) is read again without counting anything twice.
func TestSyncSupportInbox(t *testing.T) { mailboxtest.ForEach(t, testSyncSupportInbox) }

func testSyncSupportInbox(t *testing.T, srv *mailboxtest.Server) {
	box := srv.NewBox(t, "Support")
	l := openLedger(t)
	mailboxtest.Seed(t, l)
	msgs, want := mailboxtest.Fixture(t)
	box.Append(t, msgs...)
	before := box.Snapshot(t)

	res := sync(t, box, l, support.SyncOptions{Batch: 7}) // several batches
	if res.Read != len(msgs) || res.New != len(msgs) || res.Resync {
		t.Errorf("first Sync read %d, recorded %d new, resync %v; want %d, %d, false", res.Read, res.New, res.Resync, len(msgs), len(msgs))
	}
	if res.Bodies >= len(msgs) || res.Bodies < len(msgs)-want.Unrelated-want.Untied {
		t.Errorf("first Sync fetched %d bodies of %d messages, want every related one and not the plainly unrelated", res.Bodies, len(msgs))
	}
	c := unreported(t, l)
	wantCounts := ledger.InboxCounts{Replies: want.Replies, AutoReplies: want.AutoReplies, HardBounces: want.HardBounces,
		SoftBounces: want.SoftBounces, Complaints: want.Complaints, Untied: want.Untied, Unrelated: want.Unrelated}
	if c != wantCounts {
		t.Errorf("counts = %+v, want %+v", c, wantCounts)
	}
	var suppressed []string
	for _, s := range res.Suppressed {
		suppressed = append(suppressed, s.Address)
		if s.Address == "fina@example.test" {
			if !strings.Contains(s.Reason, "complaint") {
				t.Errorf("suppression reason %q names no complaint", s.Reason)
			}
			continue
		}
		if !strings.Contains(s.Reason, "bounce") || !strings.Contains(s.Reason, " 5.") && !strings.Contains(s.Reason, " 4.") {
			t.Errorf("suppression reason %q names no bounce and status", s.Reason)
		}
	}
	slices.Sort(suppressed)
	if !slices.Equal(suppressed, want.Suppressed) {
		t.Errorf("suppressed %v, want %v", suppressed, want.Suppressed)
	}
	for _, a := range want.Suppressed {
		if ok, err := l.IsSuppressed(t.Context(), a); !ok || err != nil {
			t.Errorf("IsSuppressed(%s) = %v, %v, want true", a, ok, err)
		}
	}
	for _, a := range append(want.NotSuppressed, "pablo@huertaviva.test", "ana@example.test") {
		if ok, _ := l.IsSuppressed(t.Context(), a); ok {
			t.Errorf("%s is suppressed, want not (a sender-side rejection, soft bounces in one campaign, or a reply)", a)
		}
	}
	eva := slices.IndexFunc(got0(t, l), func(m ledger.InboxMessage) bool { return m.Address == "eva@example.test" })
	if eva < 0 || got0(t, l)[eva].Reason != "authfailure" {
		t.Errorf("Eva's DMARC bounce not recorded with reason authfailure")
	}
	got, err := l.InboxMessages(t.Context(), ledger.InboxSelection{Instance: "katuma"})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(got, func(m ledger.InboxMessage) bool { return m.Address == "ana@example.test" })
	if i < 0 {
		t.Fatalf("Ana's reply not recorded: %+v", got)
	}
	ana := got[i]
	if !strings.Contains(ana.Excerpt, want.ReplyText) || strings.Contains(ana.Excerpt, want.QuotedText) || strings.Contains(ana.Excerpt, "va escriure") {
		t.Errorf("Ana's reply text = %q, want %q without the quoted notice", ana.Excerpt, want.ReplyText)
	}
	if ana.Locale != want.ReplyLocale || ana.Notice != "announce" || ana.Campaign != mailboxtest.Campaign {
		t.Errorf("Ana's reply: locale %q, notice %q, campaign %q; want %q, announce, %s", ana.Locale, ana.Notice, ana.Campaign, want.ReplyLocale, mailboxtest.Campaign)
	}
	if diff := before.Diff(box.Snapshot(t)); diff != "" {
		t.Errorf("a read-only Sync changed the mailbox: %s", diff)
	}
	report(t, l)

	// Nothing new: nothing read.
	res = sync(t, box, l, support.SyncOptions{})
	if res.Read != 0 || res.New != 0 || len(res.Suppressed) != 0 {
		t.Errorf("second Sync read %d, recorded %d, suppressed %v; want nothing", res.Read, res.New, res.Suppressed)
	}
	if c := unreported(t, l); c != (ledger.InboxCounts{}) {
		t.Errorf("after the second Sync, unreported = %+v, want none", c)
	}

	// One more: exactly that one.
	one := mailboxtest.Reply("ana-again", mailboxtest.Seeds[0].MessageID())
	box.Append(t, one)
	res = sync(t, box, l, support.SyncOptions{})
	if res.Read != 1 || res.New != 1 {
		t.Errorf("after one APPEND, Sync read %d, recorded %d, want 1, 1", res.Read, res.New)
	}
	if c := unreported(t, l); c != (ledger.InboxCounts{Replies: 1}) {
		t.Errorf("after one APPEND, unreported = %+v, want one reply", c)
	}
	report(t, l)

	// A new UIDVALIDITY: everything is read again, nothing counted twice,
	// only the genuinely new message is new.
	box.Recreate(t)
	box.Append(t, append(append(msgs, one), mailboxtest.Unrelated(3))...)
	res = sync(t, box, l, support.SyncOptions{})
	if !res.Resync || res.Read != len(msgs)+2 || res.New != 1 || len(res.Suppressed) != 0 {
		t.Errorf("after recreating the mailbox, Sync resync %v, read %d, new %d, suppressed %v; want true, %d, 1, none",
			res.Resync, res.Read, res.New, res.Suppressed, len(msgs)+2)
	}
	if res.Bodies != 0 {
		t.Errorf("after recreating the mailbox, Sync fetched %d bodies of messages it knew, want 0", res.Bodies)
	}
	if c := unreported(t, l); c != (ledger.InboxCounts{Untied: 1}) {
		t.Errorf("after recreating the mailbox, unreported = %+v, want the one new invoice", c)
	}
	cp, ok, err := l.MailboxCheckpoint(t.Context(), "katuma", box.Name)
	if err != nil || !ok || cp.UIDValidity != res.Mailbox.UIDValidity || cp.LastUID != uint32(len(msgs)+2) {
		t.Errorf("checkpoint = %+v, %v, %v; want UIDVALIDITY %d, last UID %d", cp, ok, err, res.Mailbox.UIDValidity, len(msgs)+2)
	}
}

// A Sync that fails half-way leaves the checkpoint where it was; the next
// one reads everything again and counts each message once.
func TestSyncFailureKeepsCheckpoint(t *testing.T) {
	mailboxtest.ForEach(t, testSyncFailureKeepsCheckpoint)
}

func testSyncFailureKeepsCheckpoint(t *testing.T, srv *mailboxtest.Server) {
	box := srv.NewBox(t, "INBOX")
	l := openLedger(t)
	msgs, want := mailboxtest.Fixture(t)
	box.Append(t, msgs...)

	ctx, cancel := context.WithCancel(t.Context())
	conn, err := mailbox.Dial(ctx, box.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	calls := 0
	_, err = support.Sync(ctx, conn, l, support.SyncOptions{Instance: "katuma", Mailbox: box.Name, Batch: 5, Matcher: mailboxtest.Matcher(),
		Locale: func(string) string {
			if calls++; calls == 3 {
				cancel() // go-imap takes no context: this closes the connection
			}
			return ""
		}})
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("Sync cut short returned %v, want context.Canceled", err)
	}
	if _, ok, _ := l.MailboxCheckpoint(t.Context(), "katuma", box.Name); ok {
		t.Errorf("a failed Sync recorded a checkpoint")
	}
	res := sync(t, box, l, support.SyncOptions{})
	if res.Read != len(msgs) {
		t.Errorf("Sync after a failure read %d, want all %d", res.Read, len(msgs))
	}
	c := unreported(t, l)
	if c.Replies != want.Replies || c.HardBounces != want.HardBounces || c.SoftBounces != want.SoftBounces || c.Unrelated != want.Unrelated ||
		c.Untied != want.Untied || c.Complaints != want.Complaints {
		t.Errorf("counts after a failed and a good Sync = %+v, want each message once", c)
	}
}

// --mark stores the keyword on the messages of ours, and only on them.
func TestSyncMark(t *testing.T) { mailboxtest.ForEach(t, testSyncMark) }

func testSyncMark(t *testing.T, srv *mailboxtest.Server) {
	box := srv.NewBox(t, "INBOX")
	l := openLedger(t)
	box.Append(t, mailboxtest.Reply("m", mailboxtest.Seeds[0].MessageID()), mailboxtest.Unrelated(1),
		mailboxtest.Bounce("x@example.test", mailboxtest.Seeds[1].MessageID(), "m", true))
	res := sync(t, box, l, support.SyncOptions{Mark: "$AnnounceSeen"})
	if res.Marked != 2 {
		t.Errorf("marked %d, want 2", res.Marked)
	}
	snap := box.Snapshot(t)
	for uid, want := range map[uint32]bool{1: true, 2: false, 3: true} {
		if got := snap.Has(uid, "$AnnounceSeen"); got != want {
			t.Errorf("UID %d flags %q: keyword %v, want %v", uid, snap.Flags[uid], got, want)
		}
		if snap.Has(uid, `\Seen`) {
			t.Errorf("UID %d is \\Seen after --mark: %q", uid, snap.Flags[uid])
		}
	}
}

package ledger

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// A message with no reply to its end is held: never claimed again unless
// the owner asks, and listed.
func TestUncertain(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	k := testKey(1)
	enqueue(t, l, k, testKey(2))
	o := newOwner(t)
	mustClaim(t, l, k, o)
	mustDo(t, l.MarkUncertain(ctx, k, "smtp end of data: i/o timeout"))
	if got := stateOf(t, l, k); got != "uncertain" {
		t.Fatalf("state = %q, want uncertain", got)
	}
	if _, err := l.Claim(ctx, k, newOwner(t)); !errors.Is(err, ErrUncertain) {
		t.Errorf("Claim of an uncertain row = %v, want ErrUncertain", err)
	}
	res, err := l.ClaimBatch(ctx, []Key{k}, newOwner(t))
	if err != nil || !errors.Is(res[0].Err, ErrUncertain) {
		t.Errorf("ClaimBatch of an uncertain row = %+v, %v; want ErrUncertain", res, err)
	}
	c, err := l.Counts(ctx, Scope{})
	if err != nil || c.Uncertain != 1 || c.Pending != 1 || c.Total() != 2 {
		t.Errorf("Counts = %+v, %v; want 1 uncertain, 1 pending", c, err)
	}
	us, err := l.Uncertain(ctx, Scope{Campaign: k.Campaign})
	if err != nil || len(us) != 1 || us[0].Recipient != k.Recipient || us[0].Attempts != 1 || !strings.Contains(us[0].LastReply, "timeout") {
		t.Errorf("Uncertain = %+v, %v; want %s with its reason", us, err, k.Recipient)
	}
	again := newOwner(t)
	again.ResendUncertain = true
	cl, err := l.Claim(ctx, k, again)
	if err != nil || !cl.Uncertain || cl.MessageID != messageID(k) {
		t.Fatalf("Claim with ResendUncertain = %+v, %v; want the row, same Message-ID", cl, err)
	}
	mustDo(t, l.MarkSent(ctx, k, "250 ok"))
	if err := l.MarkUncertain(ctx, k, "late"); !errors.Is(err, ErrAlreadySent) || stateOf(t, l, k) != "sent" {
		t.Errorf("MarkUncertain of a sent row = %v (state %s), want ErrAlreadySent and sent", err, stateOf(t, l, k))
	}
}

// A row in flight at two crashes in a row is held as uncertain at the next
// claim, not sent a third time: HoldAfter bounds the copies.
func TestHoldAfterRepeatedCrashes(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	k := testKey(1)
	enqueue(t, l, k)
	dead := deadPID(t)
	crashed := func() Owner {
		o := newOwner(t)
		o.PID = dead
		return o
	}
	sends := 0
	for run := 1; run <= 5; run++ {
		c, err := l.Claim(ctx, k, crashed()) // a run that claims, sends, dies
		if errors.Is(err, ErrUncertain) {
			break
		}
		if err != nil {
			t.Fatalf("run %d: Claim: %v", run, err)
		}
		if run > 1 && !c.Resumed {
			t.Errorf("run %d: Claim not marked Resumed", run)
		}
		sends++
	}
	if sends != HoldAfter || stateOf(t, l, k) != "uncertain" {
		t.Errorf("sent %d times, state %s; want %d sends, then uncertain", sends, stateOf(t, l, k), HoldAfter)
	}
	us, err := l.Uncertain(ctx, Scope{})
	if err != nil || len(us) != 1 || us[0].Attempts != HoldAfter {
		t.Errorf("Uncertain = %+v, %v; want one row with %d unanswered claims", us, err, HoldAfter)
	}
	// Resent on request; a crash during that resend holds it again.
	o := crashed()
	o.ResendUncertain = true
	if _, err := l.Claim(ctx, k, o); err != nil {
		t.Fatalf("Claim with ResendUncertain: %v", err)
	}
	if _, err := l.Claim(ctx, k, newOwner(t)); !errors.Is(err, ErrUncertain) {
		t.Errorf("after a crashed resend: Claim = %v, want ErrUncertain", err)
	}
}

// A temporary failure between crashes does not reset the count: only a
// verdict from the server ends a claim answered.
func TestHoldCountsAcrossFailures(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	k := testKey(1)
	enqueue(t, l, k)
	dead := deadPID(t)
	o := newOwner(t)
	o.PID = dead
	mustClaim(t, l, k, o)           // crash 1
	mustClaim(t, l, k, newOwner(t)) // taken over: unanswered 1
	mustDo(t, l.MarkFailed(ctx, k, false, "451 try later"))
	o2 := newOwner(t)
	o2.PID = dead
	mustClaim(t, l, k, o2) // claimed again, crash 2
	if _, err := l.Claim(ctx, k, newOwner(t)); !errors.Is(err, ErrUncertain) {
		t.Errorf("Claim = %v, want ErrUncertain after two unanswered claims", err)
	}
}

func TestUnfail(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	a, b, c := testKey(1), testKey(2), testKey(3)
	enqueue(t, l, a, b, c)
	o := newOwner(t)
	for _, k := range []Key{a, b, c} {
		mustClaim(t, l, k, o)
	}
	mustDo(t, l.MarkFailed(ctx, a, false, "554 5.7.1 <a>: Relay access denied"))
	mustDo(t, l.MarkFailed(ctx, b, true, "550 5.1.1 user unknown"))
	mustDo(t, l.MarkSent(ctx, c, "250 ok"))
	mustDo(t, l.Unfail(ctx, []Key{a, b, c}))
	for k, want := range map[Key]string{a: "pending", b: "failed-perm", c: "sent"} {
		if got := stateOf(t, l, k); got != want {
			t.Errorf("%s: state %s, want %s", k.Recipient, got, want)
		}
	}
}

// A full disk is a *WriteError saying so, not a bare SQLite error.
func TestWriteErrorDiskFull(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	enqueue(t, l, testKey(0))
	var pages int
	if err := l.db.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// SQLite's own "database or disk is full" (SQLITE_FULL), as on a full
	// file system, without filling one.
	if _, err := l.db.Exec("PRAGMA max_page_count = " + strconv.Itoa(pages)); err != nil {
		t.Fatal(err)
	}
	_, err := l.Enqueue(ctx, items(testKeys(2000)))
	var we *WriteError
	if !errors.As(err, &we) || we.Reason != "disk full" || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Enqueue on a full ledger = %v, want a *WriteError (disk full)", err)
	}
	o := newOwner(t)
	mustClaim(t, l, testKey(0), o)
	// MarkSent changes a page in place and needs none; a long reply needs more.
	err = l.MarkSent(ctx, testKey(0), strings.Repeat("250 ok ", 20000))
	if !errors.As(err, &we) {
		t.Errorf("MarkSent on a full ledger = %v, want a *WriteError", err)
	}
}

func items(keys []Key) []Item {
	out := make([]Item, len(keys))
	for i, k := range keys {
		out[i] = Item{Key: k, Locale: "en", MessageID: messageID(k)}
	}
	return out
}

func TestSentTo(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	a, b := testKey(1), testKey(2)
	enqueue(t, l, a, b)
	o := newOwner(t)
	mustClaim(t, l, a, o)
	mustDo(t, l.MarkSent(ctx, a, "250 ok"))
	for _, tt := range []struct {
		id, addr string
		want     bool
	}{
		{messageID(a), a.Recipient, true},
		{strings.Trim(messageID(a), "<>"), strings.ToUpper(a.Recipient), true},
		{messageID(a), b.Recipient, false},             // a forged bounce: another address
		{messageID(b), b.Recipient, false},             // never sent
		{"<other@elsewhere.test>", a.Recipient, false}, // not ours
		{"", a.Recipient, false},
	} {
		if got, err := l.SentTo(ctx, tt.id, tt.addr); err != nil || got != tt.want {
			t.Errorf("SentTo(%q, %q) = %v, %v; want %v", tt.id, tt.addr, got, err, tt.want)
		}
	}
}

// Read-only commands read a ledger they cannot write: as a user without
// write permission on the file and its directory (a child process run as
// nobody when the test runs as root, since root ignores permissions).
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	if _, err := OpenReadOnly(ctx, filepath.Join(t.TempDir(), "missing.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenReadOnly of a missing file = %v, want fs.ErrNotExist", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "ledger.db")
	l := reopenNoCleanup(t, path)
	enqueue(t, l, testKey(1), testKey(2))
	mustDo(t, l.Suppress(ctx, "x@example.org", "asked", "operator"))
	mustDo(t, l.Close())

	if os.Getenv("LEDGER_RO_CHILD") == "" {
		bin := filepath.Join(dir, "ledger.test")
		copyFile(t, os.Args[0], bin)
		for _, p := range []string{filepath.Dir(dir), dir} {
			os.Chmod(p, 0o755)
		}
		os.Chmod(bin, 0o755)
		os.Chmod(path, 0o444)
		os.Chmod(dir, 0o555)
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		cmd := exec.Command(bin, "-test.run=^TestOpenReadOnlyChild$")
		cmd.Env = append(os.Environ(), "LEDGER_RO_CHILD="+path)
		if os.Getuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "read-only ok") {
			t.Fatalf("child: %v\n%s", err, out)
		}
	}
}

func TestOpenReadOnlyChild(t *testing.T) {
	path := os.Getenv("LEDGER_RO_CHILD")
	if path == "" {
		t.Skip("run by TestOpenReadOnly")
	}
	ctx := context.Background()
	if _, err := Open(ctx, path); err == nil {
		t.Fatalf("Open for writing succeeded: the test cannot tell read-only from writable")
	}
	l, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("OpenReadOnly: %v", err)
	}
	defer l.Close()
	c, err := l.Counts(ctx, Scope{})
	if err != nil || c.Pending != 2 {
		t.Fatalf("Counts = %+v, %v", c, err)
	}
	s, err := l.Suppressions(ctx)
	if err != nil || len(s) != 1 {
		t.Fatalf("Suppressions = %+v, %v", s, err)
	}
	if _, err := l.Uncertain(ctx, Scope{}); err != nil {
		t.Fatalf("Uncertain: %v", err)
	}
	// What dispatch.Status and status --failed read besides.
	if _, err := l.Failures(ctx, Scope{}); err != nil {
		t.Fatalf("Failures: %v", err)
	}
	if _, err := l.NoticeOutcomes(ctx, "c"); err != nil {
		t.Fatalf("NoticeOutcomes: %v", err)
	}
	if _, err := l.ForumPosts(ctx, "c"); err != nil {
		t.Fatalf("ForumPosts: %v", err)
	}
	t.Log("read-only ok")
	os.Stdout.WriteString("read-only ok\n")
}

func reopenNoCleanup(t *testing.T, path string) *Ledger {
	l, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func copyFile(t *testing.T, from, to string) {
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

// Rows claimed ahead and never reached by a dead run's worker were never
// sent: only the first row of its batch still sending counts as in flight.
func TestClaimAheadNotInFlight(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	keys := testKeys(4)
	enqueue(t, l, keys...)
	dead := deadPID(t)
	for crash := 1; crash <= 3; crash++ {
		o := newOwner(t)
		o.PID = dead
		res, err := l.ClaimBatch(ctx, keys, o)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res {
			switch {
			case i == 0 && crash == 3:
				if !errors.Is(r.Err, ErrUncertain) {
					t.Errorf("crash %d: %s = %v, want held: in flight at two crashes", crash, keys[i].Recipient, r.Err)
				}
			case r.Err != nil:
				t.Errorf("crash %d: %s = %v, want claimed", crash, keys[i].Recipient, r.Err)
			}
		}
	}
	for i, k := range keys[1:] {
		if got := stateOf(t, l, k); got != "sending" {
			t.Errorf("%s (batch position %d): state %s, want sending, never held", k.Recipient, i+1, got)
		}
	}
}

func TestRetryFailed(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	a, b, c := testKey(1), testKey(2), testKey(3)
	c.Notice = "other"
	enqueue(t, l, a, b, c)
	o := newOwner(t)
	for _, k := range []Key{a, b, c} {
		mustClaim(t, l, k, o)
	}
	mustDo(t, l.MarkFailed(ctx, a, true, "554 5.7.1 relay denied"))
	mustDo(t, l.MarkFailed(ctx, b, false, "451 later"))
	mustDo(t, l.MarkFailed(ctx, c, true, "554 5.7.1 relay denied"))
	n, err := l.RetryFailed(ctx, Scope{Notice: a.Notice})
	if err != nil || n != 1 {
		t.Fatalf("RetryFailed = %d, %v; want 1", n, err)
	}
	for k, want := range map[Key]string{a: "pending", b: "failed-temp", c: "failed-perm"} {
		if got := stateOf(t, l, k); got != want {
			t.Errorf("%s/%s: %s, want %s", k.Notice, k.Recipient, got, want)
		}
	}
	if cl := mustClaim(t, l, a, o); cl.MessageID != messageID(a) {
		t.Errorf("retried row claimed with Message-ID %q", cl.MessageID)
	}
}

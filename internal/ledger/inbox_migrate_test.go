package ledger

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// A ledger written before migration 6 keeps its inbox messages: an old
// "unrelated" row still counts as other mail, an old temporary bounce still
// counts towards repeats (it has no reason), and the new kinds and the
// reason can be written.
func TestMigrateInboxKinds(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, db, migrations[:5]); err != nil {
		t.Fatal(err)
	}
	for _, row := range []struct {
		key, kind, campaign string
		permanent           bool
	}{{"<a@x>", "unrelated", "", false}, {"<b@x>", "bounce", "c1", false}, {"<c@x>", "reply", "c1", false}} {
		if _, err := db.Exec(`INSERT INTO inbox_messages (instance, msg_key, mailbox, uidvalidity, uid, kind, campaign, address, permanent, date, seen_at)
VALUES ('katuma', ?1, 'INBOX', 1, 1, ?2, ?3, 'ana@example.test', ?4, 0, 0)`, row.key, row.kind, row.campaign, row.permanent); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	l := reopen(t, path)
	c, err := l.InboxCounts(ctx, InboxSelection{Instance: "katuma"})
	if err != nil || c != (InboxCounts{Unrelated: 1, SoftBounces: 1, Replies: 1}) {
		t.Errorf("InboxCounts after migration = %+v, %v", c, err)
	}
	by, err := l.RepeatBounces(ctx, "ana@example.test", []string{"mailboxfull"})
	if err != nil || by["c1"] != 1 {
		t.Errorf("RepeatBounces after migration = %v, %v, want the old temporary bounce", by, err)
	}
	if _, err := l.RecordInboxMessages(ctx, []InboxMessage{
		{Instance: "katuma", Key: "<d@x>", Mailbox: "INBOX", UIDValidity: 1, UID: 2, Kind: InboxComplaint, Campaign: "c1", Address: "bea@example.test", Reason: "complaint", Date: time.Now()},
		{Instance: "katuma", Key: "<e@x>", Mailbox: "INBOX", UIDValidity: 1, UID: 3, Kind: InboxOther, Date: time.Now()},
		{Instance: "katuma", Key: "<f@x>", Mailbox: "INBOX", UIDValidity: 1, UID: 4, Kind: InboxBounce, Campaign: "c2", Address: "ana@example.test", Permanent: true, Reason: "authfailure", Date: time.Now()},
	}); err != nil {
		t.Fatalf("record the new kinds: %v", err)
	}
	ms, err := l.InboxMessages(ctx, InboxSelection{Instance: "katuma"})
	if err != nil || len(ms) != 4 {
		t.Fatalf("InboxMessages = %d, %v; want the bounce, the reply, the complaint and the new bounce", len(ms), err)
	}
	if by, _ := l.RepeatBounces(ctx, "ana@example.test", []string{"mailboxfull"}); len(by) != 1 {
		t.Errorf("an authfailure bounce counts towards repeats: %v", by)
	}
}

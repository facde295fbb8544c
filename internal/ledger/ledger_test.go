package ledger

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// openTest opens a fresh ledger in a temporary directory.
func openTest(t testing.TB) (*Ledger, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ledger.db")
	return reopen(t, path), path
}

// reopen opens the ledger at path, as another process would.
func reopen(t testing.TB, path string) *Ledger {
	t.Helper()
	l, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return l
}

func newOwner(t testing.TB) Owner {
	t.Helper()
	o, err := NewOwner(DefaultLease)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// testKey is the i-th key of a test campaign.
func testKey(i int) Key {
	return Key{Campaign: "2026-05-upgrade", Notice: "t-7d", Instance: "uk", Recipient: fmt.Sprintf("user%d@example.org", i)}
}

func testKeys(n int) []Key {
	ks := make([]Key, n)
	for i := range ks {
		ks[i] = testKey(i)
	}
	return ks
}

func messageID(k Key) string {
	return "<" + k.String() + "@announce.test>"
}

func enqueue(t testing.TB, l *Ledger, keys ...Key) {
	t.Helper()
	items := make([]Item, len(keys))
	for i, k := range keys {
		items[i] = Item{Key: k, Locale: "en", MessageID: messageID(k)}
	}
	if _, err := l.Enqueue(context.Background(), items); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
}

// stateOf reads the stored state of k.
func stateOf(t testing.TB, l *Ledger, k Key) string {
	t.Helper()
	k = k.norm()
	var s string
	err := l.db.QueryRow(`SELECT state FROM deliveries
		WHERE campaign = ?1 AND notice = ?2 AND instance = ?3 AND recipient = ?4`, k.args()...).Scan(&s)
	if err != nil {
		t.Fatalf("state of %s: %v", k, err)
	}
	return s
}

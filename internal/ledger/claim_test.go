package ledger

import (
	"context"
	"errors"
	"testing"
)

func TestClaimStates(t *testing.T) {
	ctx := context.Background()
	k := testKey(1)
	for _, tc := range []struct {
		name      string
		before    func(t *testing.T, l *Ledger, o Owner) // after Enqueue
		wantErr   error
		wantState string // after the Claim under test
	}{
		{
			name:      "pending is claimed",
			before:    func(*testing.T, *Ledger, Owner) {},
			wantState: stateSending,
		},
		{
			name: "sent is never claimed again",
			before: func(t *testing.T, l *Ledger, o Owner) {
				mustClaim(t, l, k, o)
				mustDo(t, l.MarkSent(ctx, k, "250 2.0.0 Ok: queued as 1234"))
			},
			wantErr:   ErrAlreadySent,
			wantState: stateSent,
		},
		{
			name: "failed-temp is claimed again",
			before: func(t *testing.T, l *Ledger, o Owner) {
				mustClaim(t, l, k, o)
				mustDo(t, l.MarkFailed(ctx, k, false, "451 4.7.1 Try again later"))
			},
			wantState: stateSending,
		},
		{
			name: "failed-perm is not claimed",
			before: func(t *testing.T, l *Ledger, o Owner) {
				mustClaim(t, l, k, o)
				mustDo(t, l.MarkFailed(ctx, k, true, "550 5.1.1 No such user"))
			},
			wantErr:   ErrFailedPerm,
			wantState: stateFailedPerm,
		},
		{
			name: "suppressed address is not claimed",
			before: func(t *testing.T, l *Ledger, o Owner) {
				mustDo(t, l.Suppress(ctx, k.Recipient, "asked to be left alone", "operator"))
			},
			wantErr:   ErrSuppressed,
			wantState: stateSuppressed,
		},
		{
			name: "failed-temp of an address suppressed since is not claimed",
			before: func(t *testing.T, l *Ledger, o Owner) {
				mustClaim(t, l, k, o)
				mustDo(t, l.Suppress(ctx, k.Recipient, "hard bounce", "bounce")) // leaves sending alone
				mustDo(t, l.MarkFailed(ctx, k, false, "421 4.3.0 Busy"))
			},
			wantErr:   ErrSuppressed,
			wantState: stateSuppressed,
		},
		{
			name: "unsuppressed address is claimed",
			before: func(t *testing.T, l *Ledger, o Owner) {
				mustDo(t, l.Suppress(ctx, k.Recipient, "typo", "operator"))
				mustDo(t, l.Unsuppress(ctx, k.Recipient))
			},
			wantState: stateSending,
		},
		{
			name: "a run does not claim its own claim twice",
			before: func(t *testing.T, l *Ledger, o Owner) {
				mustClaim(t, l, k, o)
			},
			wantErr:   ErrClaimedByOther,
			wantState: stateSending,
		},
		{
			name: "another live run's claim is not taken",
			before: func(t *testing.T, l *Ledger, o Owner) {
				mustClaim(t, l, k, newOwner(t))
			},
			wantErr:   ErrClaimedByOther,
			wantState: stateSending,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, _ := openTest(t)
			o := newOwner(t)
			enqueue(t, l, k)
			tc.before(t, l, o)

			c, err := l.Claim(ctx, k, o)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Claim(%s) = %+v, %v, want error %v", k, c, err, tc.wantErr)
			}
			if err == nil && c.MessageID != messageID(k) {
				t.Errorf("Claim(%s).MessageID = %q, want %q", k, c.MessageID, messageID(k))
			}
			if got := stateOf(t, l, k); got != tc.wantState {
				t.Errorf("state after Claim = %q, want %q", got, tc.wantState)
			}
		})
	}
}

func TestClaimUnknownKey(t *testing.T) {
	l, _ := openTest(t)
	_, err := l.Claim(context.Background(), testKey(1), newOwner(t))
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("Claim of an unknown key: %v, want ErrNotFound", err)
	}
}

func TestClaimCountsAttempts(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	k, o := testKey(1), newOwner(t)
	enqueue(t, l, k)
	for want := 1; want <= 3; want++ {
		c := mustClaim(t, l, k, o)
		if c.Attempts != want || c.Resumed {
			t.Errorf("claim %d: Attempts = %d, Resumed = %v, want %d, false", want, c.Attempts, c.Resumed, want)
		}
		mustDo(t, l.MarkFailed(ctx, k, false, "451 later"))
	}
}

func TestMarkFailedKeepsSent(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	k := testKey(1)
	enqueue(t, l, k)
	mustClaim(t, l, k, newOwner(t))
	mustDo(t, l.MarkSent(ctx, k, "250 ok"))

	if err := l.MarkFailed(ctx, k, false, "421 late reply of a stolen claim"); !errors.Is(err, ErrAlreadySent) {
		t.Errorf("MarkFailed of a sent row: %v, want ErrAlreadySent", err)
	}
	if got := stateOf(t, l, k); got != stateSent {
		t.Errorf("state = %q, want %q", got, stateSent)
	}
}

func TestMarkUnknownKey(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	k := testKey(1)
	if err := l.MarkSent(ctx, k, "250 ok"); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkSent of an unknown key: %v, want ErrNotFound", err)
	}
	if err := l.MarkFailed(ctx, k, true, "550 no"); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkFailed of an unknown key: %v, want ErrNotFound", err)
	}
}

func TestEnqueueKeepsExistingRows(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	k := testKey(1)
	enqueue(t, l, k)

	// A rerun enqueues the same key with a freshly made Message-ID and a
	// differently cased address.
	again := k
	again.Recipient = "  User1@Example.ORG "
	added, err := l.Enqueue(ctx, []Item{{Key: again, Locale: "fr", MessageID: "<new@announce.test>"}})
	if err != nil || added != 0 {
		t.Fatalf("Enqueue of an existing key = %d, %v, want 0, nil", added, err)
	}
	c := mustClaim(t, l, again, newOwner(t))
	if c.MessageID != messageID(k) || c.Locale != "en" {
		t.Errorf("Claim = %+v, want the first Message-ID %q and locale en", c, messageID(k))
	}
}

func TestEnqueueBatches(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	keys := testKeys(2*enqueueBatch + 7)
	items := make([]Item, len(keys))
	for i, k := range keys {
		items[i] = Item{Key: k, MessageID: messageID(k)}
	}
	if err := l.Suppress(ctx, keys[3].Recipient, "bounced", "bounce"); err != nil {
		t.Fatal(err)
	}
	added, err := l.Enqueue(ctx, items)
	if err != nil || added != len(keys) {
		t.Fatalf("Enqueue(%d items) = %d, %v", len(keys), added, err)
	}
	c, err := l.Counts(ctx, Scope{Campaign: keys[0].Campaign})
	if want := (Counts{Pending: len(keys) - 1, Suppressed: 1}); err != nil || c != want {
		t.Errorf("Counts = %+v, %v, want %+v", c, err, want)
	}
}

func TestEnqueueIncompleteItem(t *testing.T) {
	noRecipient := testKey(1)
	noRecipient.Recipient = " "
	for _, tc := range []struct {
		name string
		item Item
	}{
		{"no Message-ID", Item{Key: testKey(1)}},
		{"no recipient", Item{Key: noRecipient, MessageID: "<x@announce.test>"}},
		{"no campaign", Item{Key: Key{Notice: "n", Instance: "i", Recipient: "a@b"}, MessageID: "<x@announce.test>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, _ := openTest(t)
			if added, err := l.Enqueue(context.Background(), []Item{tc.item}); err == nil {
				t.Errorf("Enqueue(%+v) = %d, nil, want an error", tc.item, added)
			}
		})
	}
}

func mustClaim(t *testing.T, l *Ledger, k Key, o Owner) Claim {
	t.Helper()
	c, err := l.Claim(context.Background(), k, o)
	if err != nil {
		t.Fatalf("Claim(%s): %v", k, err)
	}
	return c
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

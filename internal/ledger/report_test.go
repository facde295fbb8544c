package ledger

import (
	"context"
	"errors"
	"testing"
)

func TestCountsAndFailures(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	o := newOwner(t)
	keys := testKeys(7)
	other := Key{Campaign: "other", Notice: "t-1d", Instance: "fr", Recipient: "x@example.org"}
	enqueue(t, l, append(keys, other)...)

	mustClaim(t, l, keys[0], o)
	mustDo(t, l.MarkSent(ctx, keys[0], "250 ok"))
	mustClaim(t, l, keys[1], o)
	mustDo(t, l.MarkFailed(ctx, keys[1], false, "451 4.7.1 greylisted"))
	mustClaim(t, l, keys[2], o)
	mustDo(t, l.MarkFailed(ctx, keys[2], true, "550 5.1.1 <user2@example.org>: Recipient address rejected"))
	mustClaim(t, l, keys[3], o) // left sending
	mustDo(t, l.Suppress(ctx, keys[4].Recipient, "hard bounce", "bounce"))

	c, err := l.Counts(ctx, Scope{Campaign: keys[0].Campaign, Notice: keys[0].Notice, Instance: keys[0].Instance})
	want := Counts{Pending: 2, Sending: 1, Sent: 1, FailedTemp: 1, FailedPerm: 1, Suppressed: 1}
	if err != nil || c != want {
		t.Errorf("Counts = %+v, %v, want %+v", c, err, want)
	}
	if c, err := l.Counts(ctx, Scope{}); err != nil || c.Total() != len(keys)+1 {
		t.Errorf("Counts(all) = %+v, %v, want %d rows", c, err, len(keys)+1)
	}

	fs, err := l.Failures(ctx, Scope{Campaign: keys[0].Campaign})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 {
		t.Fatalf("Failures = %+v, want 2", fs)
	}
	for i, want := range []struct {
		key       Key
		permanent bool
		reply     string
	}{
		{keys[1], false, "451 4.7.1 greylisted"},
		{keys[2], true, "550 5.1.1 <user2@example.org>: Recipient address rejected"},
	} {
		f := fs[i]
		if f.Key != want.key || f.Permanent != want.permanent || f.LastReply != want.reply || f.Attempts != 1 || f.At.IsZero() {
			t.Errorf("Failures[%d] = %+v, want %s permanent=%v reply %q", i, f, want.key, want.permanent, want.reply)
		}
	}
}

func TestSuppressions(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	mustDo(t, l.Suppress(ctx, "B@Example.org", "asked", "operator"))
	mustDo(t, l.Suppress(ctx, "a@example.org", "550 5.1.1 unknown", "bounce"))
	mustDo(t, l.Suppress(ctx, "b@example.org", "asked twice", "operator")) // updates

	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"a@example.org", true},
		{"A@EXAMPLE.ORG", true},
		{"b@example.org", true},
		{"c@example.org", false},
	} {
		if got, err := l.IsSuppressed(ctx, tc.addr); err != nil || got != tc.want {
			t.Errorf("IsSuppressed(%q) = %v, %v, want %v", tc.addr, got, err, tc.want)
		}
	}

	ss, err := l.Suppressions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 2 || ss[0].Address != "a@example.org" || ss[1].Address != "b@example.org" ||
		ss[1].Reason != "asked twice" || ss[1].Source != "operator" || ss[0].Since.IsZero() {
		t.Errorf("Suppressions = %+v", ss)
	}

	mustDo(t, l.Unsuppress(ctx, "a@example.org"))
	if err := l.Unsuppress(ctx, "a@example.org"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Unsuppress of an address not suppressed: %v, want ErrNotFound", err)
	}
	if err := l.Suppress(ctx, " ", "x", "operator"); err == nil {
		t.Error("Suppress of an empty address succeeded")
	}
}

func TestSuppressMarksUnsentRows(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	o := newOwner(t)
	addr := "someone@example.org"
	var keys []Key
	for _, n := range []string{"sent", "pending", "failed-temp", "sending"} {
		keys = append(keys, Key{Campaign: "c", Notice: n, Instance: "uk", Recipient: addr})
	}
	enqueue(t, l, keys...)
	mustClaim(t, l, keys[0], o)
	mustDo(t, l.MarkSent(ctx, keys[0], "250 ok"))
	mustClaim(t, l, keys[2], o)
	mustDo(t, l.MarkFailed(ctx, keys[2], false, "451 later"))
	mustClaim(t, l, keys[3], o)

	mustDo(t, l.Suppress(ctx, addr, "hard bounce", "bounce"))
	for k, want := range map[Key]string{keys[0]: stateSent, keys[1]: stateSuppressed, keys[2]: stateSuppressed, keys[3]: stateSending} {
		if got := stateOf(t, l, k); got != want {
			t.Errorf("after Suppress: state of %s = %q, want %q", k.Notice, got, want)
		}
	}

	mustDo(t, l.Unsuppress(ctx, addr))
	for k, want := range map[Key]string{keys[0]: stateSent, keys[1]: statePending, keys[2]: statePending, keys[3]: stateSending} {
		if got := stateOf(t, l, k); got != want {
			t.Errorf("after Unsuppress: state of %s = %q, want %q", k.Notice, got, want)
		}
	}
}

package ledger

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRecordNotice(t *testing.T) {
	l, _ := openTest(t)
	ctx := context.Background()
	if _, ok, err := l.NoticeOutcome(ctx, "c", "announce", "katuma"); ok || err != nil {
		t.Fatalf("NoticeOutcome before any record = %v, %v; want none", ok, err)
	}
	steps := []struct{ state, want string }{
		{NoticeExpired, NoticeExpired},
		{NoticeSent, NoticeSent},    // sent by hand after all
		{NoticeExpired, NoticeSent}, // a sent notice stays sent
	}
	for _, s := range steps {
		if err := l.RecordNotice(ctx, "c", "announce", "katuma", s.state, "why"); err != nil {
			t.Fatal(err)
		}
		r, ok, err := l.NoticeOutcome(ctx, "c", "announce", "katuma")
		if !ok || err != nil || r.State != s.want {
			t.Errorf("after recording %s: state %q (%v, %v), want %q", s.state, r.State, ok, err, s.want)
		}
	}
	if err := l.RecordNotice(ctx, "c", "announce", "katuma", "half", ""); err == nil {
		t.Error("RecordNotice accepted an unknown state")
	}
}

func TestLock(t *testing.T) {
	l, path := openTest(t)
	ctx := context.Background()
	a, _ := NewOwner(time.Minute)
	b, _ := NewOwner(time.Minute)
	lk, err := l.AcquireLock(ctx, "send", "announce due", a)
	if err != nil {
		t.Fatal(err)
	}
	// A second run (another connection, as another process would have) is
	// told who holds it.
	l2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	_, err = l2.AcquireLock(ctx, "send", "announce due", b)
	var le *LockedError
	if !errors.As(err, &le) || le.Holder.Command != "announce due" || le.Holder.PID != a.PID {
		t.Fatalf("second AcquireLock = %v, want a LockedError naming the first run", err)
	}
	if err := lk.Release(); err != nil {
		t.Fatal(err)
	}
	lk2, err := l2.AcquireLock(ctx, "send", "announce due", b)
	if err != nil {
		t.Fatalf("AcquireLock after Release = %v", err)
	}
	lk2.Release()

	// A lock whose holder died (a PID that does not exist on this host) is
	// taken over at once; one whose lease ran out, too.
	dead := a
	dead.PID, dead.Run = 1<<22+12345, "dead-run"
	if _, err := l.db.Exec(`INSERT INTO locks VALUES ('send', ?1, ?2, ?3, ?4, 'announce due', 0, ?5)`,
		dead.Host, dead.Space, dead.PID, dead.Run, time.Now().Add(time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	lk3, err := l.AcquireLock(ctx, "send", "announce due", b)
	if err != nil {
		t.Fatalf("AcquireLock over a dead holder = %v", err)
	}
	lk3.Release()
	other := a
	other.Host, other.Run = "another-host", "remote-run"
	l.db.Exec(`INSERT INTO locks VALUES ('send', ?1, ?2, ?3, ?4, 'announce due', 0, ?5)`,
		other.Host, other.Space, other.PID, other.Run, time.Now().Add(-time.Second).UnixMilli())
	if lk4, err := l.AcquireLock(ctx, "send", "announce due", b); err != nil {
		t.Errorf("AcquireLock over an expired lease = %v", err)
	} else {
		lk4.Release()
	}
	l.db.Exec(`INSERT INTO locks VALUES ('send', ?1, ?2, ?3, ?4, 'announce due', 0, ?5)`,
		other.Host, other.Space, other.PID, other.Run, time.Now().Add(time.Hour).UnixMilli())
	if _, err := l.AcquireLock(ctx, "send", "announce due", b); !errors.As(err, &le) {
		t.Errorf("AcquireLock over a live remote lease = %v, want LockedError", err)
	}
}

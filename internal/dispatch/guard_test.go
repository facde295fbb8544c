package dispatch

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

// TestGuard: what the timing guard says of a send by hand of the shipped
// Katuma window (Tue 2019-05-07 09:00–11:00 CEST, at the latest 12:00) at
// each moment, with what the ledger says was sent.
func TestGuard(t *testing.T) {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, madrid)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	window := func(start string) ledger.Told {
		b := at(start)
		return ledger.Told{Notice: "announce", Start: b, End: b.Add(2 * time.Hour), Latest: b.Add(3 * time.Hour)}
	}
	tests := []struct {
		name      string
		notice    config.Notice
		now       string
		told      *ledger.Told // what readers were told (a reschedule, cancel)
		sent      []string     // notices recorded as sent
		cancelled bool
		refusal   string // "" when it may go
	}{
		{"announce at its moment", config.Announce, "2019-04-30 12:00", nil, nil, false, ""},
		{"announce a day early", config.Announce, "2019-04-29 12:00", nil, nil, false, ""},
		{"announce at night (quiet hours do not refuse)", config.Announce, "2019-04-30 23:30", nil, nil, false, ""},
		{"announce ten days early", config.Announce, "2019-04-20 09:00", nil, nil, false,
			"it is due Tue 2019-04-30 09:00 CEST, 10 days from now; by hand it may go from Tue 2019-04-23 09:00 CEST"},
		{"announce once the reminder carries the news", config.Announce, "2019-05-06 10:00", nil, nil, false,
			"its time is past: not sent before 2019-05-06 09:00 CEST (the reminder notice carries the news)"},
		{"reminder 13 days early", config.Reminder, "2019-04-23 09:00", nil, nil, false,
			"it is due Mon 2019-05-06 09:00 CEST, 13 days from now; by hand it may go from Tue 2019-04-30 09:00 CEST"},
		{"reminder after the announce's moment", config.Reminder, "2019-05-02 10:00", nil, nil, false, ""},
		{"reminder once the window began", config.Reminder, "2019-05-07 09:30", nil, nil, false,
			"its time is past: not sent before 2019-05-07 09:00 CEST"},
		{"start 30 minutes early", config.Start, "2019-05-07 08:30", nil, nil, false, ""},
		{"start 2 hours early", config.Start, "2019-05-07 07:00", nil, nil, false,
			"it is due Tue 2019-05-07 09:00 CEST, 2 hours from now; by hand it may go from Tue 2019-05-07 08:00 CEST"},
		{"start after the window", config.Start, "2019-05-07 11:30", nil, nil, false,
			"its time is past: not sent before 2019-05-07 11:00 CEST"},
		{"start after the done went out", config.Start, "2019-05-07 10:00", nil, []string{"done"}, false,
			"the done notice was already sent"},
		{"done when the work finished early", config.Done, "2019-05-07 10:15", nil, nil, false, ""},
		{"done before the window", config.Done, "2019-05-06 18:00", nil, nil, false,
			"it is due Tue 2019-05-07 12:00 CEST, 18 hours from now; by hand it may go from Tue 2019-05-07 09:00 CEST"},
		{"done two days late", config.Done, "2019-05-09 12:00", nil, nil, false,
			"its time is past: not sent before 2019-05-08 12:00 CEST"},
		{"announce of a cancelled window", config.Announce, "2019-04-30 12:00", nil, nil, true, "the window is cancelled"},
		{"reschedule to the same window", config.Reschedule, "2019-05-01 10:00", ptr(window("2019-05-07 09:00")), nil, false,
			"the window did not move: readers were told Tue 2019-05-07 09:00–11:00 (at the latest 12:00) CEST, as the schedule still says"},
		{"reschedule of a moved window", config.Reschedule, "2019-05-01 10:00", ptr(window("2019-05-14 09:00")), nil, false, ""},
		{"reschedule once the new window began", config.Reschedule, "2019-05-07 10:00", ptr(window("2019-05-14 09:00")), nil, false,
			"the new window already began (Tue 2019-05-07 09:00 CEST)"},
		{"reschedule of a cancelled window", config.Reschedule, "2019-05-01 10:00", ptr(window("2019-05-14 09:00")), nil, true,
			"the window is cancelled: the cancel notice tells readers"},
		{"cancel of a window still on", config.Cancel, "2019-05-01 10:00", ptr(window("2019-05-07 09:00")), nil, false,
			"../../config/schedule.toml does not cancel the window of katuma (cancelled = true)"},
		{"cancel of a cancelled window", config.Cancel, "2019-05-01 10:00", ptr(window("2019-05-07 09:00")), nil, true, ""},
		{"cancel after the window it calls off", config.Cancel, "2019-05-07 12:30", ptr(window("2019-05-07 09:00")), nil, true,
			"the window it calls off is over (it ended Tue 2019-05-07 12:00 CEST)"},
	}
	srv := mailertest.Start(t, mailertest.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			opts, _ := planFixture(t, srv, 2)
			opts.Notices, opts.Now = []config.Notice{tt.notice}, at(tt.now)
			w, _ := opts.Schedule.Window("katuma")
			w.Cancelled = tt.cancelled
			l := openLedger(t, filepath.Join(t.TempDir(), "l.db"))
			if tt.told != nil {
				if err := l.RecordTold(ctx, opts.Schedule.Campaign, "katuma", *tt.told); err != nil {
					t.Fatal(err)
				}
			}
			for _, n := range tt.sent {
				if err := l.RecordNotice(ctx, opts.Schedule.Campaign, n, "katuma", ledger.NoticeSent, ""); err != nil {
					t.Fatal(err)
				}
			}
			p, err := PlanNotices(ctx, l, opts)
			if err != nil {
				t.Fatal(err)
			}
			g := p.Notices[0].Guard
			if g.Refusal != tt.refusal {
				t.Errorf("Guard at %s = %q, want %q", tt.now, g.Refusal, tt.refusal)
			}
			if g.Timing == "" {
				t.Errorf("Guard has no Timing for the dry run")
			}
			// Execute refuses before it makes a client or takes the lock.
			err = p.Execute(ctx, ExecOptions{Clients: Clients{}, Command: "test"})
			var ref *RefusedError
			if got := errors.As(err, &ref); got != (tt.refusal != "") || (got && !strings.Contains(err.Error(), tt.refusal)) {
				t.Errorf("Execute = %v, want a RefusedError: %v", err, tt.refusal != "")
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// A forced run sends what the guard refused and records the override before
// the first message; an unforced one sends nothing.
func TestGuardForce(t *testing.T) {
	ctx := context.Background()
	srv := mailertest.Start(t, mailertest.Options{})
	opts, _ := planFixture(t, srv, 3)
	now := time.Date(2019, 4, 23, 7, 0, 0, 0, time.UTC) // the reminder is 13 days off
	opts.Notices, opts.Now = []config.Notice{config.Reminder}, now
	l := openLedger(t, filepath.Join(t.TempDir(), "l.db"))
	exec := ExecOptions{Clients: clientsFor(srv), Command: "announce --instance katuma --notice reminder", Now: func() time.Time { return now }}
	p, err := PlanNotices(ctx, l, opts)
	if err != nil {
		t.Fatal(err)
	}
	var ref *RefusedError
	if err := p.Execute(ctx, exec); !errors.As(err, &ref) || ref.Instance != "katuma" || ref.Notice != "reminder" {
		t.Fatalf("unforced Execute = %v, want a RefusedError", err)
	}
	if st := srv.Stats(); st.Connections != 0 {
		t.Errorf("a refused run connected %d times", st.Connections)
	}
	opts.Force = true
	if p, err = PlanNotices(ctx, l, opts); err != nil {
		t.Fatal(err)
	}
	if err := p.Execute(ctx, exec); err != nil {
		t.Fatalf("forced Execute: %v", err)
	}
	if n := srv.Stats().Accepted; n != 3 {
		t.Errorf("forced run: %d accepted, want 3", n)
	}
	ov, err := l.Overrides(ctx, opts.Schedule.Campaign)
	if err != nil || len(ov) != 1 || ov[0].Notice != "reminder" || ov[0].Instance != "katuma" || !ov[0].At.Equal(now) ||
		!strings.Contains(ov[0].Reason, "13 days from now") || ov[0].Command != exec.Command+" --force" {
		t.Errorf("Overrides = %+v, %v; want the reminder's, with the reason and the command", ov, err)
	}
}

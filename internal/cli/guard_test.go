package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

// runCLIAt runs announce as runCLI does, at now, with env added to the
// environment it sees (testEnv): no os.Setenv, so nothing leaks between tests.
func runCLIAt(t *testing.T, now time.Time, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Now: func() time.Time { return now },
		Getenv: func(k string) string {
			if v, ok := env[k]; ok {
				return v
			}
			return testGetenv(k)
		}, HTTPClient: testHTTP}
	code := run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// A send by hand follows due's timing rules: refused with the reason on one
// line, exit 2, nothing sent and no ledger made; the dry run says the same;
// --force sends and the ledger records it. Katuma's window is Tue 2019-05-07
// 09:00–11:00 CEST; its announce is due a week before.
func TestManualSendGuard(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	sandbox(t)
	useSMTP(t, "katuma", plainSMTP(srv))
	state := filepath.Join(t.TempDir(), "ledger.db")
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	send := func(notice string, more ...string) []string {
		return append([]string{"--instance", "katuma", "--notice", notice, "--yes", "--state", state}, more...)
	}
	early := at("2019-04-23T09:00:00+02:00") // the reminder is 13 days off
	const refusal = "announce: katuma reminder notice: refused: it is due Mon 2019-05-06 09:00 CEST, 13 days from now; by hand it may go from Tue 2019-04-30 09:00 CEST (nothing sent; --force sends it anyway and the ledger records it)\n"

	code, _, stderr := runCLIAt(t, early, nil, send("reminder")...)
	if code != exitInput || stderr != refusal {
		t.Errorf("reminder 13 days early: exit %d, stderr\n%s\nwant exit 2 and\n%s", code, stderr, refusal)
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("a refused first send made a ledger (%v)", err)
	}
	code, stdout, _ := runCLIAt(t, early, nil, send("reminder", "--dry-run")...)
	if code != 0 || !strings.Contains(stdout, "by hand:    refused now: it is due Mon 2019-05-06 09:00 CEST, 13 days from now") {
		t.Errorf("dry run: exit %d, does not say what the guard says:\n%s", code, stdout)
	}

	// The announce at its moment goes; a reschedule to the same window does not.
	onTime := at("2019-04-30T12:00:00+02:00")
	code, _, stderr = runCLIAt(t, onTime, nil, send("announce")...)
	if code != 0 || !strings.HasPrefix(stderr, "ledger: "+state+" (from --state), new: nothing was sent from it before\n") {
		t.Fatalf("announce on time: exit %d, stderr (want the new ledger named first):\n%s", code, stderr)
	}
	code, _, stderr = runCLIAt(t, onTime, nil, send("reschedule")...)
	if code != exitInput || !strings.Contains(stderr, "katuma reschedule-1 notice: refused: the window did not move: readers were told Tue 2019-05-07 09:00–11:00 (at the latest 12:00) CEST, as the schedule still says") {
		t.Errorf("unmoved reschedule: exit %d, %s", code, stderr)
	}
	// The start once the window is over; the announce past its catch-up limit.
	for _, tt := range []struct{ notice, now, want string }{
		{"start", "2019-05-07T11:30:00+02:00", "katuma start notice: refused: its time is past: not sent before 2019-05-07 11:00 CEST"},
		{"announce", "2019-05-06T10:00:00+02:00", "katuma announce notice: refused: its time is past: not sent before 2019-05-06 09:00 CEST (the reminder notice carries the news)"},
	} {
		code, _, stderr := runCLIAt(t, at(tt.now), nil, send(tt.notice)...)
		if code != exitInput || !strings.Contains(stderr, tt.want) {
			t.Errorf("%s at %s: exit %d, %s; want 2 and %q", tt.notice, tt.now, code, stderr, tt.want)
		}
	}
	if n := srv.Stats().Accepted; n != 13 {
		t.Fatalf("%d messages accepted, want the 13 announcements only", n)
	}

	// --force: sent, said, and recorded.
	code, _, stderr = runCLIAt(t, early, nil, send("reminder", "--force")...)
	if code != 0 || !strings.HasPrefix(stderr, "ledger: "+state+" (from --state)\n") || !strings.Contains(stderr, "katuma reminder notice: sending despite the timing guard (--force, recorded in the ledger): it is due Mon 2019-05-06 09:00 CEST, 13 days from now") {
		t.Errorf("forced reminder: exit %d, %s", code, stderr)
	}
	if n := srv.Stats().Accepted; n != 26 {
		t.Errorf("%d messages accepted after --force, want 26", n)
	}
	l, err := ledger.Open(context.Background(), state)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ov, err := l.Overrides(context.Background(), "ofn-v2-2019")
	if err != nil || len(ov) != 1 || ov[0].Notice != "reminder" || !ov[0].At.Equal(early) ||
		ov[0].Command != "announce --instance katuma --notice reminder --force" || !strings.Contains(ov[0].Reason, "13 days from now") {
		t.Errorf("overrides = %+v, %v; want the forced reminder", ov, err)
	}
	code, stdout, _ = runCLIAt(t, early, nil, "status", "--instance", "katuma", "--format", "json", "--state", state)
	if code != 0 || !strings.Contains(stdout, `"notice":"reminder"`) || !strings.Contains(stdout, `"forced":"it is due Mon 2019-05-06 09:00 CEST, 13 days from now`) {
		t.Errorf("status does not show the forced send: exit %d\n%s", code, stdout)
	}
}

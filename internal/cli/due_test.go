package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
	"github.com/openfoodfoundation/announce/internal/msgid"
	"github.com/openfoodfoundation/announce/internal/timing"
)

// dueSandbox points every shipped instance at srv and returns the state path.
func dueSandbox(t *testing.T, srv *mailertest.Server) string {
	t.Helper()
	sandbox(t)
	inst, err := config.LoadInstances("config/instances.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range inst.Keys() {
		useSMTP(t, k, strings.ReplaceAll(plainSMTP(srv), "katuma", k))
	}
	return filepath.Join(t.TempDir(), "ledger.db")
}

func newTestDue(t *testing.T, state string) *dueRunner {
	t.Helper()
	env := &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Now: time.Now,
		Getenv: testGetenv, HTTPClient: testHTTP}
	d, err := newDueRunner(context.Background(), env, &dueOptions{
		paths: &paths{instances: "config/instances.toml", schedule: "config/schedule.toml", templates: "templates", locales: "locales"},
		state: &stateFlag{path: state}, instance: "all",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.close)
	return d
}

// received is one message the sink accepted.
type received struct {
	instance, notice, to string
	date                 time.Time
}

func receivedMessages(t *testing.T, srv *mailertest.Server) []received {
	t.Helper()
	var out []received
	for _, m := range srv.Messages() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		id, ok := msgid.Parse(msg.Header.Get("Message-Id"))
		date, err := msg.Header.Date()
		if !ok || err != nil {
			t.Fatalf("message without our Message-ID or Date: %q %v", msg.Header.Get("Message-Id"), err)
		}
		out = append(out, received{instance: id.Instance, notice: id.Notice, to: strings.ToLower(m.To[0]), date: date})
	}
	return out
}

// Run due every 15 minutes across the whole example rollout, with two windows
// moved across DST changes: every notice reaches every recipient once, in
// order, at its local wall-clock moment, never in quiet hours, never late.
func TestDueSimulatedRollout(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	state := dueSandbox(t, srv)
	// The UK window right after Europe's spring change (announce in GMT, the
	// rest in BST) and the US one right after North America's.
	edit(t, "config/schedule.toml", "[windows.uk]\nstart = 2019-07-16T09:00:00", "[windows.uk]\nstart = 2019-04-02T09:00:00")
	edit(t, "config/schedule.toml", "[windows.us]\nstart = 2019-07-23T08:00:00", "[windows.us]\nstart = 2019-03-12T08:00:00")
	d := newTestDue(t, state)
	start := time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2019, 8, 3, 0, 0, 0, 0, time.UTC)
	runs := 0
	for now := start; now.Before(end); now = now.Add(15 * time.Minute) {
		if err := d.runAt(context.Background(), now); err != nil {
			t.Fatalf("due at %s: %v", now, err)
		}
		runs++
	}
	got := receivedMessages(t, srv)
	byKey := map[string][]received{}
	for _, r := range got {
		byKey[r.instance+" "+r.to] = append(byKey[r.instance+" "+r.to], r)
	}
	want := 0
	for _, key := range d.due.Keys {
		in := d.due.Instances.Instances[key]
		moments := map[string]timing.Moment{}
		for _, m := range timing.Moments(in, d.due.Schedule.Windows[key], d.due.Schedule) {
			moments[string(m.Notice)] = m
		}
		rows, _ := os.ReadFile(in.Recipients)
		for _, line := range strings.Split(strings.TrimSpace(string(rows)), "\n")[1:] {
			to := strings.ToLower(strings.Split(line, ",")[0])
			want += 4
			msgs := byKey[key+" "+to]
			sort.Slice(msgs, func(i, j int) bool { return msgs[i].date.Before(msgs[j].date) })
			var order []string
			for _, m := range msgs {
				order = append(order, m.notice)
				mo := moments[m.notice]
				local := m.date.In(in.Location())
				if m.date.Before(mo.Due) || !m.date.Before(mo.Due.Add(15*time.Minute)) || !m.date.Before(mo.Until) {
					t.Errorf("%s %s to %s sent %s; due %s, valid until %s", key, m.notice, to, local, mo.Due.In(in.Location()), mo.Until.In(in.Location()))
				}
				if (m.notice == "announce" || m.notice == "reminder") && in.QuietHoursOrDefault().Contains(local) {
					t.Errorf("%s %s to %s sent in quiet hours at %s", key, m.notice, to, local)
				}
			}
			if strings.Join(order, ",") != "announce,reminder,start,done" {
				t.Errorf("%s to %s received %v, want announce,reminder,start,done once each", key, to, order)
			}
		}
	}
	if len(got) != want {
		t.Errorf("sink received %d messages, want %d", len(got), want)
	}
	// Local wall-clock moments across DST: the UK announce at 09:00 GMT, its
	// reminder at 09:00 BST; the US announce at 08:00 CST, reminder 08:00 CDT.
	for _, c := range []struct{ instance, notice, want string }{
		{"uk", "announce", "2019-03-26 09:00 GMT"}, {"uk", "reminder", "2019-04-01 09:00 BST"},
		{"us", "announce", "2019-03-05 08:00 CST"}, {"us", "reminder", "2019-03-11 08:00 CDT"},
		{"australia", "reminder", "2019-07-30 08:00 AEST"}, // 21:00 the day before is in quiet hours
	} {
		for _, r := range got {
			if r.instance == c.instance && r.notice == c.notice {
				if s := r.date.In(d.due.Instances.Instances[c.instance].Location()).Format("2006-01-02 15:04 MST"); s != c.want {
					t.Errorf("%s %s sent at %s, want %s", c.instance, c.notice, s, c.want)
				}
				break
			}
		}
	}
	t.Logf("%d runs, %d messages", runs, len(got))
}

// No runs for days, then one: what is still valid goes out, a stale announce
// is skipped as expired, nothing goes out twice.
func TestDueAfterDowntime(t *testing.T) {
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name       string
		runs       []string
		wantKatuma []string // notices Katuma's first recipient got, in order
	}{
		{"announce sent, then two days of downtime before the window", []string{"2019-04-30T07:00:00Z", "2019-05-04T12:00:00Z", "2019-05-06T12:00:00Z", "2019-05-06T12:15:00Z"}, []string{"announce", "reminder"}},
		{"down from before the announce until the day before", []string{"2019-04-29T12:00:00Z", "2019-05-06T12:00:00Z"}, []string{"reminder"}},
		{"down until the window is over: start expired, done still valid", []string{"2019-04-29T12:00:00Z", "2019-05-07T12:30:00Z"}, []string{"done"}},
		{"down until two days after: nothing at all", []string{"2019-04-29T12:00:00Z", "2019-05-09T12:00:00Z"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
			d := newTestDue(t, dueSandbox(t, srv))
			d.due.Keys = []string{"katuma"}
			for _, r := range tt.runs {
				if err := d.runAt(context.Background(), at(r)); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, r := range receivedMessages(t, srv) {
				if r.to == "montse@hortdelbaix.test" {
					got = append(got, r.notice)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.wantKatuma) {
				t.Errorf("received %v, want %v", got, tt.wantKatuma)
			}
			if n := len(receivedMessages(t, srv)); n != 13*len(tt.wantKatuma) {
				t.Errorf("sink got %d messages, want %d (13 recipients × %d)", n, 13*len(tt.wantKatuma), len(tt.wantKatuma))
			}
		})
	}
}

// A "done" sent by hand (the deploy finished early) is not sent again by due,
// and the start notice it overtook is not sent after it.
func TestDoneByHandThenDue(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	state := dueSandbox(t, srv)
	// The test's clock (fixedNow) is a week before the window: --force.
	if code, out, errs := runCLI(t, "--instance", "katuma", "--notice", "done", "--yes", "--force", "--state", state); code != 0 {
		t.Fatalf("manual done: %d %s %s", code, out, errs)
	}
	code, stdout, _ := runCLI(t, "due", "--now", "2019-05-07T10:30:00Z", "--state", state, "--instance", "katuma")
	if code != 0 || !strings.Contains(stdout, "katuma start notice (due 2019-05-07 09:00 CEST): expired, not sent: the done notice was already sent") {
		t.Errorf("due after a manual done: exit %d\n%s", code, stdout)
	}
	n := 0
	for _, r := range receivedMessages(t, srv) {
		if r.notice == "done" {
			n++
		}
		if r.notice == "start" {
			t.Errorf("start sent after done")
		}
	}
	if n != 13 {
		t.Errorf("done sent %d times, want 13 (once per recipient)", n)
	}
}

// Two due processes started together: one sends, the other says who holds
// the lock and exits 0. A lock left by a killed run does not block the next.
func TestDueLock(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS, SlowAt: mailertest.EndOfData, SlowFor: 150 * time.Millisecond})
	state := dueSandbox(t, srv)
	args := []string{"due", "--now", "2019-05-06T12:00:00Z", "--state", state, "--instance", "katuma"}
	a, outA := child(t, args...)
	b, outB := child(t, args...)
	errA, errB := a.Wait(), b.Wait()
	if errA != nil || errB != nil {
		t.Fatalf("exit: %v / %v\n%s\n%s", errA, errB, outA, outB)
	}
	locked := 0
	for _, out := range []string{outA.String(), outB.String()} {
		if strings.Contains(out, "another run holds the lock: \"announce due\" (pid ") {
			locked++
		}
	}
	if locked != 1 {
		t.Errorf("%d runs reported the lock, want exactly 1\n--- A\n%s\n--- B\n%s", locked, outA, outB)
	}
	if n := len(srv.Messages()); n != 13 {
		t.Errorf("sink got %d messages, want 13 (each recipient once)", n)
	}

	// Kill a run mid-send; the next run is not locked out and finishes.
	args[2] = "2019-05-07T07:05:00Z" // the start notice
	c, out := child(t, args...)
	for len(srv.Messages()) < 14 {
		time.Sleep(5 * time.Millisecond)
	}
	c.Process.Signal(syscall.SIGKILL)
	c.Wait()
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 || strings.Contains(stderr, "holds the lock") {
		t.Fatalf("run after a killed one: exit %d\n%s%s\nkilled run said:\n%s", code, stdout, stderr, out)
	}
	starts := map[string]int{}
	for _, r := range receivedMessages(t, srv) {
		if r.notice == "start" {
			starts[r.to]++
		}
	}
	if len(starts) != 13 {
		t.Errorf("start reached %d recipients, want 13", len(starts))
	}
	for to, n := range starts {
		if n > 1+4 {
			t.Errorf("%s got start %d times", to, n)
		}
	}
}

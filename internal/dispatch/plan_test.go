package dispatch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailer"
	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
	"github.com/openfoodfoundation/announce/internal/render"
)

// planFixture is the shipped Katuma, with n recipients of its own and its
// SMTP server pointed at srv.
func planFixture(t *testing.T, srv *mailertest.Server, n int) (PlanOptions, []string) {
	t.Helper()
	r, err := render.New(os.DirFS("../../templates"), "templates", os.DirFS("../../locales"), "locales")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := config.LoadInstances("../../config/instances.toml")
	if err != nil {
		t.Fatal(err)
	}
	sched, err := config.LoadSchedule("../../config/schedule.toml", inst)
	if err != nil {
		t.Fatal(err)
	}
	in := inst.Instances["katuma"]
	path, addrs := recipientsFile(t, n)
	in.Recipients = path
	in.Forum = nil
	in.SMTP = &config.SMTP{Host: srv.Host, Port: srv.Port}
	return PlanOptions{Instances: inst, Schedule: sched, Renderer: r, Keys: []string{"katuma"}, Notices: []config.Notice{config.Announce}}, addrs
}

func clientsFor(srv *mailertest.Server) Clients {
	cfg := mailer.Config{Host: srv.Host, Port: srv.Port, TLS: "starttls", RootCAs: srv.RootCAs(), Timeout: 300 * time.Millisecond}
	return Clients{Mailer: func(*config.Instance) (Mailer, error) {
		return Mailer{New: func() Sender { return mailer.NewClient(cfg) }, Workers: 2}, nil
	}}
}

// The dry run is the plan previewed and the send the same plan executed:
// the preview writes the very bytes the server then receives; executing
// records the notice's outcome and the window its readers were told; a
// reschedule is then planned for exactly those told.
func TestPlanPreviewExecute(t *testing.T) {
	ctx := context.Background()
	srv := mailertest.Start(t, mailertest.Options{})
	opts, addrs := planFixture(t, srv, 6)
	now := time.Date(2019, 4, 30, 10, 0, 0, 0, time.UTC)
	opts.Now = now

	// Without a ledger: nothing happened yet, and nothing can be executed.
	dry, err := PlanNotices(ctx, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(dry.Notices) != 1 || dry.Notices[0].Census.Total != 6 || dry.Notices[0].AlreadySent != 0 || !dry.Notices[0].Email {
		t.Fatalf("plan = %+v", dry.Notices)
	}
	if err := dry.Execute(ctx, ExecOptions{Clients: clientsFor(srv)}); err == nil {
		t.Errorf("a plan without a ledger executed")
	}
	out := filepath.Join(t.TempDir(), "out")
	pv, err := dry.Preview(ctx, PreviewOptions{Now: now, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if pv.Notices[0].Messages != 6 || len(pv.Notices[0].Samples) != 2 {
		t.Errorf("preview built %d messages, %d samples; want 6 and 2 (ca, es)", pv.Notices[0].Messages, len(pv.Notices[0].Samples))
	}
	if _, err := os.Stat(filepath.Join(out, "katuma", "announce", "forum.md")); err != nil {
		t.Errorf("no forum.md: %v", err)
	}

	l := openLedger(t, filepath.Join(t.TempDir(), "l.db"))
	p, err := PlanNotices(ctx, l, opts)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var events []string
	confirmed := false
	err = p.Execute(ctx, ExecOptions{Clients: clientsFor(srv), Command: "test", Now: func() time.Time { return now },
		Confirm: func(context.Context, *Plan) error { confirmed = true; return nil },
		Report: func(e Event) {
			mu.Lock()
			defer mu.Unlock()
			switch e := e.(type) {
			case SendStarted:
				events = append(events, "started")
			case SendFinished:
				events = append(events, "finished")
				if e.Summary.Counts[Sent] != 6 {
					t.Errorf("summary = %v, want 6 sent", e.Summary.Counts)
				}
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if !confirmed || strings.Join(events, ",") != "started,finished" {
		t.Errorf("confirmed %v, events %v", confirmed, events)
	}
	// What the preview wrote is what the server got.
	got := map[string][]byte{}
	for _, m := range srv.Messages() {
		got[m.To[0]] = m.Data
	}
	for i, a := range addrs {
		name := fmt.Sprintf("%06d-%s.eml", i+2, unsafeName.ReplaceAllString(a, "_")) // line 1 is the header
		want, err := os.ReadFile(filepath.Join(out, "katuma", "announce", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[a], want) {
			t.Errorf("%s: the server got other bytes than the dry run wrote:\n%s\n---\n%s", a, got[a], want)
		}
	}
	rec, ok, err := l.NoticeOutcome(ctx, opts.Schedule.Campaign, "announce", "katuma")
	if err != nil || !ok || rec.State != ledger.NoticeSent {
		t.Errorf("notice outcome = %+v, %v, %v; want sent", rec, ok, err)
	}
	told, _, ok, err := l.LastTold(ctx, opts.Schedule.Campaign, "katuma")
	w, _ := opts.Schedule.Window("katuma")
	if err != nil || !ok || told.Notice != "announce" || !told.Same(w.Begin(), w.End(), w.LatestEnd()) {
		t.Errorf("told = %+v, %v, %v; want the announce's window", told, ok, err)
	}

	// A newcomer joins; a reschedule goes to the six who were told.
	f, _ := os.OpenFile(opts.Instances.Instances["katuma"].Recipients, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("nou@example.test,Nou,ca\n")
	f.Close()
	again, err := PlanNotices(ctx, l, opts)
	if err != nil || again.Notices[0].AlreadySent != 6 {
		t.Fatalf("replan: %v, %+v; want 6 already sent", err, again)
	}
	opts.Notices = []config.Notice{config.Reschedule}
	rs, err := PlanNotices(ctx, l, opts)
	if err != nil {
		t.Fatal(err)
	}
	np := rs.Notices[0]
	if len(np.Only) != 6 || np.Only["nou@example.test"] || np.Job().Seq != 1 || np.Job().Previous == nil {
		t.Errorf("reschedule plan: only %v, seq %d, previous %v", np.Only, np.Job().Seq, np.Job().Previous)
	}
	pv, err = rs.Preview(ctx, PreviewOptions{Now: now})
	if err != nil || pv.Notices[0].Messages != 6 {
		t.Errorf("reschedule preview: %v, %d messages; want 6", err, pv.Notices[0].Messages)
	}
	// Without a ledger nobody was told: a change has nothing to correct.
	var in *InputError
	if _, err := PlanNotices(ctx, nil, opts); !errors.As(err, &in) || !strings.Contains(err.Error(), "nobody was told") {
		t.Errorf("reschedule without a ledger: %v, want an InputError saying nobody was told", err)
	}
}

package cli

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"

	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

// dueEvery runs due every 15 minutes from `from` to `to` (RFC 3339).
func dueEvery(t *testing.T, d *dueRunner, from, to string) {
	t.Helper()
	a, _ := time.Parse(time.RFC3339, from)
	b, _ := time.Parse(time.RFC3339, to)
	for now := a; now.Before(b); now = now.Add(15 * time.Minute) {
		if err := d.runAt(context.Background(), now); err != nil {
			t.Fatalf("due at %s: %v", now, err)
		}
	}
}

func bodies(srv *mailertest.Server, notice string) map[string]string {
	out := map[string]string{}
	for _, m := range srv.Messages() {
		if strings.Contains(string(m.Data), "."+notice+".katuma.") {
			out[strings.ToLower(m.To[0])] = string(m.Data)
		}
	}
	return out
}

// The window moves a week after the announce went out: due tells exactly
// those who were told, once, with both times in their language; the
// reminder then goes out for the new date only.
func TestRescheduleAfterAnnounce(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	state := dueSandbox(t, srv)
	d := newTestDue(t, state)
	d.due.Keys = []string{"katuma"}
	dueEvery(t, d, "2019-04-30T06:00:00Z", "2019-04-30T08:00:00Z")
	if n := len(bodies(srv, "announce")); n != 13 {
		t.Fatalf("announce reached %d, want 13", n)
	}
	// A newcomer who was never told, and the window moves a week.
	b, _ := os.ReadFile("recipients/katuma.csv")
	os.WriteFile("recipients/katuma.csv", append(b, []byte("nou@example.test,Nou Usuari,ca,shopper\n")...), 0o644)
	edit(t, "config/schedule.toml", "start = 2019-05-07T09:00:00", "start = 2019-05-14T09:00:00")
	d = newTestDue(t, state)
	d.due.Keys = []string{"katuma"}
	dueEvery(t, d, "2019-05-01T10:00:00Z", "2019-05-16T00:00:00Z")

	re := bodies(srv, "reschedule")
	if len(re) != 13 || re["nou@example.test"] != "" {
		t.Errorf("reschedule reached %d recipients (newcomer: %v), want the 13 told", len(re), re["nou@example.test"] != "")
	}
	n := 0
	for _, m := range srv.Messages() {
		if strings.Contains(string(m.Data), ".reschedule.katuma.") {
			n++
		}
	}
	if n != 13 {
		t.Errorf("%d reschedule messages, want exactly 13 (once each)", n)
	}
	for to, want := range map[string][]string{
		"montse@hortdelbaix.test": {"Canvi de data: el manteniment de Katuma passa al dimarts, 14 de maig del 2019",
			"previst per al dimarts, 7 de maig del 2019 (9:00=E2=80=9311:00 CEST) s=E2=80=99ha traslladat al dimarts, 14 de maig del 2019"},
		"ana.garcia@example.test": {"Cambio de fecha: el mantenimiento de Katuma pasa al martes, 14 de mayo de 2019",
			"previsto para el martes, 7 de mayo de 2019 (9:00=E2=80=9311:00 CEST) se ha trasladado al martes, 14 de mayo de 2019"},
	} {
		body := strings.ReplaceAll(re[to], "=\r\n", "")
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s's reschedule lacks %q", to, w)
			}
		}
	}
	rem := receivedMessages(t, srv)
	for _, r := range rem {
		if r.notice == "reminder" {
			if got := r.date.In(d.due.Instances.Instances["katuma"].Location()).Format("2006-01-02 15:04"); got != "2019-05-13 09:00" {
				t.Errorf("reminder sent at %s, want only for the new date (2019-05-13 09:00)", got)
			}
		}
	}
	if len(bodies(srv, "reminder")) != 14 {
		t.Errorf("reminder reached %d, want all 14 (the newcomer too)", len(bodies(srv, "reminder")))
	}
	// The calendar follows: the same event (UID), a higher SEQUENCE, the new time.
	a := calendarOf(t, bodies(srv, "announce")["montse@hortdelbaix.test"])
	r := calendarOf(t, re["montse@hortdelbaix.test"])
	rem2 := calendarOf(t, bodies(srv, "reminder")["montse@hortdelbaix.test"])
	if a.uid == "" || a.uid != r.uid || r.uid != rem2.uid {
		t.Errorf("UIDs differ: announce %q, reschedule %q, reminder %q", a.uid, r.uid, rem2.uid)
	}
	if a.seq != "0" || r.seq != "1" || rem2.seq != "1" || r.method != "PUBLISH" {
		t.Errorf("SEQUENCE announce %s, reschedule %s, reminder %s (method %s); want 0, 1, 1, PUBLISH", a.seq, r.seq, rem2.seq, r.method)
	}
	if a.start != "20190507T090000" || r.start != "20190514T090000" {
		t.Errorf("DTSTART announce %s, reschedule %s", a.start, r.start)
	}
}

// A cancelled window: those told get one cancel notice, nothing else goes out.
func TestCancelAfterAnnounce(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	state := dueSandbox(t, srv)
	d := newTestDue(t, state)
	d.due.Keys = []string{"katuma"}
	dueEvery(t, d, "2019-04-30T06:00:00Z", "2019-04-30T08:00:00Z")
	edit(t, "config/schedule.toml", "start = 2019-05-07T09:00:00", "start = 2019-05-07T09:00:00\ncancelled = true")
	d = newTestDue(t, state)
	d.due.Keys = []string{"katuma"}
	dueEvery(t, d, "2019-05-01T10:00:00Z", "2019-05-09T00:00:00Z")
	if n := len(bodies(srv, "cancel")); n != 13 {
		t.Errorf("cancel reached %d, want 13", n)
	}
	for _, r := range receivedMessages(t, srv) {
		if r.notice != "announce" && r.notice != "cancel" {
			t.Errorf("%s sent after the cancellation", r.notice)
		}
	}
	if len(srv.Messages()) != 26 {
		t.Errorf("%d messages, want 13 announce + 13 cancel", len(srv.Messages()))
	}
	body := strings.ReplaceAll(bodies(srv, "cancel")["montse@hortdelbaix.test"], "=\r\n", "")
	if !strings.Contains(body, "s=E2=80=99ha cancel=C2=B7lat") {
		t.Errorf("Catalan cancel text missing:\n%s", body)
	}
	a := calendarOf(t, bodies(srv, "announce")["montse@hortdelbaix.test"])
	c := calendarOf(t, bodies(srv, "cancel")["montse@hortdelbaix.test"])
	if c.uid != a.uid || c.seq != "1" || c.method != "CANCEL" || c.status != "CANCELLED" {
		t.Errorf("cancel calendar = %+v, want UID %s, SEQUENCE 1, METHOD CANCEL, STATUS CANCELLED", c, a.uid)
	}
}

// A change before anyone was told sends nothing extra.
func TestChangeBeforeAnyoneWasTold(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	state := dueSandbox(t, srv)
	edit(t, "config/schedule.toml", "start = 2019-05-07T09:00:00", "start = 2019-05-14T09:00:00")
	d := newTestDue(t, state)
	d.due.Keys = []string{"katuma"}
	dueEvery(t, d, "2019-04-29T00:00:00Z", "2019-05-08T00:00:00Z")
	for _, r := range receivedMessages(t, srv) {
		if r.notice != "announce" {
			t.Errorf("%s sent", r.notice)
		}
	}
	if len(srv.Messages()) != 13 {
		t.Errorf("%d messages, want the 13 announcements of the new date", len(srv.Messages()))
	}
	code, _, stderr := runCLI(t, "--instance", "belgium", "--notice", "reschedule", "--dry-run", "--state", state)
	if code != exitInput || !strings.Contains(stderr, "nobody was told of a window yet") {
		t.Errorf("manual reschedule with nothing told: exit %d, %q", code, stderr)
	}
}

type calInfo struct{ uid, seq, method, status, start string }

// calendarOf finds the text/calendar part of a raw message, checks that it
// parses as iCalendar, and returns its key properties.
func calendarOf(t *testing.T, raw string) calInfo {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("no text/calendar part: %v", err)
		}
		if !strings.HasPrefix(p.Header.Get("Content-Type"), "text/calendar") {
			continue
		}
		data, _ := io.ReadAll(quotedprintable.NewReader(p))
		cal, err := ical.ParseCalendar(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("calendar does not parse: %v\n%s", err, data)
		}
		ev := cal.Events()[0]
		get := func(p ical.ComponentProperty) string {
			if v := ev.GetProperty(p); v != nil {
				return v.Value
			}
			return ""
		}
		method := ""
		for _, p := range cal.CalendarProperties {
			if p.IANAToken == "METHOD" {
				method = p.Value
			}
		}
		return calInfo{uid: get(ical.ComponentPropertyUniqueId), seq: get(ical.ComponentPropertySequence), method: method,
			status: get(ical.ComponentPropertyStatus), start: get(ical.ComponentPropertyDtStart)}
	}
}

package ics

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"
	"github.com/google/uuid"

	"github.com/openfoodfoundation/announce/internal/config"
)

var stamp = time.Date(2019, 4, 30, 10, 0, 0, 0, time.UTC)

// The shipped rollout: one event per window, each at its exact instants as
// a client reading only the file (and its VTIMEZONEs) sees them.
func TestRolloutShipped(t *testing.T) {
	root, _ := filepath.Abs("../..")
	inst, err := config.LoadInstances(filepath.Join(root, "config/instances.toml"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := config.LoadSchedule(filepath.Join(root, "config/schedule.toml"), inst)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteRollout(&b, inst, s, RolloutOptions{Stamp: stamp}); err != nil {
		t.Fatal(err)
	}
	cal := parse(t, b.Bytes())
	evs := cal.Events()
	if len(evs) != len(s.Windows) {
		t.Fatalf("%d events, want one per window (%d)", len(evs), len(s.Windows))
	}
	seen := map[string]bool{}
	for _, ev := range evs {
		uid := ev.Id()
		var key string
		for k := range s.Windows {
			if PlanUID(s.Campaign, k) == uid {
				key = k
			}
			if UID(s.Campaign, k) == uid {
				t.Errorf("%s: the rollout calendar uses the notices' UID %s", k, uid)
			}
		}
		if key == "" || seen[uid] {
			t.Errorf("UID %s: not the stable UID of one window", uid)
			continue
		}
		seen[uid] = true
		w := s.Windows[key]
		start, end := span(t, cal, ev)
		if !start.Equal(w.Begin()) || !end.Equal(w.End()) {
			t.Errorf("%s: event %v–%v, want %v–%v", key, start, end, w.Begin().UTC(), w.End().UTC())
		}
		// golang-ical reads TZID through Go's zone data: it must agree.
		if got, err := ev.GetStartAt(); err != nil || !got.Equal(w.Begin()) {
			t.Errorf("%s: golang-ical start %v (%v), want %v", key, got, err, w.Begin())
		}
		if got := ev.GetProperty(ical.ComponentPropertyDtStart).ICalParameters["TZID"]; len(got) != 1 || got[0] != inst.Instances[key].Location().String() {
			t.Errorf("%s: DTSTART TZID %v", key, got)
		}
		for p, want := range map[ical.ComponentProperty]string{ical.ComponentPropertyDtstamp: "20190430T100000Z", ical.ComponentPropertySequence: "0", ical.ComponentPropertyStatus: "CONFIRMED", ical.ComponentPropertyTransp: "TRANSPARENT"} {
			if got := ev.GetProperty(p); got == nil || got.Value != want {
				t.Errorf("%s: %s = %v, want %s", key, p, got, want)
			}
		}
	}
	if cal.CalendarProperties[0].IANAToken != "VERSION" || strings.Contains(b.String(), "METHOD:") {
		t.Errorf("a calendar file has VERSION first and no METHOD:\n%s", b.String())
	}
	// Stable: the same input gives the same bytes.
	var again bytes.Buffer
	if err := WriteRollout(&again, inst, s, RolloutOptions{Stamp: stamp}); err != nil || again.String() != b.String() {
		t.Error("a second run wrote different bytes")
	}
}

// UIDs depend on campaign and instance only, and tell pairs apart.
func TestUID(t *testing.T) {
	a := UID("ofn-v2-2019", "katuma")
	if a != UID("ofn-v2-2019", "katuma") {
		t.Fatal("UID is not stable")
	}
	if u, err := uuid.Parse(a); err != nil || u.Version() != 5 {
		t.Errorf("UID = %q, want a version 5 UUID", a)
	}
	for _, other := range [][2]string{{"ofn-v2-2019", "canada"}, {"ofn-v2-2020", "katuma"}, {"ofn-v2-2019k", "atuma"}} {
		if UID(other[0], other[1]) == a {
			t.Errorf("UID%v = UID(ofn-v2-2019, katuma)", other)
		}
	}
}

// A window across the end of DST in Europe and in North America keeps its
// length: its end, a wall-clock time that happens twice, is written in UTC.
func TestWindowAcrossDSTEnd(t *testing.T) {
	tests := []struct {
		name, zone, start        string
		wantStart, wantEnd       string
		wantStartUTC, wantEndUTC time.Time
	}{
		{"Europe", "Europe/Madrid", "2019-10-27T01:30:00", "DTSTART;TZID=Europe/Madrid:20191027T013000", "DTEND:20191027T013000Z",
			time.Date(2019, 10, 26, 23, 30, 0, 0, time.UTC), time.Date(2019, 10, 27, 1, 30, 0, 0, time.UTC)},
		{"North America", "America/Toronto", "2019-11-03T00:30:00", "DTSTART;TZID=America/Toronto:20191103T003000", "DTEND:20191103T063000Z",
			time.Date(2019, 11, 3, 4, 30, 0, 0, time.UTC), time.Date(2019, 11, 3, 6, 30, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, s := load(t, instance("x", "X", tt.zone), "campaign = \"c\"\nrelease = \"v2\"\n[windows.x]\nstart = "+tt.start+"\nduration = \"2h\"\n")
			data, err := Window(inst.Instances["x"], s.Windows["x"], s, WindowOptions{Stamp: stamp})
			if err != nil {
				t.Fatal(err)
			}
			text := string(data)
			for _, want := range []string{tt.wantStart + "\r\n", tt.wantEnd + "\r\n", "BEGIN:DAYLIGHT\r\n", "BEGIN:STANDARD\r\n"} {
				if !strings.Contains(text, want) {
					t.Errorf("no %q in\n%s", want, text)
				}
			}
			cal := parse(t, data)
			start, end := span(t, cal, cal.Events()[0])
			if !start.Equal(tt.wantStartUTC) || !end.Equal(tt.wantEndUTC) || end.Sub(start) != 2*time.Hour {
				t.Errorf("event %v – %v (%v), want %v – %v (2h)", start, end, end.Sub(start), tt.wantStartUTC, tt.wantEndUTC)
			}
		})
	}
}

// One window's calendar for a notice: METHOD and SEQUENCE as asked, the
// organizer, and CANCEL marks the event cancelled.
func TestWindow(t *testing.T) {
	inst, s := load(t, instance("katuma", "Katuma", "Europe/Madrid"),
		"campaign = \"ofn-v2-2019\"\nrelease = \"v2.0.0\"\n[windows.katuma]\nstart = 2019-05-07T09:00:00\nduration = \"2h\"\nextra = \"1h\"\n")
	in, w := inst.Instances["katuma"], s.Windows["katuma"]
	tests := []struct {
		name               string
		opts               WindowOptions
		method, seq, state string
		attendee           bool
	}{
		{"announce", WindowOptions{Stamp: stamp}, "PUBLISH", "0", "CONFIRMED", false},
		{"moved", WindowOptions{Stamp: stamp, Sequence: 1}, "PUBLISH", "1", "CONFIRMED", false},
		{"request", WindowOptions{Stamp: stamp, Method: Request, Sequence: 2, Attendees: []string{"ana@example.test"}}, "REQUEST", "2", "CONFIRMED", true},
		{"cancel", WindowOptions{Stamp: stamp, Method: Cancel, Sequence: 3}, "CANCEL", "3", "CANCELLED", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := Window(in, w, s, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			cal := parse(t, data)
			var method string
			for _, p := range cal.CalendarProperties {
				if p.IANAToken == "METHOD" {
					method = p.Value
				}
			}
			ev := cal.Events()
			if method != tt.method || len(ev) != 1 {
				t.Fatalf("METHOD %q with %d events, want %s with 1", method, len(ev), tt.method)
			}
			e := ev[0]
			if e.Id() != UID("ofn-v2-2019", "katuma") {
				t.Errorf("UID = %s", e.Id())
			}
			for p, want := range map[ical.ComponentProperty]string{
				ical.ComponentPropertySequence:  tt.seq,
				ical.ComponentPropertyStatus:    tt.state,
				ical.ComponentPropertyOrganizer: "mailto:help@katuma.test",
				ical.ComponentPropertySummary:   "Katuma: scheduled maintenance (v2.0.0)",
			} {
				if got := e.GetProperty(p); got == nil || got.Value != want {
					t.Errorf("%s = %v, want %q", p, got, want)
				}
			}
			if got := len(e.Attendees()); (got > 0) != tt.attendee {
				t.Errorf("%d attendees", got)
			}
			start, end := span(t, cal, e)
			if !start.Equal(w.Begin()) || !end.Equal(w.End()) {
				t.Errorf("event %v – %v, want %v – %v", start, end, w.Begin(), w.End())
			}
		})
	}

	// Text is escaped and folded, and reads back the same.
	long := "Manteniment programat, 7 de maig; Katuma no estarà disponible\ndurant unes hores: gràcies per la paciència — 🍅🥕"
	data, err := Window(in, w, s, WindowOptions{Stamp: stamp, Summary: "Katuma; manteniment, v2", Description: long})
	if err != nil {
		t.Fatal(err)
	}
	e := parse(t, data).Events()[0]
	if got := ical.FromText(e.GetProperty(ical.ComponentPropertyDescription).Value); got != long {
		t.Errorf("description reads back %q, want %q", got, long)
	}
	if got := ical.FromText(e.GetProperty(ical.ComponentPropertySummary).Value); got != "Katuma; manteniment, v2" {
		t.Errorf("summary reads back %q", got)
	}
	if got := ContentType(Publish); got != "text/calendar; charset=UTF-8; method=PUBLISH" {
		t.Errorf("ContentType = %q", got)
	}

	for name, opts := range map[string]WindowOptions{
		"no stamp":             {},
		"request, no attendee": {Stamp: stamp, Method: Request},
		"unknown method":       {Stamp: stamp, Method: "REPLY"},
		"negative sequence":    {Stamp: stamp, Sequence: -1},
	} {
		if _, err := Window(in, w, s, opts); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// Zones without DST, and with half-hour offsets, are described too.
func TestVTimezoneOtherZones(t *testing.T) {
	for _, zone := range []string{"UTC", "Asia/Kolkata", "Australia/Adelaide", "America/St_Johns", "Asia/Tokyo"} {
		t.Run(zone, func(t *testing.T) {
			inst, s := load(t, instance("x", "X", zone), "campaign = \"c\"\nrelease = \"v2\"\n[windows.x]\nstart = 2019-10-06T01:30:00\nduration = \"3h\"\n")
			data, err := Window(inst.Instances["x"], s.Windows["x"], s, WindowOptions{Stamp: stamp})
			if err != nil {
				t.Fatal(err)
			}
			cal := parse(t, data)
			start, end := span(t, cal, cal.Events()[0])
			if w := s.Windows["x"]; !start.Equal(w.Begin()) || !end.Equal(w.End()) {
				t.Errorf("event %v – %v, want %v – %v\n%s", start, end, w.Begin().UTC(), w.End().UTC(), data)
			}
		})
	}
}

// A cancelled window stays in the rollout calendar, as cancelled.
func TestRolloutCancelled(t *testing.T) {
	inst, s := load(t, instance("x", "X", "Europe/Madrid"), "campaign = \"c\"\nrelease = \"v2\"\n[windows.x]\nstart = 2019-05-07T09:00:00\nduration = \"2h\"\ncancelled = true\n")
	var b bytes.Buffer
	if err := WriteRollout(&b, inst, s, RolloutOptions{Stamp: stamp, Sequence: func(string) int { return 2 }}); err != nil {
		t.Fatal(err)
	}
	e := parse(t, b.Bytes()).Events()[0]
	if e.GetProperty(ical.ComponentPropertyStatus).Value != "CANCELLED" || e.GetProperty(ical.ComponentPropertySequence).Value != "2" {
		t.Errorf("cancelled window:\n%s", b.String())
	}
	if err := WriteRollout(&b, inst, s, RolloutOptions{}); err == nil {
		t.Error("no error without a stamp")
	}
}

// The plan's calendar and the notices' calendars never share a UID: a
// calendar holding both must keep them apart.
func TestPlanAndNoticeUIDsDiffer(t *testing.T) {
	root, _ := filepath.Abs("../..")
	inst, err := config.LoadInstances(filepath.Join(root, "config/instances.toml"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := config.LoadSchedule(filepath.Join(root, "config/schedule.toml"), inst)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteRollout(&b, inst, s, RolloutOptions{Stamp: stamp}); err != nil {
		t.Fatal(err)
	}
	plan := map[string]bool{}
	for _, ev := range parse(t, b.Bytes()).Events() {
		plan[ev.Id()] = true
	}
	for key, w := range s.Windows {
		data, err := Window(inst.Instances[key], w, s, WindowOptions{Stamp: stamp})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range parse(t, data).Events() {
			if plan[ev.Id()] {
				t.Errorf("%s: the notice calendar's UID %s is also in the plan's calendar", key, ev.Id())
			}
		}
		if PlanUID(s.Campaign, key) == UID(s.Campaign, key) {
			t.Errorf("%s: PlanUID = UID", key)
		}
	}
}

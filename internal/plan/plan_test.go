package plan

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// "Monday is our busiest day": a Katuma window on Monday 2019-05-06 breaks
// busy-weekday, and the nearest slot that breaks nothing is Tuesday at the
// same time — the date Katuma moved to.
func TestThreadKatumaMonday(t *testing.T) {
	inst, s := load(t, katuma, window("katuma", "2019-05-06T09:00:00", "2h", "1h", true))
	w := only(t, Make(inst, s, Options{Now: april20}))
	if got := ruleNames(w); !slices.Equal(got, []Rule{RuleBusyWeekday}) {
		t.Fatalf("findings = %v, want only busy-weekday: %+v", got, w.Findings)
	}
	f := w.Findings[0]
	if f.Severity != Error || !strings.HasPrefix(f.Why, "Monday 2019-05-06 is a busy day on Katuma (busy_weekdays, ") {
		t.Errorf("finding = %+v", f)
	}
	if w.Suggestion == nil {
		t.Fatal("no suggestion")
	}
	if got, want := w.Suggestion.Start.Format(stampLayout), "Tue 2019-05-07 09:00 CEST"; got != want {
		t.Errorf("suggestion = %s, want %s", got, want)
	}
	if got := w.Suggestion.LatestEnd.Sub(w.Suggestion.Start); got != 3*time.Hour {
		t.Errorf("suggested slot lasts %v, want the window's 3h", got)
	}
}

// "There is a large hub that closes May 6 at 10:00 am our time — that is May
// 6 afternoon in Europe": a Canada window at 09:00 in Madrid that day is
// 03:00 in Toronto, inside the 12 hours kept clear before the close.
func TestThreadCanadaHubClose(t *testing.T) {
	madrid, toronto := mustZone(t, "Europe/Madrid"), mustZone(t, "America/Toronto")
	// The window is written in Canada's local time, as the schedule asks.
	start := time.Date(2019, 5, 6, 9, 0, 0, 0, madrid).In(toronto)
	if got := start.Format("2006-01-02T15:04:05"); got != "2019-05-06T03:00:00" {
		t.Fatalf("09:00 Madrid = %s Toronto, want 03:00", got)
	}
	const hubClose = `[[instances.canada.blackouts]]
reason = "a large hub closes its order cycle"
date = 2019-05-06
at = "10:00"
before = "12h"
`
	oneOff := canada + hubClose
	weekly := canada + `[[instances.canada.blackouts]]
reason = "large hubs close their order cycles"
weekday = "monday"
at = "10:00"
before = "12h"
`
	tests := []struct {
		name, instances, start string
		want                   string // the blackout finding, "" for none
	}{
		{"one-off, 09:00 Madrid", oneOff, "2019-05-06T03:00:00",
			`overlaps the blackout "a large hub closes its order cycle": keep 12h clear before Mon 2019-05-06 10:00 EDT (Sun 2019-05-05 22:00 EDT – Mon 2019-05-06 10:00 EDT)`},
		{"one-off, starting at the close", oneOff, "2019-05-06T10:00:00", ""},
		{"one-off, ending as the margin begins", oneOff, "2019-05-05T19:00:00", ""},
		{"one-off, ending inside the margin", oneOff, "2019-05-05T19:30:00", "overlaps the blackout"},
		{"one-off, a week later", oneOff, "2019-05-13T03:00:00", ""},
		{"weekly, 09:00 Madrid", weekly, "2019-05-06T03:00:00", `overlaps the blackout "large hubs close their order cycles": keep 12h clear before Mon 2019-05-06 10:00 EDT`},
		{"weekly, a week later", weekly, "2019-05-13T03:00:00", "keep 12h clear before Mon 2019-05-13 10:00 EDT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, s := load(t, tt.instances, window("canada", tt.start, "2h", "1h", false))
			w := only(t, Make(inst, s, Options{Now: april20}))
			f, ok := finding(w, RuleBlackout)
			switch {
			case tt.want == "" && ok:
				t.Errorf("blackout finding %q, want none", f.Why)
			case tt.want != "" && (!ok || !strings.Contains(f.Why, tt.want) || f.Severity != Error):
				t.Errorf("blackout finding = %+v (found %v), want an error with %q", f, ok, tt.want)
			}
		})
	}

	// With Canada's support days and pau in Madrid, the suggestion is the
	// next morning in Toronto ("can it be May 7 am?"), support arriving during it.
	inst, s := load(t, canada+`hours = { days = ["tuesday", "wednesday"], from = "09:00", to = "17:00" }`+"\n"+hubClose,
		window("canada", "2019-05-06T03:00:00", "2h", "1h", true))
	w := only(t, Make(inst, s, Options{Now: april20}))
	if w.Suggestion == nil || w.Suggestion.Start.Format(stampLayout) != "Tue 2019-05-07 06:30 EDT" {
		t.Errorf("suggestion = %+v, want Tue 2019-05-07 06:30 EDT", w.Suggestion)
	}
}

// "Tuesday-Wednesday is generally good timing for me to be on hand for
// support": a Thursday window is flagged, a Tuesday or Wednesday one is not;
// asking for the next working day too flags Wednesday.
func TestThreadCanadaSupportDays(t *testing.T) {
	hours := `hours = { days = ["tuesday", "wednesday"], from = "09:00", to = "17:00" }` + "\n"
	tests := []struct {
		name, after, start string
		want               string // the support finding, "" for none
	}{
		{"Tuesday", "", "2019-05-07T09:00:00", ""},
		{"Wednesday", "", "2019-05-08T09:00:00", ""},
		{"Thursday", "", "2019-05-09T09:00:00",
			"support (Tue, Wed 09:00–17:00 America/Toronto) is not on hand during the window (Thu 2019-05-09 09:00–12:00 EDT)"},
		{"Thursday 13th, the real date", "", "2019-06-13T03:00:00", "support (Tue, Wed 09:00–17:00 America/Toronto) is not on hand during the window"},
		{"Tuesday, and the next working day", "after_days = 1", "2019-05-07T09:00:00", ""},
		{"Wednesday, and the next working day", "after_days = 1", "2019-05-08T09:00:00",
			"support (Tue, Wed 09:00–17:00 America/Toronto) is not on hand on Thu 2019-05-09, the next working day"},
		{"Wednesday, ending as support leaves", "after_days = 0", "2019-05-08T14:00:00",
			"support (Tue, Wed 09:00–17:00 America/Toronto) is not on hand for the rest of Wed 2019-05-08 after the window"},
		{"early Tuesday, support arrives during it", "after_days = 0", "2019-05-07T07:00:00", ""},
		{"early Tuesday, over before support arrives", "", "2019-05-07T05:00:00", "is not on hand during the window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, s := load(t, canada+hours+tt.after+"\n", window("canada", tt.start, "2h", "1h", false))
			w := only(t, Make(inst, s, Options{Now: april20}))
			f, ok := finding(w, RuleSupport)
			switch {
			case tt.want == "" && ok:
				t.Errorf("support finding %q, want none", f.Why)
			case tt.want != "" && (!ok || !strings.Contains(f.Why, tt.want) || f.Severity != Warning):
				t.Errorf("support finding = %+v (found %v), want a warning with %q", f, ok, tt.want)
			}
		})
	}
}

// A window across the end of DST keeps its length in Europe (last Sunday of
// October) and in North America (first Sunday of November): the repeated
// hour is counted once, and the suggested slot keeps it too.
func TestDSTEndKeepsLength(t *testing.T) {
	tests := []struct {
		name, instances, instance, start string
		wantEnd, wantEndUTC              string
	}{
		{"Europe", katuma, "katuma", "2019-10-27T01:30:00", "Sun 2019-10-27 02:30 CET", "2019-10-27 01:30Z"},
		{"North America", canada, "canada", "2019-11-03T00:30:00", "Sun 2019-11-03 01:30 EST", "2019-11-03 06:30Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, s := load(t, tt.instances, window(tt.instance, tt.start, "2h", "", false))
			w := only(t, Make(inst, s, Options{Now: april20}))
			if got := w.Window.End().Sub(w.Window.Begin()); got != 2*time.Hour {
				t.Errorf("window lasts %v, want 2h", got)
			}
			var end Event
			for _, e := range w.Timeline() {
				if e.What == "expected end" {
					end = e
				}
			}
			if got := end.At.Format(stampLayout); got != tt.wantEnd {
				t.Errorf("expected end = %s, want %s", got, tt.wantEnd)
			}
			if got := end.At.UTC().Format(utcLayout); got != tt.wantEndUTC {
				t.Errorf("expected end UTC = %s, want %s", got, tt.wantEndUTC)
			}
		})
	}

	// Saturday is busy: the slot found on Sunday morning crosses 03:00 CEST
	// → 02:00 CET and still lasts 4 hours, 3 on the wall clock.
	saturday := `
[instances.katuma]
name = "Katuma"
timezone = "Europe/Madrid"
locales = ["es"]
from = "noreply@katuma.test"
recipients = "recipients/katuma.csv"
busy_weekdays = ["saturday"]
[instances.katuma.support]
email = "info@katuma.test"
`
	inst, s := load(t, saturday, window("katuma", "2019-10-26T23:30:00", "4h", "", false))
	w := only(t, Make(inst, s, Options{Now: april20}))
	sg := w.Suggestion
	if sg == nil {
		t.Fatalf("no suggestion; findings %+v", w.Findings)
	}
	if got := sg.End.Sub(sg.Start); got != 4*time.Hour {
		t.Errorf("suggested slot lasts %v, want 4h", got)
	}
	if got := span(sg.Start, sg.End); got != "Sun 2019-10-27 00:00 CEST–03:00 CET" {
		t.Errorf("suggested slot = %s", got)
	}
}

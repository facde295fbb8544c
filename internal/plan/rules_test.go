package plan

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestNotice(t *testing.T) {
	tests := []struct {
		name, instances, instance, start string
		top, win                         string // schedule lines before the window, and in it
		want                             string // the notice finding, "" for none
	}{
		{"a week before", katuma, "katuma", "2019-05-07T09:00:00", "", "", ""},
		{"announce 3 days before", katuma, "katuma", "2019-05-07T09:00:00", "[send.announce]\ndays_before = 3", "",
			"the announce email goes out Sat 2019-05-04 09:00 CEST, only 3 days before the window; Katuma's users need 5 days' notice, by Thu 2019-05-02 09:00 CEST (the default; "},
		{"3 days is enough when the instance says so", strings.Replace(katuma, "busy_weekdays", "min_notice_days = 3\nbusy_weekdays", 1), "katuma", "2019-05-07T09:00:00",
			"[send.announce]\ndays_before = 3", "", ""},
		{"only a reminder", katuma, "katuma", "2019-05-07T09:00:00", "", `notices = ["reminder", "start", "done"]`,
			"the reminder email goes out Mon 2019-05-06 09:00 CEST, only 1 day before"},
		{"no email before", katuma, "katuma", "2019-05-07T09:00:00", "", `notices = ["start", "done"]`,
			"no email tells Katuma's users before the window (notices = [start done]); they need 5 days' notice"},
		{"quiet hours delay Canada's 03:00 announce to 08:00: still 6 days 19h", canada, "canada", "2019-06-13T03:00:00", "", "", ""},
		{"… not 7 days", strings.Replace(canada, "[instances.canada.support]", "min_notice_days = 7\n[instances.canada.support]", 1), "canada", "2019-06-13T03:00:00", "", "",
			"the announce email goes out Thu 2019-06-06 08:00 EDT, only 6 days 19h before the window; Open Food Network Canada's users need 7 days' notice, by Thu 2019-06-06 03:00 EDT (min_notice_days, "},
		{"no minimum", strings.Replace(katuma, "busy_weekdays", "min_notice_days = 0\nbusy_weekdays", 1), "katuma", "2019-05-07T09:00:00", "", `notices = ["start", "done"]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, s := load(t, tt.instances, window(tt.instance, tt.start, "2h", "1h", false, tt.top)+tt.win+"\n")
			w := only(t, Make(inst, s, Options{Now: april20}))
			f, ok := finding(w, RuleNotice)
			switch {
			case tt.want == "" && ok:
				t.Errorf("notice finding %q, want none", f.Why)
			case tt.want != "" && (!ok || !strings.Contains(f.Why, tt.want) || f.Severity != Error):
				t.Errorf("notice finding = %+v (found %v), want an error with %q", f, ok, tt.want)
			}
		})
	}
}

// A suggested slot must leave the minimum notice from now: on Friday
// 2019-05-03 at 10:00, a Monday window moves to Wednesday 10:00, not to
// Tuesday (the announce email could only go out now, 4 days ahead).
func TestSuggestionLeavesNoticeFromNow(t *testing.T) {
	inst, s := load(t, katuma, window("katuma", "2019-05-06T09:00:00", "2h", "1h", true))
	now := time.Date(2019, 5, 3, 10, 0, 0, 0, mustZone(t, "Europe/Madrid"))
	w := only(t, Make(inst, s, Options{Now: now}))
	if w.Suggestion == nil || w.Suggestion.Start.Format(stampLayout) != "Wed 2019-05-08 10:00 CEST" {
		t.Errorf("suggestion = %+v, want Wed 2019-05-08 10:00 CEST", w.Suggestion)
	}
	// The window itself is judged by its schedule (the announce email of
	// 2019-04-29 is the ledger's business), so only busy-weekday is broken.
	if got := ruleNames(w); len(got) != 1 || got[0] != RuleBusyWeekday {
		t.Errorf("findings = %v, want only busy-weekday", got)
	}
	// A window that has started gets no suggestion.
	w = only(t, Make(inst, s, Options{Now: now.AddDate(0, 0, 7)}))
	if !w.Passed || w.Suggestion != nil {
		t.Errorf("past window: passed %v, suggestion %+v; want passed, none", w.Passed, w.Suggestion)
	}
}

func TestTestReady(t *testing.T) {
	tests := []struct {
		name, ready, start string
		days               int
		want               string
	}{
		{"Monday's testing, Tuesday's deploy", "2019-05-06", "2019-05-07T09:00:00", 1, ""},
		{"deploy on the testing day", "2019-05-06", "2019-05-06T20:00:00", 1,
			"v2.0.0 is ready for testing on Mon 2019-05-06 and testers need 1 working day: the earliest day for a window is Tue 2019-05-07 (test_ready, test_days, "},
		{"testing skips the weekend", "2019-05-03", "2019-05-07T09:00:00", 2, ""},
		{"… so Monday is too early", "2019-05-03", "2019-05-06T20:00:00", 2, "the earliest day for a window is Tue 2019-05-07"},
		{"no test days: from the day it is ready", "2019-05-07", "2019-05-07T09:00:00", 0, ""},
		{"before it is ready", "2019-05-08", "2019-05-07T09:00:00", 0, "the earliest day for a window is Wed 2019-05-08"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			more := fmt.Sprintf("test_ready = %s\ntest_days = %d", tt.ready, tt.days)
			inst, s := load(t, strings.Replace(katuma, `["monday"]`, `[]`, 1), window("katuma", tt.start, "1h", "", false, more))
			w := only(t, Make(inst, s, Options{Now: april20}))
			f, ok := finding(w, RuleTestReady)
			switch {
			case tt.want == "" && ok:
				t.Errorf("test-ready finding %q, want none", f.Why)
			case tt.want != "" && (!ok || !strings.Contains(f.Why, tt.want) || f.Severity != Error):
				t.Errorf("test-ready finding = %+v (found %v), want an error with %q", f, ok, tt.want)
			}
		})
	}
}

// Canada and Belgium on Thursday 13th, "same time slot", both run by pau.
func TestOperator(t *testing.T) {
	belgium := strings.NewReplacer("katuma", "belgium", "Katuma", "Open Food Network Belgium", "Europe/Madrid", "Europe/Brussels", `["monday"]`, `[]`).Replace(katuma)
	sched := `campaign = "ofn-v2-2019"
release = "v2.1.0"
[windows.belgium]
start = 2019-06-13T09:00:00
duration = "2h"
extra = "1h"
operator = "pau"
[windows.canada]
start = 2019-06-13T03:00:00
duration = "2h"
extra = "1h"
operator = "pau"
` + pau
	inst, s := load(t, belgium+canada, sched)
	p := Make(inst, s, Options{Now: april20})
	if len(p.Windows) != 2 {
		t.Fatalf("%d windows", len(p.Windows))
	}
	for _, w := range p.Windows {
		f, ok := finding(w, RuleOperatorOverlap)
		if !ok || f.Severity != Warning || !strings.HasPrefix(f.Why, "pau also runs ") {
			t.Errorf("%s: overlap finding = %+v (found %v)", w.Instance.Key, f, ok)
		}
		if _, ok := finding(w, RuleOperatorHours); ok {
			t.Errorf("%s: 09:00–12:00 in Madrid flagged outside working hours", w.Instance.Key)
		}
	}
	if p.Errors() != 0 || p.Warnings() != 2 {
		t.Errorf("errors %d, warnings %d; want 0, 2", p.Errors(), p.Warnings())
	}

	// The US at 08:00 in Chicago ends at 19:00 in Madrid.
	us := strings.NewReplacer("canada", "us", "America/Toronto", "America/Chicago").Replace(canada)
	inst, s = load(t, us, window("us", "2019-07-23T08:00:00", "3h", "1h", true))
	w := only(t, Make(inst, s, Options{Now: april20}))
	want := "runs Tue 2019-07-23 15:00–19:00 CEST for pau, outside their working hours Mon, Tue, Wed, Thu, Fri 09:00–18:00 Europe/Madrid (the default; operators.pau.hours changes it)"
	if f, ok := finding(w, RuleOperatorHours); !ok || f.Why != want || f.Severity != Warning {
		t.Errorf("operator-hours finding = %+v (found %v), want %q", f, ok, want)
	}
	// Its own hours, with an early start, fit.
	inst, s = load(t, us, strings.Replace(window("us", "2019-07-23T08:00:00", "3h", "1h", true), `timezone = "Europe/Madrid"`,
		`timezone = "Europe/Madrid"`+"\nhours = { days = [\"tuesday\"], from = \"14:00\", to = \"20:00\" }", 1))
	if w := only(t, Make(inst, s, Options{Now: april20})); len(w.Findings) != 0 {
		t.Errorf("findings %+v, want none", w.Findings)
	}
}

// A cancelled window is shown, not checked, and frees its operator.
func TestCancelled(t *testing.T) {
	inst, s := load(t, katuma, window("katuma", "2019-05-06T09:00:00", "2h", "1h", false)+"cancelled = true\n")
	w := only(t, Make(inst, s, Options{Now: april20}))
	if !w.Cancelled() || len(w.Findings) != 0 || w.Moments != nil {
		t.Errorf("cancelled window: findings %+v, moments %v", w.Findings, w.Moments)
	}
}

// The operator column is the operator's zone, or --operator-tz for all.
func TestOperatorZone(t *testing.T) {
	inst, s := load(t, canada, window("canada", "2019-06-13T03:00:00", "2h", "1h", true))
	w := only(t, Make(inst, s, Options{}))
	if got := w.TimesOf(w.Window.Begin()).Operator.Format(stampLayout); got != "Thu 2019-06-13 09:00 CEST" {
		t.Errorf("operator time = %s, want 09:00 CEST", got)
	}
	w = only(t, Make(inst, s, Options{OperatorZone: mustZone(t, "Australia/Melbourne")}))
	if got := w.TimesOf(w.Window.Begin()).Operator.Format(stampLayout); got != "Thu 2019-06-13 17:00 AEST" {
		t.Errorf("operator time = %s, want 17:00 AEST", got)
	}
	inst, s = load(t, canada, window("canada", "2019-06-13T03:00:00", "2h", "1h", false))
	if w = only(t, Make(inst, s, Options{})); w.TimesOf(w.Window.Begin()).Operator != nil {
		t.Error("operator time without operator or zone")
	}
}

func TestFormats(t *testing.T) {
	toronto := mustZone(t, "America/Toronto")
	at := func(d, h, m int) time.Time { return time.Date(2019, 11, d, h, m, 0, 0, toronto) }
	spans := []struct {
		s, e time.Time
		want string
	}{
		{at(4, 3, 0), at(4, 6, 0), "Mon 2019-11-04 03:00–06:00 EST"},
		{at(3, 0, 30), at(3, 0, 30).Add(2 * time.Hour), "Sun 2019-11-03 00:30 EDT–01:30 EST"},
		{at(4, 22, 0), at(5, 1, 0), "Mon 2019-11-04 22:00 EST – Tue 2019-11-05 01:00 EST"},
	}
	for _, tt := range spans {
		if got := span(tt.s, tt.e); got != tt.want {
			t.Errorf("span = %q, want %q", got, tt.want)
		}
	}
	durations := map[time.Duration]string{
		0: "0m", 90 * time.Minute: "1h30m", 12 * time.Hour: "12h", 24 * time.Hour: "1 day",
		6*24*time.Hour + 19*time.Hour: "6 days 19h", 3*24*time.Hour + 30*time.Minute: "3 days 30m",
	}
	for d, want := range durations {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
}

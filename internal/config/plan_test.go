package config

import (
	"strings"
	"testing"
	"time"
)

const planInstances = `
[instances.canada]
name = "Open Food Network Canada"
timezone = "America/Toronto"
locales = ["en_CA"]
from = "noreply@ca.test"
recipients = "recipients/canada.csv"
min_notice_days = 3

[instances.canada.support]
email = "hello@ca.test"
hours = { days = ["tuesday", "wednesday"], from = "09:00", to = "17:00" }
after_days = 1

[[instances.canada.blackouts]]
reason = "large hubs close their order cycles"
weekday = "sunday"
at = "20:00"
before = "12h"

[[instances.canada.blackouts]]
reason = "a large hub closes its order cycle"
date = 2019-05-06
at = "10:00"
before = "12h"

[instances.katuma]
name = "Katuma"
timezone = "Europe/Madrid"
locales = ["es"]
from = "noreply@katuma.test"
recipients = "recipients/katuma.csv"

[instances.katuma.support]
email = "info@katuma.test"
`

const planSchedule = `
campaign = "ofn-v2-2019"
release = "v2.0.0"
test_ready = 2019-05-06
test_days = 1

[windows.katuma]
start = 2019-05-07T09:00:00
duration = "2h"
operator = "pau"

[windows.canada]
start = 2019-06-13T03:00:00
duration = "2h"
operator = "theresa"

[operators.pau]
name = "Pau"
timezone = "Europe/Madrid"

[operators.theresa]
timezone = "America/Toronto"
hours = { days = ["tuesday", "wednesday", "thursday"], from = "08:00", to = "16:00" }
`

func TestPlanKeys(t *testing.T) {
	inst, err := LoadInstances(write(t, "instances.toml", planInstances))
	if err != nil {
		t.Fatalf("LoadInstances: %v", err)
	}
	s, err := LoadSchedule(write(t, "schedule.toml", planSchedule), inst)
	if err != nil {
		t.Fatalf("LoadSchedule: %v", err)
	}
	ca, ka := inst.Instances["canada"], inst.Instances["katuma"]
	if ca.MinNotice() != 3 || ka.MinNotice() != DefaultMinNoticeDays {
		t.Errorf("MinNotice() = %d, %d; want 3, %d", ca.MinNotice(), ka.MinNotice(), DefaultMinNoticeDays)
	}
	if a := ca.Support.AfterDays; a == nil || *a != 1 || ka.Support.AfterDays != nil {
		t.Errorf("after_days = %v, %v; want 1, unset", a, ka.Support.AfterDays)
	}
	if h := ca.Support.Hours; h.String() != "Tue, Wed 09:00–17:00" || !h.On(time.Tuesday) || h.On(time.Thursday) {
		t.Errorf("hours = %s", h)
	}
	b := ca.Blackouts[1]
	if b.Date == nil || b.Date.String() != "2019-05-06" || b.At.String() != "10:00" || b.Before.Duration != 12*time.Hour {
		t.Errorf("one-off blackout = %+v", b)
	}
	if s.TestReady == nil || s.TestReady.String() != "2019-05-06" || s.TestDays != 1 {
		t.Errorf("test_ready, test_days = %v, %d", s.TestReady, s.TestDays)
	}
	kw, cw := s.Windows["katuma"], s.Windows["canada"]
	pau, theresa := s.Operator(kw), s.Operator(cw)
	if pau == nil || pau.Key != "pau" || pau.Name != "Pau" || pau.Location().String() != "Europe/Madrid" {
		t.Fatalf("katuma's operator = %+v", pau)
	}
	if h := pau.WorkingHours(); h.String() != "Mon, Tue, Wed, Thu, Fri 09:00–18:00" {
		t.Errorf("default working hours = %s", h)
	}
	if h := theresa.WorkingHours(); h.String() != "Tue, Wed, Thu 08:00–16:00" {
		t.Errorf("theresa's hours = %s", h)
	}
	if got := s.Line("windows.canada.operator"); got != 15 {
		t.Errorf("Line(windows.canada.operator) = %d, want 15", got)
	}
	if got := inst.Line("instances.canada.blackouts.1"); got != 21 {
		t.Errorf("Line(instances.canada.blackouts.1) = %d, want 21", got)
	}

	// At moves a copy; the window itself stays.
	later := kw.Begin().Add(24*time.Hour + 30*time.Minute)
	moved := kw.At(later)
	if !moved.Begin().Equal(later) || moved.Start.String() != "2019-05-08T09:30" || !moved.End().Equal(later.Add(2*time.Hour)) {
		t.Errorf("At: begin %v, start %s, end %v", moved.Begin(), moved.Start, moved.End())
	}
	if kw.Start.String() != "2019-05-07T09:00" || moved.Operator != "pau" {
		t.Errorf("At changed the original (%s) or lost the operator (%q)", kw.Start, moved.Operator)
	}
}

// A date may be written as a string too; a date-time is not a date.
func TestLocalDate(t *testing.T) {
	var d LocalDate
	if err := d.UnmarshalTOML("2019-05-06"); err != nil || d.String() != "2019-05-06" {
		t.Errorf("string: %v, %v", d, err)
	}
	for _, bad := range []any{"6 May 2019", time.Date(2019, 5, 6, 10, 0, 0, 0, time.UTC), 20190506} {
		if err := d.UnmarshalTOML(bad); err == nil {
			t.Errorf("UnmarshalTOML(%v): no error", bad)
		}
	}
	madrid, _ := time.LoadLocation("Europe/Madrid")
	if got := (LocalDate{2019, 5, 6}).In(madrid); got.Format(time.RFC3339) != "2019-05-06T00:00:00+02:00" {
		t.Errorf("In = %v", got)
	}
}

func TestBadPlanKeys(t *testing.T) {
	inst := strings.NewReplacer
	sched := strings.NewReplacer
	tests := []struct {
		name      string
		instances *strings.Replacer
		schedule  *strings.Replacer
		want      string
	}{
		{"negative notice", inst("min_notice_days = 3", "min_notice_days = -1"), sched(),
			"INST:8: instances.canada.min_notice_days: must not be negative"},
		{"after_days without hours", inst(`hours = { days = ["tuesday", "wednesday"], from = "09:00", to = "17:00" }`, ""), sched(),
			"INST:13: instances.canada.support.after_days: needs hours (when support is on hand) to be checked against"},
		{"negative after_days", inst("after_days = 1", "after_days = -2"), sched(),
			"INST:13: instances.canada.support.after_days: must not be negative"},
		{"one-off without at", inst("date = 2019-05-06\nat = \"10:00\"", "date = 2019-05-06"), sched(),
			"INST:21: instances.canada.blackouts.1: a one-off blackout needs \"at\" (the local time of the moment on that date)"},
		{"one-off and weekly", inst("date = 2019-05-06", "date = 2019-05-06\nweekday = \"monday\""), sched(),
			"INST:21: instances.canada.blackouts.1: a blackout is dated (from, until), weekly (weekday, at, before) or one-off (date, at, before), not several"},
		{"bad date", inst("date = 2019-05-06", `date = "May 6"`), sched(),
			"INST:23: instances.canada.blackouts.date: bad date \"May 6\" (want 2019-05-06)"},
		{"before on a dated blackout", inst("weekday = \"sunday\"\nat = \"20:00\"", "from = 2019-08-15T00:00:00\nuntil = 2019-09-01T00:00:00"), sched(),
			"INST:19: instances.canada.blackouts.0.before: \"before\" goes with a weekly or one-off blackout (at), not a dated one (from, until)"},
		{"unknown operator", inst(), sched(`operator = "theresa"`, `operator = "tschumilas"`),
			"SCHED:15: windows.canada.operator: no operator \"tschumilas\" (want an [operators.tschumilas] table with their timezone)"},
		{"operator without zone", inst(), sched(`timezone = "Europe/Madrid"`, ""),
			"SCHED:17: operators.pau: missing required key \"timezone\" (an IANA zone such as Europe/Madrid)"},
		{"operator hours backwards", inst(), sched(`from = "08:00", to = "16:00"`, `from = "16:00", to = "08:00"`),
			"SCHED:23: operators.theresa.hours: \"to\" (08:00) must be after \"from\" (16:00)"},
		{"test_days without test_ready", inst(), sched("test_ready = 2019-05-06\n", ""),
			"SCHED:4: test_days: needs test_ready (the day testers get the release)"},
		{"negative test_days", inst(), sched("test_days = 1", "test_days = -1"),
			"SCHED:5: test_days: must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ip := write(t, "instances.toml", tt.instances.Replace(planInstances))
			in, err := LoadInstances(ip)
			if err == nil {
				sp := write(t, "schedule.toml", tt.schedule.Replace(planSchedule))
				_, err = LoadSchedule(sp, in)
				if err != nil {
					err = errorsReplaced(err, sp, "SCHED")
				}
			} else {
				err = errorsReplaced(err, ip, "INST")
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
}

type replacedError string

func (e replacedError) Error() string { return string(e) }

func errorsReplaced(err error, path, name string) error {
	return replacedError(strings.ReplaceAll(err.Error(), path, name))
}

package config

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// This file holds what the planner (internal/plan) needs beyond sending: the
// operators who run the deploys, the release's test-ready date, one-off
// blackouts, how long support must stay on hand after a window and the
// minimum notice. Each is optional; validation here is called from load.go.

// DefaultMinNoticeDays is the minimum notice, in calendar days between the
// first email about a window and its start, when an instance sets none.
const DefaultMinNoticeDays = 5

// MinNotice returns the instance's minimum notice in calendar days.
func (i *Instance) MinNotice() int {
	if i.MinNoticeDays != nil {
		return *i.MinNoticeDays
	}
	return DefaultMinNoticeDays
}

// Operator is a person who runs deploys: their zone and working hours.
type Operator struct {
	Key      string `toml:"-"`
	Name     string `toml:"name"`
	TimeZone Zone   `toml:"timezone"`
	// Hours are when they work, in their zone (default: DefaultOperatorHours).
	Hours *Hours `toml:"hours"`
}

// DefaultOperatorHours are an operator's working hours when the schedule
// gives none: Monday to Friday, 09:00–18:00 in their zone.
var DefaultOperatorHours = Hours{
	Days: []Weekday{{time.Monday}, {time.Tuesday}, {time.Wednesday}, {time.Thursday}, {time.Friday}},
	From: ClockTime{9, 0},
	To:   ClockTime{18, 0},
}

// Location is the operator's zone.
func (o *Operator) Location() *time.Location { return o.TimeZone.Location }

// WorkingHours returns the operator's hours, or the default.
func (o *Operator) WorkingHours() Hours {
	if o.Hours != nil {
		return *o.Hours
	}
	return DefaultOperatorHours
}

// Operator returns the operator of the window, or nil when none is named.
func (s *Schedule) Operator(w *Window) *Operator {
	if w.Operator == "" {
		return nil
	}
	return s.Operators[w.Operator]
}

// On reports whether the hours include weekday d.
func (h Hours) On(d time.Weekday) bool {
	return slices.ContainsFunc(h.Days, func(w Weekday) bool { return w.Weekday == d })
}

// String reads like "Tue, Wed 09:00–17:00".
func (h Hours) String() string {
	days := make([]string, len(h.Days))
	for i, d := range h.Days {
		days[i] = d.String()[:3]
	}
	return fmt.Sprintf("%s %s–%s", strings.Join(days, ", "), h.From, h.To)
}

// At returns a copy of the window that starts at t instead (same length,
// notices and send rules): a candidate slot for the planner.
func (w *Window) At(t time.Time) *Window {
	c := *w
	c.start = t
	c.Start = LocalDateTime{Year: t.Year(), Month: t.Month(), Day: t.Day(), Hour: t.Hour(), Min: t.Minute(), set: true, hasOffset: true, offset: zoneOffset(t)}
	return &c
}

// Line returns the line of a dotted key in the schedule file (or of its
// nearest enclosing table), 0 when unknown.
func (s *Schedule) Line(key string) int { return s.pos.line(key) }

// Line returns the line of a dotted key in the instances file, 0 when unknown.
func (c *Instances) Line(key string) int { return c.pos.line(key) }

// LocalDate is a calendar date without a zone, written as a TOML local date
// (2019-05-06) or a string "2019-05-06".
type LocalDate struct {
	Year  int
	Month time.Month
	Day   int
}

// UnmarshalTOML accepts a TOML local date or a "YYYY-MM-DD" string.
func (d *LocalDate) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case time.Time:
		// BurntSushi/toml gives local dates a zone named "date-local".
		if v.Location().String() != "date-local" {
			return fmt.Errorf("want a date like 2019-05-06, not %s", v.Format(time.RFC3339))
		}
		*d = LocalDate{v.Year(), v.Month(), v.Day()}
		return nil
	case string:
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return fmt.Errorf("bad date %q (want 2019-05-06)", v)
		}
		*d = LocalDate{t.Year(), t.Month(), t.Day()}
		return nil
	default:
		return fmt.Errorf("bad date of type %T (want 2019-05-06)", v)
	}
}

// In returns midnight starting the date in loc.
func (d LocalDate) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

func (d LocalDate) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// validatePlan checks an instance's planning constraints.
func (in *Instance) validatePlan(ps *problems, p string) {
	if in.MinNoticeDays != nil && *in.MinNoticeDays < 0 {
		ps.add(p+".min_notice_days", "must not be negative")
	}
	if a := in.Support.AfterDays; a != nil {
		switch {
		case *a < 0:
			ps.add(p+".support.after_days", "must not be negative")
		case in.Support.Hours == nil:
			ps.add(p+".support.after_days", "needs hours (when support is on hand) to be checked against")
		}
	}
	for i, b := range in.Blackouts {
		if (!b.From.IsZero() || !b.Until.IsZero()) && b.Before.Duration != 0 {
			ps.add(fmt.Sprintf("%s.blackouts.%d.before", p, i), "\"before\" goes with a weekly or one-off blackout (at), not a dated one (from, until)")
		}
	}
}

// validateOneOff checks a one-off blackout: date and at, with a margin before.
func (b *Blackout) validateOneOff(ps *problems, p string) {
	switch {
	case !b.From.IsZero() || !b.Until.IsZero() || b.Weekday != nil:
		ps.add(p, "a blackout is dated (from, until), weekly (weekday, at, before) or one-off (date, at, before), not several")
	case b.At == nil:
		ps.add(p, "a one-off blackout needs \"at\" (the local time of the moment on that date)")
	}
}

// validatePlan checks the schedule's operators and test-ready date.
func (s *Schedule) validatePlan(ps *problems) {
	for key, o := range s.Operators {
		o.Key = key
		p := "operators." + key
		if !keyRE.MatchString(key) {
			ps.add(p, "operator key must be lower-case letters, digits, - or _")
		}
		if o.TimeZone.Location == nil {
			ps.add(p, "missing required key %q (an IANA zone such as Europe/Madrid)", "timezone")
		}
		if h := o.Hours; h != nil {
			if len(h.Days) == 0 {
				ps.add(p+".hours", "missing required key %q", "days")
			}
			if h.To.Hour*60+h.To.Minute <= h.From.Hour*60+h.From.Minute {
				ps.add(p+".hours", "\"to\" (%s) must be after \"from\" (%s)", h.To, h.From)
			}
		}
	}
	if s.TestDays < 0 {
		ps.add("test_days", "must not be negative")
	}
	if s.TestDays > 0 && s.TestReady == nil {
		ps.add("test_days", "needs test_ready (the day testers get the release)")
	}
}

// validateWindowPlan checks a window's operator.
func (s *Schedule) validateWindowPlan(ps *problems, p string, w *Window) {
	if w.Operator != "" {
		if _, ok := s.Operators[w.Operator]; !ok {
			ps.add(p+".operator", "no operator %q (want an [operators.%s] table with their timezone)", w.Operator, w.Operator)
		}
	}
}

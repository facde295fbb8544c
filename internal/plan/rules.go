package plan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/english"
	"github.com/openfoodfoundation/announce/internal/timing"
)

// checker evaluates the rules for one schedule; the windows are the others
// an operator may already be busy with.
type checker struct {
	inst    *config.Instances
	sched   *config.Schedule
	now     time.Time
	windows []*config.Window // every window not cancelled, in key order
	cycles  map[string][]OrderCycle
}

// rule is one check: it returns why w breaks it, or "".
type rule struct {
	name     Rule
	severity Severity
	check    func(c *checker, in *config.Instance, w *config.Window, candidate bool) string
}

var rules = []rule{
	{RuleBusyWeekday, Error, (*checker).busyWeekday},
	{RuleBlackout, Error, (*checker).blackout},
	{RuleOrderCycle, Error, (*checker).orderCycle},
	{RuleNotice, Error, (*checker).notice},
	{RuleTestReady, Error, (*checker).testReady},
	{RuleSupport, Warning, (*checker).support},
	{RuleOperatorHours, Warning, (*checker).operatorHours},
	{RuleOperatorOverlap, Warning, (*checker).operatorOverlap},
}

// check returns every rule w breaks. A candidate is a slot being tried for
// a suggestion: its notices must also leave the minimum notice from now.
func (c *checker) check(in *config.Instance, w *config.Window, candidate bool) []Finding {
	var out []Finding
	for _, r := range rules {
		if why := r.check(c, in, w, candidate); why != "" {
			out = append(out, Finding{Rule: r.name, Severity: r.severity, Why: why})
		}
	}
	return out
}

// passes reports whether a candidate slot breaks no rule at all.
func (c *checker) passes(in *config.Instance, w *config.Window) bool {
	for _, r := range rules {
		if r.check(c, in, w, true) != "" {
			return false
		}
	}
	return true
}

// where names a key's place in a config file for a reader: "file:line".
func where(file string, line int) string {
	if line == 0 {
		return file
	}
	return fmt.Sprintf("%s:%d", file, line)
}

func (c *checker) inInstances(key string) string { return where(c.inst.File, c.inst.Line(key)) }
func (c *checker) inSchedule(key string) string  { return where(c.sched.File, c.sched.Line(key)) }

// busyWeekday: no part of the window may fall on a busy weekday.
func (c *checker) busyWeekday(in *config.Instance, w *config.Window, _ bool) string {
	if len(in.BusyWeekdays) == 0 {
		return ""
	}
	loc := in.Location()
	for _, d := range days(w.Begin().In(loc), w.LatestEnd().In(loc)) {
		if slices.ContainsFunc(in.BusyWeekdays, func(b config.Weekday) bool { return b.Weekday == d.Weekday() }) {
			return fmt.Sprintf("%s is a busy day on %s (busy_weekdays, %s)", d.Format("Monday 2006-01-02"), in.Name, c.inInstances("instances."+in.Key+".busy_weekdays"))
		}
	}
	return ""
}

// blackout: the window may not overlap any blackout. A weekly or one-off
// blackout is the `before` margin up to its moment; touching its ends is fine.
func (c *checker) blackout(in *config.Instance, w *config.Window, _ bool) string {
	loc := in.Location()
	s, e := w.Begin().In(loc), w.LatestEnd().In(loc)
	var why []string
	for i, b := range in.Blackouts {
		for _, iv := range occurrences(b, loc, s, e) {
			if iv.from.Before(e) && s.Before(iv.until) {
				why = append(why, fmt.Sprintf("overlaps the blackout %q: %s (%s)", b.Reason, iv.describe(b), c.inInstances(fmt.Sprintf("instances.%s.blackouts.%d", in.Key, i))))
				break
			}
		}
	}
	return strings.Join(why, "; ")
}

// interval is one occurrence of a blackout: [from, until]; at is the
// moment a weekly or one-off blackout keeps clear before (zero for dated).
type interval struct{ from, until, at time.Time }

func (iv interval) describe(b config.Blackout) string {
	if iv.at.IsZero() {
		return "no window " + span(iv.from, iv.until)
	}
	if b.Before.Duration == 0 {
		return "no window across " + stamp(iv.at)
	}
	return fmt.Sprintf("keep %s clear before %s (%s)", duration(b.Before.Duration), stamp(iv.at), span(iv.from, iv.until))
}

// occurrences returns the blackout's intervals that may touch [s, e).
func occurrences(b config.Blackout, loc *time.Location, s, e time.Time) []interval {
	switch {
	case !b.From.IsZero():
		from, _ := b.From.In(loc)
		until, _ := b.Until.In(loc)
		if from.IsZero() { // skipped by a DST change: the wall clock normalised
			from = time.Date(b.From.Year, b.From.Month, b.From.Day, b.From.Hour, b.From.Min, 0, 0, loc)
		}
		if until.IsZero() {
			until = time.Date(b.Until.Year, b.Until.Month, b.Until.Day, b.Until.Hour, b.Until.Min, 0, 0, loc)
		}
		return []interval{{from: from, until: until}}
	case b.Date != nil && b.At != nil:
		at := b.At.On(b.Date.Year, b.Date.Month, b.Date.Day, loc)
		return []interval{{from: at.Add(-b.Before.Duration), until: at, at: at}}
	case b.Weekday != nil && b.At != nil:
		var out []interval
		// Every day from before the window (the margin may reach into it) to after.
		for _, d := range days(s.Add(-b.Before.Duration-24*time.Hour), e.Add(24*time.Hour)) {
			if d.Weekday() != b.Weekday.Weekday {
				continue
			}
			at := b.At.On(d.Year(), d.Month(), d.Day(), loc)
			out = append(out, interval{from: at.Add(-b.Before.Duration), until: at, at: at})
		}
		return out
	}
	return nil
}

// notice: the first email about the window (announce, else the reminder)
// must go out at least the instance's minimum notice, in calendar days,
// before the start. The schedule's moments count as they are (whether they
// were sent is the ledger's business); a candidate slot's cannot go out
// before now.
func (c *checker) notice(in *config.Instance, w *config.Window, candidate bool) string {
	minDays := in.MinNotice()
	if minDays == 0 {
		return ""
	}
	loc := in.Location()
	start := w.Begin().In(loc)
	deadline := start.AddDate(0, 0, -minDays)
	src := "min_notice_days, " + c.inInstances("instances."+in.Key+".min_notice_days")
	if in.MinNoticeDays == nil {
		src = fmt.Sprintf("the default; min_notice_days in %s changes it", c.inst.File)
	}
	now := time.Time{}
	if candidate {
		now = c.now
	}
	n, at, ok := firstNotice(in, timing.Moments(in, w, c.sched), now)
	switch {
	case !ok:
		return fmt.Sprintf("no email tells %s's users before the window (notices = %v); they need %d days' notice (%s)", in.Name, w.Notices, minDays, src)
	case at.After(deadline):
		return fmt.Sprintf("the %s email goes out %s, only %s before the window; %s's users need %d days' notice, by %s (%s)",
			n, stamp(at), duration(start.Sub(at)), in.Name, minDays, stamp(deadline), src)
	}
	return ""
}

// firstNotice returns the first announce or reminder that goes out, and
// when: at its moment, or (when now is set) at now out of quiet hours if its
// moment has passed, provided it is still worth sending then.
func firstNotice(in *config.Instance, ms []timing.Moment, now time.Time) (config.Notice, time.Time, bool) {
	quiet := in.QuietHoursOrDefault()
	for _, m := range ms {
		if m.Notice != config.Announce && m.Notice != config.Reminder {
			continue
		}
		at := m.Due
		if !now.IsZero() && now.After(at) {
			at = quiet.Next(now.In(in.Location()))
		}
		if at.Before(m.Until) {
			return m.Notice, at, true
		}
	}
	return "", time.Time{}, false
}

// testReady: the window's local day must come after the release's test
// days: test_days working days (Monday–Friday) counted from test_ready.
func (c *checker) testReady(in *config.Instance, w *config.Window, _ bool) string {
	r := c.sched.TestReady
	if r == nil {
		return ""
	}
	loc := in.Location()
	earliest := r.In(loc)
	for n := 0; n < c.sched.TestDays; earliest = earliest.AddDate(0, 0, 1) {
		if working(earliest.Weekday()) {
			n++
		}
	}
	start := w.Begin().In(loc)
	if !start.Before(earliest) {
		return ""
	}
	return fmt.Sprintf("%s is ready for testing on %s and testers need %s: the earliest day for a window is %s (test_ready, test_days, %s)",
		c.sched.Release, r.In(loc).Format("Mon 2006-01-02"), english.Count("working_days", c.sched.TestDays), earliest.Format("Mon 2006-01-02"), c.inSchedule("test_ready"))
}

// support: when the instance says when support is on hand, someone must be
// on hand at some point during the window; with after_days, also for the
// rest of the day it ends (some of that day's hours left after it) and on
// the next after_days working days (Monday–Friday).
func (c *checker) support(in *config.Instance, w *config.Window, _ bool) string {
	h := in.Support.Hours
	if h == nil {
		return ""
	}
	loc := in.Location()
	s, e := w.Begin().In(loc), w.LatestEnd().In(loc)
	hours := func(d time.Time) (time.Time, time.Time) {
		return h.From.On(d.Year(), d.Month(), d.Day(), loc), h.To.On(d.Year(), d.Month(), d.Day(), loc)
	}
	var why []string
	during := false
	for _, d := range days(s, e) {
		if from, to := hours(d); h.On(d.Weekday()) && from.Before(e) && s.Before(to) {
			during = true
		}
	}
	if !during {
		why = append(why, "not on hand during the window ("+span(s, e)+")")
	}
	if a := in.Support.AfterDays; a != nil {
		end := e
		if _, to := hours(end); !h.On(end.Weekday()) || !end.Before(to) {
			why = append(why, "not on hand for the rest of "+end.Format("Mon 2006-01-02")+" after the window")
		}
		for d, n := end, 0; n < *a; {
			d = d.AddDate(0, 0, 1)
			if !working(d.Weekday()) {
				continue
			}
			n++
			if h.On(d.Weekday()) {
				continue
			}
			if *a == 1 {
				why = append(why, fmt.Sprintf("not on hand on %s, the next working day", d.Format("Mon 2006-01-02")))
			} else {
				why = append(why, fmt.Sprintf("not on hand on %s, working day %d of the %d after the window", d.Format("Mon 2006-01-02"), n, *a))
			}
		}
	}
	if len(why) == 0 {
		return ""
	}
	key := "instances." + in.Key + ".support.hours"
	return fmt.Sprintf("support (%s %s) is %s (%s)", h, loc, strings.Join(why, "; "), c.inInstances(key))
}

// operatorHours: the whole window must lie within one working day of its
// operator, in their zone.
func (c *checker) operatorHours(_ *config.Instance, w *config.Window, _ bool) string {
	o := c.sched.Operator(w)
	if o == nil {
		return ""
	}
	loc := o.Location()
	h := o.WorkingHours()
	s, e := w.Begin().In(loc), w.LatestEnd().In(loc)
	from, to := h.From.On(s.Year(), s.Month(), s.Day(), loc), h.To.On(s.Year(), s.Month(), s.Day(), loc)
	if h.On(s.Weekday()) && !s.Before(from) && !e.After(to) {
		return ""
	}
	src := "operators." + o.Key + ".hours"
	if o.Hours == nil {
		src = "the default; operators." + o.Key + ".hours changes it"
	}
	return fmt.Sprintf("runs %s for %s, outside their working hours %s %s (%s)", span(s, e), o.Key, h, loc, src)
}

// operatorOverlap: an operator runs one window at a time.
func (c *checker) operatorOverlap(_ *config.Instance, w *config.Window, _ bool) string {
	o := c.sched.Operator(w)
	if o == nil {
		return ""
	}
	loc := o.Location()
	var why []string
	for _, other := range c.windows {
		if other.Instance == w.Instance || other.Operator != w.Operator {
			continue
		}
		if other.Begin().Before(w.LatestEnd()) && w.Begin().Before(other.LatestEnd()) {
			why = append(why, fmt.Sprintf("%s also runs %s's window then (%s)", o.Key, other.Instance, span(other.Begin().In(loc), other.LatestEnd().In(loc))))
		}
	}
	return strings.Join(why, "; ")
}

// working reports whether d is a working day (Monday–Friday).
func working(d time.Weekday) bool { return d != time.Saturday && d != time.Sunday }

// days returns noon of every local date that [s, e) touches, in s's zone.
// (Noon: midnight does not exist everywhere on DST days.)
func days(s, e time.Time) []time.Time {
	loc := s.Location()
	last := e.In(loc)
	if e.After(s) {
		last = e.Add(-time.Nanosecond).In(loc)
	}
	ly, lm, ld := last.Date()
	lastDay := time.Date(ly, lm, ld, 12, 0, 0, 0, loc)
	y, m, d := s.Date()
	var out []time.Time
	for i := 0; ; i++ {
		t := time.Date(y, m, d+i, 12, 0, 0, 0, loc)
		if t.After(lastDay) {
			return out
		}
		out = append(out, t)
	}
}

// stamp writes an instant as "Mon 2006-01-02 15:04 MST" in its own zone.
func stamp(t time.Time) string { return t.Format("Mon 2006-01-02 15:04 MST") }

// span writes [s, e] in s's zone: "Mon 2019-05-06 03:00–06:00 EDT", with
// both abbreviations when DST changes inside and both dates across midnight.
func span(s, e time.Time) string {
	e = e.In(s.Location())
	sameDay := s.YearDay() == e.YearDay() && s.Year() == e.Year()
	switch {
	case sameDay && s.Format("MST") == e.Format("MST"):
		return s.Format("Mon 2006-01-02 15:04") + "–" + e.Format("15:04 MST")
	case sameDay:
		return s.Format("Mon 2006-01-02 15:04 MST") + "–" + e.Format("15:04 MST")
	default:
		return stamp(s) + " – " + stamp(e)
	}
}

// duration writes d as "6 days 19h", "12h", "1h30m".
func duration(d time.Duration) string {
	const day = 24 * time.Hour
	n, h, m := d/day, d%day/time.Hour, d%time.Hour/time.Minute
	var b strings.Builder
	switch {
	case n == 1:
		b.WriteString("1 day")
	case n > 1:
		fmt.Fprintf(&b, "%d days", n)
	}
	if (h > 0 || m > 0) && b.Len() > 0 {
		b.WriteByte(' ')
	}
	if h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dm", m)
	}
	if b.Len() == 0 {
		return "0m"
	}
	return b.String()
}

package plan

import (
	"fmt"
	"slices"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/timeline"
)

// Chart returns the plan as a timeline picture: a lane per window's
// instance (in order of start) with its window, night, busy weekdays and
// blackouts; a row per operator with their working hours; and every
// finding as a note.
func (p *Plan) Chart() *timeline.Chart {
	c := &timeline.Chart{Title: fmt.Sprintf("%s (%s)", p.Campaign, p.Release)}
	for _, w := range p.Windows {
		in, win := w.Instance, w.Window
		loc := in.Location()
		label := localSpan(win.Begin().In(loc), win.End().In(loc))
		if x := win.Extra.Duration; x > 0 {
			label += " (+" + duration(x) + ")"
		}
		c.Lanes = append(c.Lanes, timeline.Lane{
			Key: in.Key, Label: in.Key + " · " + loc.String(), Zone: loc,
			Windows: []timeline.Bar{{Start: win.Begin(), End: win.End(), Latest: win.LatestEnd(), Label: label, Cancelled: win.Cancelled}},
		})
		for _, f := range w.Findings {
			c.Notes = append(c.Notes, timeline.Note{Lane: in.Key, Text: fmt.Sprintf("%s %s: %s", f.Severity, f.Rule, f.Why)})
		}
	}
	from, until := c.Range()
	if from.IsZero() {
		return c
	}
	// A day either side, for zones far from UTC.
	from, until = from.Add(-24*time.Hour), until.Add(24*time.Hour)
	for i, w := range p.Windows {
		in := w.Instance
		loc := in.Location()
		lane := &c.Lanes[i]
		for _, d := range days(from.In(loc), until.In(loc)) {
			if slices.ContainsFunc(in.BusyWeekdays, func(b config.Weekday) bool { return b.Weekday == d.Weekday() }) {
				lane.Busy = append(lane.Busy, timeline.Span{From: midnight(d), Until: midnight(d.AddDate(0, 0, 1)), Label: "busy: " + d.Weekday().String()})
			}
		}
		for _, d := range in.BusyWeekdays {
			lane.Rules = append(lane.Rules, "busy on "+d.Weekday.String()+" (local day)")
		}
		for _, b := range in.Blackouts {
			lane.Rules = append(lane.Rules, blackoutRule(b, loc))
			seen := map[time.Time]bool{}
			for _, iv := range occurrences(b, loc, from.In(loc), until.In(loc)) {
				if seen[iv.from] || !iv.until.After(from) || !iv.from.Before(until) {
					continue
				}
				seen[iv.from] = true
				lane.Blackouts = append(lane.Blackouts, timeline.Span{From: iv.from, Until: iv.until, Label: "blackout: " + b.Reason})
			}
		}
	}
	var ops []*config.Operator
	for _, w := range p.Windows {
		if w.Operator != nil && !slices.Contains(ops, w.Operator) {
			ops = append(ops, w.Operator)
		}
	}
	for _, o := range ops {
		loc := o.Location()
		h := o.WorkingHours()
		row := timeline.Operator{Label: o.Key + " works · " + loc.String()}
		for _, d := range days(from.In(loc), until.In(loc)) {
			if h.On(d.Weekday()) {
				row.Hours = append(row.Hours, timeline.Span{
					From:  h.From.On(d.Year(), d.Month(), d.Day(), loc),
					Until: h.To.On(d.Year(), d.Month(), d.Day(), loc),
					Label: fmt.Sprintf("%s works %s", o.Key, h),
				})
			}
		}
		c.Operators = append(c.Operators, row)
	}
	return c
}

// midnight is the start of d's local day (where DST skips midnight, Go's
// time.Date moves it to the first instant that exists).
func midnight(d time.Time) time.Time {
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, d.Location())
}

// localSpan writes a window's local times for its bar: "Tue 09:00–11:00
// CEST", "Tue 21:00–Wed 01:00 AEST" (the block gives the UTC date).
func localSpan(s, e time.Time) string {
	switch {
	case s.YearDay() != e.YearDay():
		return s.Format("Mon 15:04") + "–" + e.Format("Mon 15:04 MST")
	case s.Format("MST") != e.Format("MST"):
		return s.Format("Mon 15:04 MST") + "–" + e.Format("15:04 MST")
	}
	return s.Format("Mon 15:04") + "–" + e.Format("15:04 MST")
}

// blackoutRule says what a blackout keeps clear, in the instance's zone.
func blackoutRule(b config.Blackout, loc *time.Location) string {
	var what string
	switch {
	case !b.From.IsZero():
		what = fmt.Sprintf("blackout from %s until %s %s", b.From, b.Until, loc)
	case b.Date != nil && b.At != nil:
		what = fmt.Sprintf("blackout %s before %04d-%02d-%02d %s %s", duration(b.Before.Duration), b.Date.Year, b.Date.Month, b.Date.Day, b.At, loc)
	case b.Weekday != nil && b.At != nil:
		what = fmt.Sprintf("blackout %s before every %s %s %s", duration(b.Before.Duration), b.Weekday.Weekday, b.At, loc)
	default:
		what = "blackout"
	}
	if b.Reason != "" {
		what += " (" + b.Reason + ")"
	}
	return what
}

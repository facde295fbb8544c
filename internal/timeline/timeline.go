// Package timeline draws a rollout as one SVG picture on a UTC axis: every
// maintenance window, each instance's local night, its busy weekdays and
// blackouts, the operators' working hours, and the plan's warnings — so that
// "is 9:00 in Europe the afternoon in Canada?" is answered by looking.
//
// The axis is UTC, cut into the days that hold a window (a rollout spreads a
// few hours of work over weeks; at one scale a window would be a pixel), one
// block per day, stacked, each 00:00–24:00 UTC, with the days left out
// between them said in words. Nothing relies on colour alone: every kind of
// shape has its own texture, a legend, a label or a <title>.
//
// The package knows no configuration: the caller (internal/plan) turns its
// windows and rules into a Chart.
package timeline

import (
	"slices"
	"time"
)

// Chart is what the picture shows.
type Chart struct {
	// Title names the picture (its <title>), e.g. "ofn-v2-2019 (v2.0.0)".
	Title string
	// Lanes are the instances, top to bottom.
	Lanes []Lane
	// Operators are drawn as rows above the lanes: when each one works.
	Operators []Operator
	// Notes are the plan's warnings and errors, numbered from 1 in order;
	// a window's label names the notes about it.
	Notes []Note
	// NightFrom and NightTo bound the local night shaded on every lane
	// (default 22:00–07:00).
	NightFrom, NightTo Clock
}

// Clock is a time of day.
type Clock struct{ Hour, Minute int }

func (c Clock) on(d time.Time) time.Time {
	y, m, dd := d.Date()
	return time.Date(y, m, dd, c.Hour, c.Minute, 0, 0, d.Location())
}

// Lane is one instance.
type Lane struct {
	Key   string         // "katuma": notes refer to it
	Label string         // "katuma · Europe/Madrid"
	Zone  *time.Location // for its nights
	// Windows are its maintenance windows (usually one).
	Windows []Bar
	// Busy are its busy weekdays, as local days; Blackouts its blackouts.
	Busy, Blackouts []Span
	// Rules say in words what Busy and Blackouts draw ("busy on Monday"),
	// listed under the picture: most fall on days it does not show.
	Rules []string
}

// Bar is one window: from Start to End expected, possibly until Latest.
type Bar struct {
	Start, End, Latest time.Time
	// Label is written beside the bar, e.g. "09:00–11:00 CEST (+1h)".
	Label     string
	Cancelled bool
}

// Span is a stretch of time with a label ("busy: Monday", "blackout: …").
type Span struct {
	From, Until time.Time
	Label       string
}

// Operator is one person running deploys and when they work.
type Operator struct {
	Label string // "pau · Europe/Madrid"
	Hours []Span
}

// Note is one finding about a lane's window.
type Note struct {
	Lane string // a Lane's Key
	Text string // "warning support: …"
}

// Days returns the UTC days (midnight UTC) that any window of the chart
// touches, from its start to its latest end, in order.
func (c *Chart) Days() []time.Time {
	seen := map[time.Time]bool{}
	var out []time.Time
	for _, l := range c.Lanes {
		for _, b := range l.Windows {
			end := b.Latest
			if end.Before(b.End) {
				end = b.End
			}
			for d := b.Start.UTC().Truncate(24 * time.Hour); d.Before(end); d = d.Add(24 * time.Hour) {
				if !seen[d] {
					seen[d] = true
					out = append(out, d)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// Range returns the first and last instants the chart shows: the callers
// compute busy days, blackouts and working hours over it.
func (c *Chart) Range() (from, until time.Time) {
	d := c.Days()
	if len(d) == 0 {
		return time.Time{}, time.Time{}
	}
	return d[0], d[len(d)-1].Add(24 * time.Hour)
}

func (c *Chart) night() (Clock, Clock) {
	if c.NightFrom == (Clock{}) && c.NightTo == (Clock{}) {
		return Clock{22, 0}, Clock{7, 0}
	}
	return c.NightFrom, c.NightTo
}

// nights returns the lane's nights that touch [from, until).
func nights(zone *time.Location, nf, nt Clock, from, until time.Time) []Span {
	var out []Span
	start := from.In(zone).AddDate(0, 0, -1)
	for d := start; d.Before(until.In(zone).AddDate(0, 0, 1)); d = d.AddDate(0, 0, 1) {
		a := nf.on(d)
		b := nt.on(d)
		if !b.After(a) {
			b = nt.on(d.AddDate(0, 0, 1))
		}
		if b.After(from) && a.Before(until) {
			out = append(out, Span{From: a, Until: b})
		}
	}
	return out
}

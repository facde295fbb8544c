// Package timing works out when each notice of a maintenance window is due,
// in the instance's own time zone: the default moments (a week before, the day
// before, at the start, after the end), quiet hours, and how long a notice
// stays worth sending when the sender was down and runs late.
package timing

import (
	"fmt"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
)

// Moment is when one notice is due and until when it is still worth sending.
type Moment struct {
	Notice config.Notice
	// Planned is the configured moment; Due is Planned moved out of quiet
	// hours (for announce and reminder only).
	Planned, Due time.Time
	// Until is the end of its validity: after it, a notice not yet sent is
	// skipped and reported as expired — never a "tomorrow" after the fact.
	Until time.Time
	// Superseded names the notice whose moment ends this one's validity
	// early, if any (an announce not sent by the time the reminder is due is
	// not sent at all: the reminder carries the news).
	Superseded config.Notice
	// Earliest is when a send by hand stops being a mistake: a coordinator
	// may send a notice somewhat early, never much (see Moments).
	Earliest time.Time
}

// DefaultStartEarly is how long before its moment the start notice may be
// sent by hand when the schedule's [manual_early] does not say.
const DefaultStartEarly = time.Hour

// Moments returns the window's notices in sending order with their moments.
func Moments(in *config.Instance, w *config.Window, s *config.Schedule) []Moment {
	loc := in.Location()
	start, end := w.Begin().In(loc), w.LatestEnd().In(loc)
	quiet := in.QuietHoursOrDefault()
	var out []Moment
	for _, n := range config.Notices {
		if !w.Sends(n) {
			continue
		}
		rule := s.SendRule(w.Instance, n)
		var planned time.Time
		switch n {
		case config.Announce, config.Reminder:
			planned = daysBefore(start, rule)
		case config.Start:
			planned = start.Add(rule.After.Duration)
		case config.Done:
			planned = end.Add(rule.After.Duration)
		}
		m := Moment{Notice: n, Planned: planned, Due: planned}
		switch n {
		case config.Announce, config.Reminder:
			m.Due = quiet.Next(planned)
			m.Until = start
		case config.Start:
			m.Until = w.End().In(loc)
		case config.Done:
			m.Until = planned.Add(24 * time.Hour)
		}
		out = append(out, m)
	}
	// By hand, unless [manual_early] says otherwise: the announce may go
	// early by as much as it comes before the window (more notice is no
	// harm; two weeks is the limit of a week's notice), the reminder not
	// before the announce's moment (a reminder a week early reminds of
	// nothing), the start an hour early (the deploy may begin early), the
	// done once the window has begun (the work may finish early, never
	// before it started). Quiet hours move nothing here: Planned counts.
	for i := range out {
		m := &out[i]
		if d, ok := s.ManualEarly[string(m.Notice)]; ok {
			m.Earliest = m.Planned.Add(-d.Duration)
			continue
		}
		days := max(s.SendRule(w.Instance, m.Notice).DaysBefore, 1)
		switch m.Notice {
		case config.Announce:
			m.Earliest = m.Planned.AddDate(0, 0, -days)
		case config.Reminder:
			m.Earliest = m.Planned.AddDate(0, 0, -days)
			for _, prev := range out[:i] {
				if prev.Notice == config.Announce && prev.Planned.Before(m.Planned) {
					m.Earliest = prev.Planned
				}
			}
		case config.Start:
			m.Earliest = m.Planned.Add(-DefaultStartEarly)
		case config.Done:
			m.Earliest = start
		}
		if m.Earliest.After(m.Planned) {
			m.Earliest = m.Planned
		}
	}
	// An announce still unsent when the reminder is due is superseded by it.
	for i := range out {
		if out[i].Notice != config.Announce {
			continue
		}
		for _, later := range out[i+1:] {
			if later.Notice == config.Reminder && later.Due.Before(out[i].Until) {
				out[i].Until, out[i].Superseded = later.Due, config.Reminder
			}
		}
	}
	return out
}

// daysBefore is the moment `rule.DaysBefore` calendar days before start, at
// `rule.At` local time (the start's time of day when unset). Calendar days in
// the zone, not multiples of 24 hours: "the day before at 10:00" stays 10:00
// across a DST change.
func daysBefore(start time.Time, rule config.SendRule) time.Time {
	h, m := start.Hour(), start.Minute()
	if rule.At != nil {
		h, m = rule.At.Hour, rule.At.Minute
	}
	y, mo, d := start.Date()
	t := time.Date(y, mo, d-rule.DaysBefore, h, m, 0, 0, start.Location())
	return t
}

// State is where a notice stands at a given moment.
type State string

// States of a notice, as `announce status` shows them.
const (
	Waiting State = "waiting" // its moment has not come
	Due     State = "due"     // its moment has come and it is still valid
	Expired State = "expired" // its validity ended before it was sent
)

// At says whether m is waiting, due or expired at now.
func (m Moment) At(now time.Time) State {
	switch {
	case now.Before(m.Due):
		return Waiting
	case now.Before(m.Until):
		return Due
	default:
		return Expired
	}
}

func (m Moment) String() string {
	return fmt.Sprintf("%s due %s until %s", m.Notice, m.Due.Format(time.RFC3339), m.Until.Format(time.RFC3339))
}

// RulesHelp says, for due's --help, when each notice is due and how long a
// late one is still sent (Moments and the catch-up rules here).
const RulesHelp = `The moments: announce 7 days before the window,
reminder the day before, start at the start, done after the latest end; [send] in the
schedule changes them. Announce and reminder wait out quiet hours (default
21:00–08:00 local). After downtime a late notice is still sent while it makes sense —
announce and reminder before the window starts (an announce not sent by the reminder's
moment is skipped: the reminder carries the news), start before the window ends, done
within a day — otherwise it is recorded as expired and reported.`

package config

import "time"

// QuietHours is a daily period in which announce and reminder emails wait
// (people do not want service mail at night). From may be after To: the
// period then spans midnight.
type QuietHours struct {
	From ClockTime `toml:"from"`
	To   ClockTime `toml:"to"`
}

// DefaultQuietHours applies when an instance sets none: 21:00–08:00.
var DefaultQuietHours = QuietHours{From: ClockTime{21, 0}, To: ClockTime{8, 0}}

// QuietHoursOrDefault returns the instance's quiet hours.
func (i *Instance) QuietHoursOrDefault() QuietHours {
	if i.QuietHours != nil {
		return *i.QuietHours
	}
	return DefaultQuietHours
}

// Contains reports whether t's local time of day is inside the period.
func (q QuietHours) Contains(t time.Time) bool {
	m := t.Hour()*60 + t.Minute()
	from, to := q.From.Hour*60+q.From.Minute, q.To.Hour*60+q.To.Minute
	switch {
	case from == to:
		return false
	case from < to:
		return m >= from && m < to
	default:
		return m >= from || m < to
	}
}

// Next returns t, or the end of the quiet period t falls in (in t's zone).
func (q QuietHours) Next(t time.Time) time.Time {
	if !q.Contains(t) {
		return t
	}
	y, mo, d := t.Date()
	end := time.Date(y, mo, d, q.To.Hour, q.To.Minute, 0, 0, t.Location())
	if !end.After(t) {
		end = time.Date(y, mo, d+1, q.To.Hour, q.To.Minute, 0, 0, t.Location())
	}
	return end
}

// SendRule says when a notice goes out. Announce and reminder: DaysBefore
// calendar days before the window's start, at At local time (the start's time
// of day when unset). Start and done: After the window's start, or its latest
// end (end plus the possible extra time).
type SendRule struct {
	DaysBefore int        `toml:"days_before"`
	At         *ClockTime `toml:"at"`
	After      Duration   `toml:"after"`
}

// defaultRules: announce a week before, reminder the day before, both at the
// window's time of day; start at the start; done at the latest end.
var defaultRules = map[Notice]SendRule{
	Announce: {DaysBefore: 7},
	Reminder: {DaysBefore: 1},
	Start:    {},
	Done:     {},
}

// SendRule returns the rule for one instance's notice: the window's own, else
// the campaign's, else the default.
func (s *Schedule) SendRule(instance string, n Notice) SendRule {
	if w, ok := s.Windows[instance]; ok {
		if r, ok := w.Send[string(n)]; ok {
			return r
		}
	}
	if r, ok := s.Send[string(n)]; ok {
		return r
	}
	return defaultRules[n]
}

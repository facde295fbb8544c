package config

import (
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // zones must resolve the same on every machine, with or without /usr/share/zoneinfo
)

// Notice is one kind of message sent about a window.
type Notice string

// The four notices of a window, in the order they go out.
const (
	Announce Notice = "announce" // about a week before
	Reminder Notice = "reminder" // the day before
	Start    Notice = "start"    // maintenance has begun
	Done     Notice = "done"     // all clear
)

// Notices sent when a window changes after users were told of it.
const (
	Reschedule Notice = "reschedule" // the window moved: old and new times
	Cancel     Notice = "cancel"     // the window is called off
)

// Notices lists the scheduled notice kinds in sending order.
var Notices = []Notice{Announce, Reminder, Start, Done}

// ChangeNotices are the notices a change of plan sends.
var ChangeNotices = []Notice{Reschedule, Cancel}

// AllNotices is every notice kind: each has templates and messages.
var AllNotices = append(append([]Notice{}, Notices...), ChangeNotices...)

// ParseNotice returns the notice named s.
func ParseNotice(s string) (Notice, error) {
	for _, n := range AllNotices {
		if string(n) == s {
			return n, nil
		}
	}
	return "", fmt.Errorf("unknown notice %q (want one of %s)", s, noticeList())
}

func noticeList() string {
	names := make([]string, len(AllNotices))
	for i, n := range AllNotices {
		names[i] = string(n)
	}
	return strings.Join(names, ", ")
}

// UnmarshalText accepts one of the notice names.
func (n *Notice) UnmarshalText(b []byte) error {
	v, err := ParseNotice(string(b))
	if err != nil {
		return err
	}
	*n = v
	return nil
}

// Zone is a time zone, checked when decoded. It is written as an IANA name
// ("Europe/Madrid") or as the Rails name OFN's config.time_zone and
// ofn-install's `timezone` use ("Madrid", "Eastern Time (US & Canada)");
// either way the Location is the IANA zone, so output shows the IANA name.
type Zone struct{ *time.Location }

//go:generate go run ./gen/railszones -o railszones_gen.go

// UnmarshalText loads the named zone; "Local" and "" are refused because they
// would make the same file mean different times on different machines. An
// IANA name keeps its meaning; any other name is looked up in Rails' table
// (railszones_gen.go, ActiveSupport::TimeZone::MAPPING).
func (z *Zone) UnmarshalText(b []byte) error {
	name := string(b)
	if name == "" || name == "Local" {
		return fmt.Errorf("time zone %q: give an IANA name such as Europe/Madrid", name)
	}
	loc, err := time.LoadLocation(name)
	if iana, ok := railsZones[name]; ok && err != nil {
		loc, err = time.LoadLocation(iana)
	}
	if err != nil {
		return fmt.Errorf("unknown time zone %q (want an IANA name such as Europe/Madrid, or a Rails name such as Madrid)", name)
	}
	z.Location = loc
	return nil
}

// Duration is a time.Duration written as "2h", "90m" or "1h30m".
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("bad duration %q (want e.g. \"2h\" or \"1h30m\")", b)
	}
	if v < 0 {
		return fmt.Errorf("negative duration %q", b)
	}
	d.Duration = v
	return nil
}

// Weekday is a day name such as "monday".
type Weekday struct{ time.Weekday }

// UnmarshalText accepts English day names, full or three letters, any case.
func (w *Weekday) UnmarshalText(b []byte) error {
	s := strings.ToLower(string(b))
	for d := time.Sunday; d <= time.Saturday; d++ {
		full := strings.ToLower(d.String())
		if s == full || s == full[:3] {
			w.Weekday = d
			return nil
		}
	}
	return fmt.Errorf("unknown weekday %q (want e.g. \"monday\")", b)
}

// ClockTime is a wall-clock time of day, "09:00".
type ClockTime struct{ Hour, Minute int }

// UnmarshalText parses "HH:MM".
func (c *ClockTime) UnmarshalText(b []byte) error {
	t, err := time.Parse("15:04", string(b))
	if err != nil {
		return fmt.Errorf("bad time of day %q (want \"HH:MM\", e.g. \"09:00\")", b)
	}
	c.Hour, c.Minute = t.Hour(), t.Minute()
	return nil
}

// String formats the time as HH:MM.
func (c ClockTime) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// On returns the instant of this wall-clock time on the given local date.
func (c ClockTime) On(year int, month time.Month, day int, loc *time.Location) time.Time {
	return time.Date(year, month, day, c.Hour, c.Minute, 0, 0, loc)
}

// LocalDateTime is a date and wall-clock time without a zone: the instance's
// zone gives it meaning. Written as a TOML local date-time (2019-05-07T09:00:00)
// or a string "2019-05-07 09:00". A UTC offset may follow
// (2019-10-27T02:30:00+01:00): it says which pass of an hour that happens twice
// is meant, the night the clocks go back, and must be one the zone has then.
type LocalDateTime struct {
	Year      int
	Month     time.Month
	Day       int
	Hour, Min int
	set       bool
	hasOffset bool
	offset    int // seconds east of UTC, when hasOffset
}

// UnmarshalTOML accepts a TOML local or offset date-time, or a string.
func (l *LocalDateTime) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case time.Time:
		*l = LocalDateTime{Year: v.Year(), Month: v.Month(), Day: v.Day(), Hour: v.Hour(), Min: v.Minute(), set: true}
		// BurntSushi/toml gives local date-times a zone named "datetime-local".
		if v.Location().String() != "datetime-local" {
			_, l.offset = v.Zone()
			l.hasOffset = true
		}
		if v.Second() != 0 || v.Nanosecond() != 0 {
			return fmt.Errorf("start %s: seconds are not supported", v.Format("2006-01-02T15:04:05"))
		}
		return nil
	case string:
		for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04Z07:00", "2006-01-02T15:04Z07:00"} {
			if t, err := time.Parse(layout, v); err == nil {
				*l = LocalDateTime{Year: t.Year(), Month: t.Month(), Day: t.Day(), Hour: t.Hour(), Min: t.Minute(), set: true}
				if strings.HasSuffix(layout, "Z07:00") {
					_, l.offset = t.Zone()
					l.hasOffset = true
				}
				return nil
			}
		}
		return fmt.Errorf("bad local date-time %q (want 2019-05-07T09:00:00, or 2019-10-27T02:30:00+01:00 for one pass of a repeated hour)", v)
	default:
		return fmt.Errorf("bad local date-time of type %T (want 2019-05-07T09:00:00)", v)
	}
}

// IsZero reports whether no value was given.
func (l LocalDateTime) IsZero() bool { return !l.set }

// In returns the instant this wall-clock time names in loc, or an error when
// it does not exist there (skipped by a DST change) or its offset is not one
// loc has then. See Resolve for a time that happens twice.
func (l LocalDateTime) In(loc *time.Location) (time.Time, error) {
	t, _, err := l.Resolve(loc)
	return t, err
}

// Resolve is In, and says when the time happens twice in loc (the clocks go
// back) and no offset was written: the first pass is taken, the earlier
// instant, and ambiguous says so, for a warning.
func (l LocalDateTime) Resolve(loc *time.Location) (t time.Time, ambiguous string, err error) {
	passes := l.passes(loc)
	if l.hasOffset {
		for _, p := range passes {
			if _, off := p.Zone(); off == l.offset {
				return p, "", nil
			}
		}
		if len(passes) == 0 {
			return time.Time{}, "", fmt.Errorf("%s does not exist in %s (skipped by a daylight-saving change)", l, loc)
		}
		return time.Time{}, "", fmt.Errorf("%s%s: %s is at %s then, not %s", l, offsetString(l.offset), loc, offsetList(passes), offsetString(l.offset))
	}
	switch len(passes) {
	case 0:
		return time.Time{}, "", fmt.Errorf("%s does not exist in %s (skipped by a daylight-saving change)", l, loc)
	case 1:
		return passes[0], "", nil
	}
	first, second := passes[0], passes[1]
	return first, fmt.Sprintf("%s happens twice in %s (the clocks go back); took the first pass, %s%s (%s), not %s%s (%s): write the offset to choose",
		l, loc, l, offsetString(zoneOffset(first)), first.Format("MST"), l, offsetString(zoneOffset(second)), second.Format("MST")), nil
}

// passes returns the instants, earliest first, at which loc's clocks show l:
// none in a gap, two in a repeated hour. Offsets are read a day and a half
// either side, which holds while a zone changes offset at most once in that
// time.
func (l LocalDateTime) passes(loc *time.Location) []time.Time {
	wall := time.Date(l.Year, l.Month, l.Day, l.Hour, l.Min, 0, 0, time.UTC)
	var out []time.Time
	for _, probe := range []time.Time{wall.Add(-36 * time.Hour), wall.Add(36 * time.Hour), time.Date(l.Year, l.Month, l.Day, l.Hour, l.Min, 0, 0, loc)} {
		t := wall.Add(-time.Duration(zoneOffset(probe.In(loc))) * time.Second).In(loc)
		y, m, d := t.Date()
		if y != l.Year || m != l.Month || d != l.Day || t.Hour() != l.Hour || t.Minute() != l.Min {
			continue
		}
		if !slices.ContainsFunc(out, t.Equal) {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// StartText writes t as a schedule's start: its local date-time, with its UTC
// offset only where the local time happens twice, so that the text names t
// and no other instant.
func StartText(t time.Time) string {
	s := t.Format("2006-01-02T15:04:05")
	l := LocalDateTime{Year: t.Year(), Month: t.Month(), Day: t.Day(), Hour: t.Hour(), Min: t.Minute(), set: true}
	if len(l.passes(t.Location())) > 1 {
		s += t.Format("-07:00")
	}
	return s
}

func zoneOffset(t time.Time) int {
	_, off := t.Zone()
	return off
}

// offsetString writes seconds east of UTC as TOML does: "+01:00".
func offsetString(off int) string {
	return time.Date(2000, 1, 1, 0, 0, 0, 0, time.FixedZone("", off)).Format("-07:00")
}

func offsetList(ts []time.Time) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = offsetString(zoneOffset(t))
	}
	return strings.Join(s, " or ")
}

func (l LocalDateTime) String() string {
	return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d", l.Year, l.Month, l.Day, l.Hour, l.Min)
}

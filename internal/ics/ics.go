// Package ics writes maintenance windows as iCalendar (RFC 5545): the
// calendar of a whole rollout, and one window's calendar to attach to its
// notices as an iTIP message (RFC 5546: PUBLISH, later REQUEST or CANCEL
// with a higher SEQUENCE when the window changes).
//
// Times are written in the instance's zone (TZID, with a VTIMEZONE built
// from Go's zone data covering the windows), or in UTC where the local time
// is ambiguous (the hour repeated when DST ends), so that every client reads
// the exact instants and a window keeps its length across a DST change.
//
// github.com/arran4/golang-ical does the writing (escaping, line folding,
// CRLF) and the tests' parsing; it does not build VTIMEZONEs, so this
// package does, from time.Time.ZoneBounds.
package ics

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	ical "github.com/arran4/golang-ical"
	"github.com/google/uuid"

	"github.com/openfoodfoundation/announce/internal/config"
)

// ProdID names announce as the calendars' producer.
const ProdID = "-//Open Food Network//announce//EN"

// Method is an iTIP method (RFC 5546).
type Method string

// Methods for one window's calendar. PUBLISH announces the window to people
// who need not answer; after a change, the same UID with a higher SEQUENCE
// updates it (PUBLISH again, or REQUEST when recipients are attendees), and
// CANCEL with a higher SEQUENCE removes it.
const (
	Publish Method = "PUBLISH"
	Request Method = "REQUEST"
	Cancel  Method = "CANCEL"
)

// ContentType is the MIME type of a window's calendar part, method
// included as RFC 6047 asks: "text/calendar; charset=UTF-8; method=PUBLISH".
func ContentType(m Method) string {
	return "text/calendar; charset=UTF-8; method=" + string(m)
}

// uidSpace is announce's UUID namespace for UIDs (a UUIDv5 of its module path).
var uidSpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/openfoodfoundation/announce"))

// UID is the stable UID of a campaign's window on an instance: a name-based
// UUID (RFC 9562 version 5, as RFC 7986 recommends for UIDs) of both, so the
// same window keeps its UID across runs, reschedules and machines, and
// different pairs never share one.
func UID(campaign, instance string) string {
	return uuid.NewSHA1(uidSpace, []byte(campaign+"\x00"+instance)).String()
}

// PlanUID is the UID of a window in the rollout calendar (WriteRollout),
// never the notices' UID: a coordinator who imports the plan into the same
// calendar as a notice they received would otherwise see one event replace
// the other, and the plan's SEQUENCE (always its own) fight the notices'.
func PlanUID(campaign, instance string) string {
	return uuid.NewSHA1(uidSpace, []byte("plan\x00"+campaign+"\x00"+instance)).String()
}

// RolloutOptions change the rollout calendar.
type RolloutOptions struct {
	// Stamp is every event's DTSTAMP: when the calendar was made. Required.
	Stamp time.Time
	// Sequence returns the SEQUENCE of an instance's window (how often it
	// changed after it was announced); nil: 0 for every window.
	Sequence func(instance string) int
}

// WriteRollout writes every window of the schedule as one calendar, one
// VEVENT each in instance key order; a cancelled window is STATUS:CANCELLED.
// It has no METHOD: it is a calendar file, not an iTIP message.
func WriteRollout(w io.Writer, inst *config.Instances, sched *config.Schedule, opts RolloutOptions) error {
	if opts.Stamp.IsZero() {
		return errors.New("ics: a calendar needs a stamp (DTSTAMP)")
	}
	cal := newCalendar()
	name := fmt.Sprintf("%s (%s) maintenance windows", sched.Campaign, sched.Release)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	var evs []event
	for _, key := range inst.Keys() {
		win, ok := sched.Window(key)
		if !ok {
			continue
		}
		seq := 0
		if opts.Sequence != nil {
			seq = opts.Sequence(key)
		}
		evs = append(evs, event{uid: PlanUID(sched.Campaign, key), in: inst.Instances[key], win: win, sched: sched, stamp: opts.Stamp, seq: seq, cancelled: win.Cancelled})
	}
	return write(w, cal, evs)
}

// WindowOptions change one window's calendar.
type WindowOptions struct {
	// Method is the iTIP method (default Publish).
	Method Method
	// Sequence is 0 for the first announcement and grows with each change
	// of the window (RFC 5545 3.8.7.4).
	Sequence int
	// Stamp is DTSTAMP: when the message was made. Required.
	Stamp time.Time
	// Summary and Description replace the English defaults (say, with the
	// reader's language).
	Summary, Description string
	// Attendees are addresses; REQUEST needs at least one (RFC 5546 3.2.2).
	Attendees []string
	// Name and Refresh are for a calendar people subscribe to (the status
	// site's): its name (RFC 7986 NAME, and X-WR-CALNAME for clients that
	// read only that) and how often to fetch it again (REFRESH-INTERVAL,
	// X-PUBLISHED-TTL). Zero: not written, as in a notice's calendar.
	Name    string
	Refresh time.Duration
}

// Window returns one window's calendar (METHOD, one VEVENT, its VTIMEZONE),
// for a text/calendar part of a notice (see ContentType).
func Window(in *config.Instance, win *config.Window, sched *config.Schedule, opts WindowOptions) ([]byte, error) {
	if opts.Method == "" {
		opts.Method = Publish
	}
	switch {
	case opts.Stamp.IsZero():
		return nil, errors.New("ics: a calendar needs a stamp (DTSTAMP)")
	case opts.Method != Publish && opts.Method != Request && opts.Method != Cancel:
		return nil, fmt.Errorf("ics: unknown method %q (want PUBLISH, REQUEST or CANCEL)", opts.Method)
	case opts.Method == Request && len(opts.Attendees) == 0:
		return nil, errors.New("ics: REQUEST needs at least one attendee (RFC 5546 3.2.2)")
	case opts.Sequence < 0:
		return nil, fmt.Errorf("ics: negative sequence %d", opts.Sequence)
	}
	cal := newCalendar()
	cal.SetMethod(ical.Method(opts.Method))
	if opts.Name != "" {
		cal.SetName(clean(opts.Name))
		cal.SetXWRCalName(clean(opts.Name))
	}
	if r := opts.Refresh; r > 0 {
		d := fmt.Sprintf("PT%dM", int(r/time.Minute))
		if r%time.Hour == 0 {
			d = fmt.Sprintf("PT%dH", int(r/time.Hour))
		}
		cal.SetRefreshInterval(d) // the library adds VALUE=DURATION
		cal.SetXPublishedTTL(d)
	}
	ev := event{in: in, win: win, sched: sched, stamp: opts.Stamp, seq: opts.Sequence,
		cancelled: opts.Method == Cancel || win.Cancelled,
		summary:   opts.Summary, description: opts.Description, attendees: opts.Attendees}
	var b bytes.Buffer
	if err := write(&b, cal, []event{ev}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func newCalendar() *ical.Calendar {
	cal := ical.NewCalendar()
	cal.SetProductId(ProdID)
	cal.SetCalscale("GREGORIAN")
	return cal
}

// event is what one VEVENT is made of.
type event struct {
	uid                  string // default: UID(campaign, instance)
	in                   *config.Instance
	win                  *config.Window
	sched                *config.Schedule
	stamp                time.Time
	seq                  int
	cancelled            bool
	summary, description string
	attendees            []string
}

// write adds a VTIMEZONE per zone the events use, then the events.
func write(w io.Writer, cal *ical.Calendar, evs []event) error {
	spans := map[string][2]time.Time{} // zone → first start, last end
	var zones []*time.Location
	for _, e := range evs {
		loc := e.in.Location()
		if loc == time.UTC {
			continue // written with Z, no VTIMEZONE
		}
		s, end := e.win.Begin(), e.win.End()
		sp, ok := spans[loc.String()]
		if !ok {
			zones = append(zones, loc)
			sp = [2]time.Time{s, end}
		}
		if s.Before(sp[0]) {
			sp[0] = s
		}
		if end.After(sp[1]) {
			sp[1] = end
		}
		spans[loc.String()] = sp
	}
	slices.SortFunc(zones, func(a, b *time.Location) int { return strings.Compare(a.String(), b.String()) })
	for _, loc := range zones {
		sp := spans[loc.String()]
		cal.AddVTimezone(vtimezone(loc, sp[0], sp[1]))
	}
	for _, e := range evs {
		if err := e.add(cal); err != nil {
			return err
		}
	}
	// RFC 5545 3.1: lines end with CRLF (the library's default is the
	// system's: LF on Unix).
	return cal.SerializeTo(w, ical.WithNewLineWindows)
}

func (e event) add(cal *ical.Calendar) error {
	in, win := e.in, e.win
	uid := e.uid
	if uid == "" {
		uid = UID(e.sched.Campaign, in.Key)
	}
	v := cal.AddEvent(uid)
	v.SetDtStampTime(e.stamp)
	v.SetSequence(e.seq)
	setTime(v, ical.ComponentPropertyDtStart, win.Begin().In(in.Location()))
	setTime(v, ical.ComponentPropertyDtEnd, win.End().In(in.Location()))
	summary := e.summary
	if summary == "" {
		summary = fmt.Sprintf("%s: scheduled maintenance (%s)", in.Name, e.sched.Release)
	}
	v.SetSummary(clean(summary))
	description := e.description
	if description == "" {
		description = defaultDescription(in, win, e.sched)
	}
	v.SetDescription(clean(description))
	if in.Support.Email != "" {
		var params []ical.PropertyParameter
		if safeParam(in.Name) {
			params = append(params, ical.WithCN(in.Name))
		}
		v.SetOrganizer("mailto:"+in.Support.Email, params...)
	}
	if in.Support.URL != "" {
		v.SetURL(in.Support.URL)
	}
	for _, a := range e.attendees {
		v.AddAttendee("mailto:"+a, ical.WithRSVP(false))
	}
	status := ical.ObjectStatusConfirmed
	if e.cancelled {
		status = ical.ObjectStatusCancelled
	}
	v.SetStatus(status)
	// The site being down does not make the reader busy.
	v.SetTimeTransparency(ical.TransparencyTransparent)
	return nil
}

// setTime writes t with its zone's TZID, or in UTC when the wall-clock time
// names two instants (the repeated hour when DST ends): RFC 5545 3.3.5 would
// read it as the first, which would move or shorten the window.
func setTime(v *ical.VEvent, p ical.ComponentProperty, t time.Time) {
	if unique(t) && t.Location() != time.UTC {
		v.SetProperty(p, t.Format("20060102T150405"), ical.WithTZID(t.Location().String()))
		return
	}
	v.SetProperty(p, t.UTC().Format("20060102T150405Z"))
}

// unique reports whether t's wall-clock time occurs once in its zone.
func unique(t time.Time) bool {
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	if !start.IsZero() {
		_, prev := start.Add(-time.Second).In(t.Location()).Zone()
		if prev > off && t.Sub(start) < time.Duration(prev-off)*time.Second {
			return false // the second pass through the repeated hour
		}
	}
	if !end.IsZero() {
		_, next := end.In(t.Location()).Zone()
		if next < off && end.Sub(t) <= time.Duration(off-next)*time.Second {
			return false // the first pass
		}
	}
	return true
}

func defaultDescription(in *config.Instance, win *config.Window, sched *config.Schedule) string {
	loc := in.Location()
	s, e := win.Begin().In(loc), win.End().In(loc)
	var b strings.Builder
	fmt.Fprintf(&b, "%s will not be available from %s to %s (%s) while %s is deployed.",
		in.Name, s.Format("Mon 2006-01-02 15:04 MST"), e.Format("Mon 2006-01-02 15:04 MST"), loc, sched.Release)
	if x := win.Extra.Duration; x > 0 {
		fmt.Fprintf(&b, " It could take up to %s longer.", hm(x))
	}
	if in.Support.Email != "" {
		fmt.Fprintf(&b, "\nQuestions: %s", in.Support.Email)
		if in.Support.URL != "" {
			fmt.Fprintf(&b, " or %s", in.Support.URL)
		}
	}
	return b.String()
}

// hm writes a duration as "1h", "1h30m" or "45m".
func hm(d time.Duration) string {
	h, m := d/time.Hour, d%time.Hour/time.Minute
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%dm", h, m)
}

// clean drops carriage returns (line breaks are written as \n).
func clean(s string) string { return strings.ReplaceAll(s, "\r", "") }

// safeParam reports whether s can be a parameter value as the library
// writes it (unquoted, and it escapes some characters with a backslash,
// which RFC 5545 parameter values do not allow).
func safeParam(s string) bool { return s != "" && !strings.ContainsAny(s, "\",;:\\'\r\n") }

// vtimezone describes loc from the observance in force at from to the last
// change before to, one STANDARD or DAYLIGHT per period with its exact
// onset: no rules to get wrong, only Go's zone data.
func vtimezone(loc *time.Location, from, to time.Time) *ical.VTimezone {
	tz := ical.NewTimezone(loc.String())
	t := from.In(loc)
	for {
		start, end := t.ZoneBounds()
		name, off := t.Zone()
		prev := off
		onset := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(off) * time.Second)
		if !start.IsZero() {
			_, prev = start.Add(-time.Second).In(loc).Zone()
			onset = start
		}
		var c *ical.ComponentBase
		if t.IsDST() {
			d := &ical.Daylight{}
			tz.Components = append(tz.Components, d)
			c = &d.ComponentBase
		} else {
			c = &tz.AddStandard().ComponentBase
		}
		// DTSTART is the onset in the local time before it (RFC 5545 3.6.5).
		c.SetProperty(ical.ComponentPropertyDtStart, onset.UTC().Add(time.Duration(prev)*time.Second).Format("20060102T150405"))
		c.SetProperty(ical.ComponentProperty(ical.PropertyTzoffsetfrom), offset(prev))
		c.SetProperty(ical.ComponentProperty(ical.PropertyTzoffsetto), offset(off))
		c.SetProperty(ical.ComponentProperty(ical.PropertyTzname), name)
		if end.IsZero() || end.After(to) {
			return tz
		}
		t = end.In(loc)
	}
}

// offset writes seconds east of UTC as RFC 5545 3.3.14 does: "+0200", "-0430".
func offset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	s := fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

package ics

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"

	"github.com/openfoodfoundation/announce/internal/config"
)

// parse checks data against RFC 5545's shape — CRLF line ends, lines of at
// most 75 octets, BEGIN/END nesting, the required properties, a VTIMEZONE for
// every TZID — then parses it with golang-ical and returns the calendar.
func parse(t *testing.T, data []byte) *ical.Calendar {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Error("calendar does not end with CRLF")
	}
	var stack []string
	tzids, used := map[string]bool{}, map[string]bool{}
	props := map[string][]string{} // component path → property names
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n") {
		n := i + 1
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d: bare CR or LF", n)
		}
		if len(line) > 75 {
			t.Errorf("line %d: %d octets, over 75: %q", n, len(line), line)
		}
		if strings.HasPrefix(line, " ") {
			continue // folded continuation
		}
		name, value, _ := strings.Cut(line, ":")
		switch {
		case name == "BEGIN":
			stack = append(stack, value)
		case name == "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				t.Fatalf("line %d: END:%s does not close %v", n, value, stack)
			}
			stack = stack[:len(stack)-1]
		default:
			path := strings.Join(stack, "/")
			base, params, _ := strings.Cut(name, ";")
			props[path] = append(props[path], base)
			if path == "VCALENDAR/VTIMEZONE" && base == "TZID" {
				tzids[value] = true
			}
			for _, p := range strings.Split(params, ";") {
				if id, ok := strings.CutPrefix(p, "TZID="); ok {
					used[id] = true
				}
			}
		}
	}
	if len(stack) != 0 {
		t.Errorf("unclosed components %v", stack)
	}
	for id := range used {
		if !tzids[id] {
			t.Errorf("TZID %s has no VTIMEZONE", id)
		}
	}
	for _, p := range []string{"VERSION", "PRODID"} {
		if !slices.Contains(props["VCALENDAR"], p) {
			t.Errorf("VCALENDAR has no %s", p)
		}
	}
	for _, p := range []string{"UID", "DTSTAMP", "DTSTART", "ORGANIZER", "SUMMARY"} {
		if _, ok := props["VCALENDAR/VEVENT"]; ok && !slices.Contains(props["VCALENDAR/VEVENT"], p) {
			t.Errorf("VEVENT has no %s", p)
		}
	}
	cal, err := ical.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("ParseCalendar: %v\n%s", err, data)
	}
	return cal
}

// instant reads a DTSTART or DTEND the way a client that knows only the
// calendar would: a UTC time as it is, a TZID time through the calendar's
// own VTIMEZONE — the observance in force at the instant it would name, the
// earlier instant when two would do (RFC 5545 3.3.5: the first occurrence).
func instant(t *testing.T, cal *ical.Calendar, p *ical.IANAProperty) time.Time {
	t.Helper()
	if v, ok := strings.CutSuffix(p.Value, "Z"); ok {
		u, err := time.Parse("20060102T150405", v)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	ids := p.ICalParameters["TZID"]
	if len(ids) != 1 {
		t.Fatalf("%s %s: no TZID", p.IANAToken, p.Value)
	}
	wall, err := time.Parse("20060102T150405", p.Value)
	if err != nil {
		t.Fatal(err)
	}
	type observance struct {
		onset time.Time
		to    int
	}
	var obs []observance
	for _, tz := range cal.Timezones() {
		if tz.GetProperty(ical.ComponentPropertyTzid).Value != ids[0] {
			continue
		}
		for _, c := range tz.Components {
			var cb *ical.ComponentBase
			switch c := c.(type) {
			case *ical.Standard:
				cb = &c.ComponentBase
			case *ical.Daylight:
				cb = &c.ComponentBase
			default:
				t.Fatalf("VTIMEZONE holds a %T", c)
			}
			from := parseOffset(t, cb.GetProperty(ical.ComponentProperty(ical.PropertyTzoffsetfrom)).Value)
			to := parseOffset(t, cb.GetProperty(ical.ComponentProperty(ical.PropertyTzoffsetto)).Value)
			onsetWall, err := time.Parse("20060102T150405", cb.GetProperty(ical.ComponentPropertyDtStart).Value)
			if err != nil {
				t.Fatal(err)
			}
			// DTSTART of an observance is in the time before its onset.
			obs = append(obs, observance{onsetWall.Add(-time.Duration(from) * time.Second), to})
		}
	}
	if len(obs) == 0 {
		t.Fatalf("no VTIMEZONE %s", ids[0])
	}
	slices.SortFunc(obs, func(a, b observance) int { return a.onset.Compare(b.onset) })
	var found []time.Time
	for i, o := range obs {
		u := wall.Add(-time.Duration(o.to) * time.Second)
		if !u.Before(o.onset) && (i+1 == len(obs) || u.Before(obs[i+1].onset)) {
			found = append(found, u)
		}
	}
	if len(found) == 0 {
		t.Fatalf("%s %s: no observance of %s covers it", p.IANAToken, p.Value, ids[0])
	}
	return slices.MinFunc(found, func(a, b time.Time) int { return a.Compare(b) })
}

func parseOffset(t *testing.T, s string) int {
	t.Helper()
	if len(s) != 5 && len(s) != 7 {
		t.Fatalf("bad UTC offset %q", s)
	}
	h, _ := strconv.Atoi(s[1:3])
	m, _ := strconv.Atoi(s[3:5])
	sec := 0
	if len(s) == 7 {
		sec, _ = strconv.Atoi(s[5:7])
	}
	v := h*3600 + m*60 + sec
	if s[0] == '-' {
		v = -v
	}
	return v
}

// span returns an event's start and end as the calendar says them.
func span(t *testing.T, cal *ical.Calendar, ev *ical.VEvent) (time.Time, time.Time) {
	t.Helper()
	return instant(t, cal, ev.GetProperty(ical.ComponentPropertyDtStart)), instant(t, cal, ev.GetProperty(ical.ComponentPropertyDtEnd))
}

func load(t *testing.T, instances, schedule string) (*config.Instances, *config.Schedule) {
	t.Helper()
	dir := t.TempDir()
	ip, sp := filepath.Join(dir, "instances.toml"), filepath.Join(dir, "schedule.toml")
	for p, s := range map[string]string{ip: instances, sp: schedule} {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inst, err := config.LoadInstances(ip)
	if err != nil {
		t.Fatalf("LoadInstances: %v", err)
	}
	s, err := config.LoadSchedule(sp, inst)
	if err != nil {
		t.Fatalf("LoadSchedule: %v", err)
	}
	return inst, s
}

func instance(key, name, zone string) string {
	return fmt.Sprintf(`[instances.%s]
name = %q
timezone = %q
locales = ["en"]
from = "noreply@%s.test"
recipients = "r.csv"
[instances.%s.support]
email = "help@%s.test"
url = "https://community.example.test/c/%s"
`, key, name, zone, key, key, key, key)
}

package cldr

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Zone returns the short name of t's time zone at t as ICU prints it with
// Intl.DateTimeFormat's timeZoneName "short": "CEST" in Catalan, "MESZ" in
// German, "UTC+2" in French, "GMT+2" in American English for Madrid in
// summer, "PDT" in English and "HAP" in Canadian French for Vancouver. Every
// zone Go's embedded tzdata holds has its names generated (see HasZone); for
// locations such as time.Local or time.FixedZone, whose name is not an IANA
// one, and where ICU has no name either, it prints the offset in the
// locale's format: "GMT+2", "GMT+5:30", "UTC−5" (French writes U+2212 MINUS
// SIGN).
func (l *Locale) Zone(t time.Time) string {
	_, offset := t.Zone()
	if g, ok := zoneGroupOf[t.Location().String()]; ok {
		if e, ok := l.zones[zoneKey{g, int32(offset)}]; ok {
			name := e.name
			if e.later != nil {
				unix := t.Unix()
				for _, n := range e.later {
					if unix >= n.since {
						name = n.name
					}
				}
			}
			if name != "" {
				return name
			}
		}
	}
	var buf [32]byte
	return string(l.offset.append(buf[:0], offset))
}

// HasZone reports whether there are zone names for the IANA zone name (as
// time.LoadLocation takes it): true for every zone Go's embedded tzdata has,
// as of the Go that generated the data.
func HasZone(name string) bool {
	_, ok := zoneGroupOf[name]
	return ok
}

type zoneKey struct {
	group  uint16 // zoneGroup of the zone's name
	offset int32  // seconds east of UTC
}

// zoneEntry is ICU's short name for a zone at one UTC offset, and the names
// that replaced it from some instant on (rare: a metazone change).
type zoneEntry struct {
	name  string // "" for the offset format
	later []laterName
}

type laterName struct {
	since int64 // Unix seconds
	name  string
}

// zoneGroupOf maps each name in zoneIDs to its group.
var zoneGroupOf = func() map[string]uint16 {
	m := make(map[string]uint16, len(zoneIDs))
	for i, name := range zoneIDs {
		m[name] = zoneGroup[i]
	}
	return m
}()

// zoneTableCache parses each of zoneTables once: locales share them.
var zoneTableCache = map[int]map[zoneKey]zoneEntry{}

// parseZoneTable reads one of zoneTables (see data_gen.go).
func parseZoneTable(i int) (map[zoneKey]zoneEntry, error) {
	if m, ok := zoneTableCache[i]; ok {
		return m, nil
	}
	m := map[zoneKey]zoneEntry{}
	for line := range strings.Lines(zoneTables[i]) {
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 && len(f) != 4 {
			return nil, fmt.Errorf("zone table %d: bad line %q", i, line)
		}
		g, err1 := strconv.ParseUint(f[0], 10, 16)
		off, err2 := strconv.ParseInt(f[1], 10, 32)
		var since int64
		var err3 error
		if len(f) == 4 {
			since, err3 = strconv.ParseInt(f[3], 10, 64)
		}
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, fmt.Errorf("zone table %d: bad line %q", i, line)
		}
		k := zoneKey{uint16(g), int32(off)}
		e, seen := m[k]
		switch {
		case !seen && since == 0:
			e.name = f[2]
		case seen && since > 0:
			e.later = append(e.later, laterName{since, f[2]})
		case !seen: // the first name seen is a later one: before it, the offset format
			e.later = []laterName{{since, f[2]}}
		default:
			return nil, fmt.Errorf("zone table %d: zone %d at offset %d twice", i, g, off)
		}
		m[k] = e
	}
	zoneTableCache[i] = m
	return m, nil
}

// offsetFormat is CLDR's localized GMT format as ICU shortens it: hours
// without a leading zero, minutes (and seconds) only when not zero.
type offsetFormat struct {
	prefix, suffix string // around the offset: "GMT", ""
	plus, minus    string // signs
	sep            string // between hours and minutes
	digits         *[10]string
}

// compileOffset reads CLDR's gmtFormat ("GMT{0}") and hourFormat
// ("+H:mm;-H:mm").
func compileOffset(gmtFormat, hourFormat string) (offsetFormat, error) {
	var f offsetFormat
	var negSep string
	pos, neg, ok := strings.Cut(hourFormat, ";")
	if ok {
		f.prefix, f.suffix, ok = strings.Cut(gmtFormat, "{0}")
	}
	if ok {
		f.plus, f.sep, ok = splitHourFormat(pos)
	}
	if ok {
		f.minus, negSep, ok = splitHourFormat(neg)
	}
	if !ok || negSep != f.sep {
		return f, fmt.Errorf("offset format %q %q: want the shape \"GMT{0}\" \"+H:mm;-H:mm\"", gmtFormat, hourFormat)
	}
	return f, nil
}

// splitHourFormat splits "+H:mm" into its sign and its separator.
func splitHourFormat(s string) (sign, sep string, ok bool) {
	sign, rest, ok1 := strings.Cut(s, "H")
	sep, ok2 := strings.CutSuffix(rest, "mm")
	return sign, sep, ok1 && ok2
}

func (f *offsetFormat) append(b []byte, offset int) []byte {
	sign := f.plus
	if offset < 0 {
		sign, offset = f.minus, -offset
	}
	b = append(b, f.prefix...)
	b = append(b, sign...)
	b = appendNum(b, offset/3600, 1, f.digits)
	if offset%3600 != 0 {
		b = append(b, f.sep...)
		b = appendNum(b, offset/60%60, 2, f.digits)
	}
	if offset%60 != 0 {
		b = append(b, f.sep...)
		b = appendNum(b, offset%60, 2, f.digits)
	}
	return append(b, f.suffix...)
}

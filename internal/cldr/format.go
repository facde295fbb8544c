package cldr

import "time"

// Date returns t's date, in t's location, written in full as the locale
// writes it, like Intl.DateTimeFormat's dateStyle "full":
// "dimarts, 9 d’abril del 2019", "Tuesday, April 9, 2019".
func (l *Locale) Date(t time.Time) string {
	var buf [64]byte
	f := dateOf(t)
	return string(l.date.append(buf[:0], l, &f, &f))
}

// Time returns t's time of day, in t's location, like Intl.DateTimeFormat's
// timeStyle "short": "9:00", "09:00", "09 h 00", "9:00 AM" (with ICU's
// U+202F NARROW NO-BREAK SPACE before AM), "9:00 a.m.".
func (l *Locale) Time(t time.Time) string {
	var buf [32]byte
	f := clockOf(t)
	return string(l.time.append(buf[:0], l, &f, &f))
}

// TimeRange returns the times from a to b within one day, in a's location,
// like Intl.DateTimeFormat's formatRange with timeStyle "short":
// "9:00–11:00", "9:00 – 11:00 AM", "9 h 00 – 11 h 00", "09:00–11:00 Uhr".
// Like ICU, it prints one time if a and b show the same one. It does not
// show dates: for a range over midnight, the caller says which days.
func (l *Locale) TimeRange(a, b time.Time) string {
	start, end := clockOf(a), clockOf(b.In(a.Location()))
	if start == end {
		return l.Time(a)
	}
	p := l.timeRange[0]
	if start.hour/12 != end.hour/12 {
		p = l.timeRange[1]
	}
	var buf [64]byte
	return string(p.append(buf[:0], l, &start, &end))
}

// TimeZoned returns t's time of day and its zone's short name, as a sentence
// names one moment: "9:00 AM PDT", "20 h 00 HAP".
func (l *Locale) TimeZoned(t time.Time) string {
	return l.Time(t) + " " + l.Zone(t)
}

// ZonedRange returns the times from a to b, on one day, with their zone: the
// locale's time range and the zone once, "9:00–11:00 CEST", when both have
// the same offset; else each time with its zone, joined as the locale joins
// the times of a range: "2:30 CEST–2:30 CET", "2:00 a. m. GMT+2 a 3:00 a. m.
// GMT+1". Like TimeRange, it does not show dates.
func (l *Locale) ZonedRange(a, b time.Time) string {
	b = b.In(a.Location())
	_, offA := a.Zone()
	_, offB := b.Zone()
	if offA == offB {
		return l.TimeRange(a, b) + " " + l.Zone(a)
	}
	return l.TimeZoned(a) + l.names.rangeSep + l.TimeZoned(b)
}

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
// summer. For zones not in gen/locales.mjs, and for locations such as
// time.Local or time.FixedZone whose name is not an IANA one, it prints the
// offset in the locale's format: "GMT+2", "GMT+5:30", "UTC−5" (French writes
// U+2212 MINUS SIGN).
func (l *Locale) Zone(t time.Time) string {
	_, offset := t.Zone()
	if name, ok := l.zones[zoneKey{t.Location().String(), offset}]; ok {
		return name
	}
	var buf [32]byte
	return string(l.offset.append(buf[:0], offset))
}

// offsetFormat is CLDR's localized GMT format as ICU shortens it: hours
// without a leading zero, minutes (and seconds) only when not zero.
type offsetFormat struct {
	prefix, suffix string // around the offset: "GMT", ""
	plus, minus    string // signs
	sep            string // between hours and minutes
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
	b = strconv.AppendInt(b, int64(offset/3600), 10)
	if offset%3600 != 0 {
		b = append(b, f.sep...)
		b = appendNum(b, offset/60%60, 2)
	}
	if offset%60 != 0 {
		b = append(b, f.sep...)
		b = appendNum(b, offset%60, 2)
	}
	return append(b, f.suffix...)
}

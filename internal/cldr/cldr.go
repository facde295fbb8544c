// Package cldr writes dates, times and time zones as each reader's language
// writes them, with CLDR data read out of ICU rather than typed by hand.
//
// data_gen.go comes from gen/gen.mjs, which asks node's Intl.DateTimeFormat
// (ICU with full CLDR data) about the locales in gen/locales.mjs (every
// locale Open Food Network ships) and about every zone Go's embedded tzdata
// can load. To add a locale, or to take a newer CLDR with a newer node, run
// go generate here: it rewrites data_gen.go and testdata/fixtures.json, and
// TestFixtures checks the first against the second. Nothing else needs node:
// a message file for a language with data here needs no rebuild.
//
// Each locale has one time style: a time is written by the same pattern
// alone, in a range, and in any sentence that names one. Where CLDR's
// interval patterns pad hours differently from its short time (fr-CA), the
// ranges follow the short time.
package cldr

//go:generate node gen/gen.mjs
//go:generate node gen/fixtures.mjs

import (
	"fmt"
	"strings"
	"time"
)

// A Locale formats for one CLDR locale. Its patterns are compiled once, at
// start-up, so a call only appends to a stack buffer and allocates the
// result. It is immutable and safe for concurrent use.
type Locale struct {
	names     *localeData // months, weekdays and day periods
	date      pattern
	time      pattern
	timeRange [2]pattern // within one day period, across noon
	offset    offsetFormat
	zones     map[zoneKey]zoneEntry
	digits    *[10]string // nil for 0–9
}

// localeData is one locale as gen.mjs read it from ICU.
type localeData struct {
	tag        string
	digits     string     // the ten digits, zero first, where not 0–9
	months     [12]string // wide, format context, January first
	weekdays   [7]string  // wide, format context, Sunday first
	dayPeriods [2]string  // AM, PM; empty where no pattern has an "a"
	date       string     // CLDR pattern of Intl's dateStyle "full"
	time       string     // CLDR pattern of Intl's timeStyle "short"
	timeRange  [2]string  // CLDR interval patterns: within a day period, across noon
	rangeSep   string     // between the two times of timeRange[0]: "–", " – ", " a "
	gmtFormat  string     // such as "GMT{0}"
	hourFormat string     // positive;negative offset, such as "+H:mm;-H:mm"
	zoneTable  int        // index into zoneTables
}

// byTag holds every generated locale under its lowercased BCP 47 tag. The
// data is generated and tested, so a pattern that does not compile is a
// generator bug, reported at start-up.
var byTag = func() map[string]*Locale {
	m := make(map[string]*Locale, len(generated))
	for i := range generated {
		l, err := newLocale(&generated[i])
		if err != nil {
			panic(fmt.Sprintf("cldr: generated data: %v", err))
		}
		m[strings.ToLower(l.names.tag)] = l
	}
	return m
}()

func newLocale(d *localeData) (*Locale, error) {
	l := &Locale{names: d}
	var errs [5]error
	l.date, errs[0] = compile(d.date, dateFields)
	l.time, errs[1] = compile(d.time, clockFields)
	l.timeRange[0], errs[2] = compile(d.timeRange[0], clockFields)
	l.timeRange[1], errs[3] = compile(d.timeRange[1], clockFields)
	l.offset, errs[4] = compileOffset(d.gmtFormat, d.hourFormat)
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.tag, err)
		}
	}
	if d.dayPeriods[0] == "" && (l.time.has(dayPeriod) || l.timeRange[0].has(dayPeriod) || l.timeRange[1].has(dayPeriod)) {
		return nil, fmt.Errorf("%s: patterns show a day period but there are no day period names", d.tag)
	}
	if d.digits != "" {
		r := []rune(d.digits)
		if len(r) != 10 {
			return nil, fmt.Errorf("%s: digits %q are not ten", d.tag, d.digits)
		}
		l.digits = new([10]string)
		for i, c := range r {
			l.digits[i] = string(c)
		}
		l.offset.digits = l.digits
	}
	var err error
	if l.zones, err = parseZoneTable(d.zoneTable); err != nil {
		return nil, fmt.Errorf("%s: %w", d.tag, err)
	}
	return l, nil
}

// For returns the locale for tag, written the OFN way ("en_CA"), in BCP 47
// ("en-CA") or as a POSIX locale ("fr_CA.UTF-8"): the exact regional locale
// if there is data for it, else its language ("fr_LU" → fr), else nil. It
// never falls back to another language; that is the caller's choice.
func For(tag string) *Locale {
	lang, region := splitTag(tag)
	if lang == "" {
		return nil
	}
	if region != "" {
		if l := byTag[lang+"-"+region]; l != nil {
			return l
		}
	}
	return byTag[lang]
}

// Tag returns the locale's BCP 47 tag, such as "en-CA".
func (l *Locale) Tag() string { return l.names.tag }

// Weekday returns the day's wide name as it stands inside a date ("lunes",
// "dilluns", "Monday"), for phrases such as "from Monday to Friday".
func (l *Locale) Weekday(d time.Weekday) string { return l.names.weekdays[d] }

// splitTag returns the lowercased language and region subtags of tag, or ""
// for a part it lacks. Scripts are skipped ("en-Latn-GB"); variants,
// extensions and POSIX codesets and modifiers are ignored.
func splitTag(tag string) (lang, region string) {
	tag, _, _ = strings.Cut(tag, ".") // fr_CA.UTF-8
	tag, _, _ = strings.Cut(tag, "@") // ca_ES@valencia
	tag = strings.ReplaceAll(tag, "_", "-")
	lang, rest, _ := strings.Cut(tag, "-")
	if (len(lang) != 2 && len(lang) != 3) || !all(lang, isLetter) {
		return "", ""
	}
	lang = strings.ToLower(lang)
	for rest != "" {
		var sub string
		sub, rest, _ = strings.Cut(rest, "-")
		if len(sub) == 4 && all(sub, isLetter) { // script
			continue
		}
		if len(sub) == 2 && all(sub, isLetter) || len(sub) == 3 && all(sub, isDigit) {
			return lang, strings.ToLower(sub)
		}
		break // a variant or an extension: there is no region
	}
	return lang, ""
}

func all(s string, f func(byte) bool) bool {
	for i := range len(s) {
		if !f(s[i]) {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// Writes reports whether l and o write every date, time and zone alike, as
// en and en-US do, or de and de-DE: a reader of one loses nothing reading the
// other.
func (l *Locale) Writes(o *Locale) bool {
	if l == o {
		return true
	}
	a, b := *l.names, *o.names
	a.tag, b.tag = "", ""
	return a == b
}

package cldr

import (
	"testing"
	"time"
	_ "time/tzdata" // the tests name zones the host may not have
)

// Characters ICU writes that look like ASCII ones.
const (
	nnbsp = "\u202f" // NARROW NO-BREAK SPACE, before AM/PM in English
	thin  = "\u2009" // THIN SPACE, around some range dashes
	minus = "\u2212" // MINUS SIGN, in French offsets
)

func load(t testing.TB, zone string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustFor(t testing.TB, tag string) *Locale {
	t.Helper()
	l := For(tag)
	if l == nil {
		t.Fatalf("For(%q) = nil", tag)
	}
	return l
}

// TestDate pins strings people have read and checked, apart from the
// fixtures: Catalan elides "de" before a vowel and writes "del" before the
// year; French writes no comma.
func TestDate(t *testing.T) {
	madrid := load(t, "Europe/Madrid")
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, madrid) }
	tests := []struct {
		tag  string
		t    time.Time
		want string
	}{
		{"ca", at(2019, time.April, 9), "dimarts, 9 d’abril del 2019"},
		{"ca", at(2019, time.May, 1), "dimecres, 1 de maig del 2019"},
		{"ca", at(2019, time.August, 15), "dijous, 15 d’agost del 2019"},
		{"ca", at(2019, time.October, 12), "dissabte, 12 d’octubre del 2019"},
		{"es", at(2019, time.April, 9), "martes, 9 de abril de 2019"},
		{"fr", at(2019, time.April, 9), "mardi 9 avril 2019"},
		{"fr-BE", at(2019, time.April, 9), "mardi 9 avril 2019"},
		{"fr-CA", at(2019, time.April, 9), "mardi 9 avril 2019"},
		{"en-GB", at(2019, time.April, 9), "Tuesday, 9 April 2019"},
		{"en-US", at(2019, time.April, 9), "Tuesday, April 9, 2019"},
		{"en-CA", at(2019, time.April, 9), "Tuesday, April 9, 2019"},
		{"nl", at(2019, time.April, 9), "dinsdag 9 april 2019"},
		{"de", at(2019, time.April, 9), "Dienstag, 9. April 2019"},
		// The date is t's own: 23:30 UTC is already the next day in Madrid.
		{"en-US", time.Date(2019, time.April, 9, 23, 30, 0, 0, time.UTC).In(madrid), "Wednesday, April 10, 2019"},
	}
	for _, tt := range tests {
		t.Run(tt.tag+"/"+tt.want, func(t *testing.T) {
			if got := mustFor(t, tt.tag).Date(tt.t); got != tt.want {
				t.Errorf("Date(%v) = %q, want %q", tt.t, got, tt.want)
			}
		})
	}
}

func TestTime(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2019, time.April, 9, h, m, 0, 0, time.UTC) }
	tests := []struct {
		tag  string
		t    time.Time
		want string
	}{
		{"en-US", at(9, 0), "9:00" + nnbsp + "AM"},
		{"en-US", at(21, 5), "9:05" + nnbsp + "PM"},
		{"en-US", at(0, 0), "12:00" + nnbsp + "AM"},
		{"en-US", at(12, 0), "12:00" + nnbsp + "PM"},
		{"en-CA", at(9, 0), "9:00" + nnbsp + "a.m."},
		{"en-AU", at(9, 0), "9:00" + nnbsp + "am"},
		{"en-GB", at(9, 0), "09:00"},
		{"ca", at(9, 0), "9:00"},
		{"es", at(0, 5), "0:05"},
		{"fr", at(9, 0), "09:00"},
		{"fr-CA", at(9, 0), "09 h 00"},
		{"de", at(9, 0), "09:00"},
	}
	for _, tt := range tests {
		t.Run(tt.tag+"/"+tt.want, func(t *testing.T) {
			if got := mustFor(t, tt.tag).Time(tt.t); got != tt.want {
				t.Errorf("Time(%v) = %q, want %q", tt.t, got, tt.want)
			}
		})
	}
}

func TestTimeRange(t *testing.T) {
	madrid := load(t, "Europe/Madrid")
	at := func(h, m int) time.Time { return time.Date(2019, time.April, 9, h, m, 0, 0, madrid) }
	tests := []struct {
		tag  string
		a, b time.Time
		want string
	}{
		{"ca", at(9, 0), at(11, 0), "9:00–11:00"},
		{"es", at(9, 0), at(11, 0), "9:00–11:00"},
		{"en-US", at(9, 0), at(11, 0), "9:00" + thin + "–" + thin + "11:00" + nnbsp + "AM"},
		{"en-US", at(10, 0), at(14, 0), "10:00" + nnbsp + "AM" + thin + "–" + thin + "2:00" + nnbsp + "PM"},
		{"en-US", at(12, 0), at(13, 0), "12:00" + thin + "–" + thin + "1:00" + nnbsp + "PM"},
		{"en-CA", at(10, 0), at(14, 0), "10:00" + nnbsp + "a.m.–2:00" + nnbsp + "p.m."},
		{"en-GB", at(9, 0), at(11, 0), "09:00–11:00"},
		{"fr", at(9, 0), at(11, 0), "09:00" + thin + "–" + thin + "11:00"},
		// fr-CA pads the hour of a single time, and ICU's ranges do not; here
		// a range writes its times as a single time is written.
		{"fr-CA", at(9, 0), at(11, 0), "09 h 00" + thin + "–" + thin + "11 h 00"},
		{"fr-CA", at(15, 0), at(17, 0), "15 h 00" + thin + "–" + thin + "17 h 00"},
		// Marathi writes Devanagari digits.
		{"mr", at(9, 5), at(11, 0), "९:०५ – ११:०० AM"},
		{"de", at(9, 0), at(11, 0), "09:00–11:00 Uhr"},
		{"en-US", at(9, 0), at(9, 0).Add(30 * time.Second), "9:00" + nnbsp + "AM"},
		// b is shown in a's location.
		{"de", at(9, 0), at(11, 0).UTC(), "09:00–11:00 Uhr"},
	}
	for _, tt := range tests {
		t.Run(tt.tag+"/"+tt.want, func(t *testing.T) {
			if got := mustFor(t, tt.tag).TimeRange(tt.a, tt.b); got != tt.want {
				t.Errorf("TimeRange(%v, %v) = %q, want %q", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestZone(t *testing.T) {
	winter := time.Date(2019, time.January, 15, 12, 0, 0, 0, time.UTC)
	summer := time.Date(2019, time.July, 15, 12, 0, 0, 0, time.UTC)
	in := func(tm time.Time, zone string) time.Time { return tm.In(load(t, zone)) }
	tests := []struct {
		tag  string
		t    time.Time
		want string
	}{
		{"de", in(summer, "Europe/Madrid"), "MESZ"},
		{"de", in(winter, "Europe/Berlin"), "MEZ"},
		{"ca", in(summer, "Europe/Madrid"), "CEST"},
		{"es", in(summer, "Europe/Madrid"), "CEST"},
		{"en-GB", in(summer, "Europe/Madrid"), "CEST"},
		{"fr", in(summer, "Europe/Paris"), "UTC+2"},
		{"en-US", in(summer, "Europe/Madrid"), "GMT+2"},
		{"en-US", in(summer, "America/Chicago"), "CDT"},
		{"en-GB", in(summer, "America/Chicago"), "GMT-5"},
		{"fr", in(summer, "America/Chicago"), "UTC" + minus + "5"},
		{"fr-CA", in(summer, "America/Toronto"), "HAE"},
		{"en-AU", in(winter, "Australia/Melbourne"), "AEDT"},
		{"en-GB", in(summer, "Europe/London"), "BST"},
		{"en-GB", in(winter, "Europe/London"), "GMT"},
		{"fr", in(winter, "Europe/London"), "UTC+0"},
		{"nl", winter, "UTC"},
		{"nl", in(winter, "Etc/UTC"), "UTC"},
		// Zones without names: the offset format, as ICU shortens it.
		{"en", in(winter, "Asia/Kolkata"), "GMT+5:30"},
		{"fr", in(winter, "Pacific/Marquesas"), "UTC" + minus + "9:30"},
		{"en", winter.In(time.FixedZone("CET", 3600)), "GMT+1"},
		// Every zone Go can load has its names: Vancouver, not GMT-7.
		{"en", in(summer, "America/Vancouver"), "PDT"},
		{"en-CA", in(winter, "America/Vancouver"), "PST"},
		{"fr-CA", in(summer, "America/Vancouver"), "HAP"},
		{"en-IN", in(winter, "Asia/Kolkata"), "IST"},
		{"en-IN", in(winter, "Asia/Calcutta"), "IST"}, // the old name ICU keeps
		{"en-NZ", in(winter, "Pacific/Auckland"), "NZDT"},
		{"pt-BR", in(winter, "America/Sao_Paulo"), "BRST"}, // Brazil's last summer time
		{"pt-BR", in(summer, "America/Sao_Paulo"), "BRT"},
		{"mr", in(winter, "Asia/Kolkata"), "IST"},
		{"mr", in(winter, "Europe/Madrid"), "[GMT]+१"},
		// A name that changed: Yukon kept -7 all year from late 2020, and
		// ICU has no name for it since.
		{"en", in(summer, "America/Whitehorse"), "PDT"},
		{"en", time.Date(2026, time.July, 15, 12, 0, 0, 0, load(t, "America/Whitehorse")), "GMT-7"},
		{"en", time.Date(1900, time.June, 1, 12, 0, 0, 0, load(t, "Europe/Madrid")), "GMT-0:14:44"},
	}
	for _, tt := range tests {
		t.Run(tt.tag+"/"+tt.want, func(t *testing.T) {
			if got := mustFor(t, tt.tag).Zone(tt.t); got != tt.want {
				t.Errorf("Zone(%v) = %q, want %q", tt.t, got, tt.want)
			}
		})
	}
}

func TestWeekday(t *testing.T) {
	tests := []struct {
		tag  string
		day  time.Weekday
		want string
	}{
		{"es", time.Monday, "lunes"},
		{"ca", time.Friday, "divendres"},
		{"fr_BE", time.Tuesday, "mardi"},
		{"en-GB", time.Wednesday, "Wednesday"},
		{"de", time.Sunday, "Sonntag"},
		{"nl-BE", time.Thursday, "donderdag"},
	}
	for _, tt := range tests {
		if got := For(tt.tag).Weekday(tt.day); got != tt.want {
			t.Errorf("For(%q).Weekday(%v) = %q, want %q", tt.tag, tt.day, got, tt.want)
		}
	}
}

func TestZonedRange(t *testing.T) {
	at := func(zone string, h, m int) time.Time {
		return time.Date(2019, time.October, 27, h, m, 0, 0, load(t, zone))
	}
	madrid := func(utcH, m int) time.Time {
		return time.Date(2019, time.October, 27, utcH, m, 0, 0, time.UTC).In(load(t, "Europe/Madrid"))
	}
	tests := []struct {
		tag  string
		a, b time.Time
		want string
	}{
		{"ca", at("Europe/Madrid", 9, 0), at("Europe/Madrid", 11, 0), "9:00–11:00 CET"},
		{"en-US", at("America/Chicago", 9, 0), at("America/Chicago", 11, 0), "9:00" + thin + "–" + thin + "11:00" + nnbsp + "AM CDT"},
		// Across a change of offset each time has its zone, joined as the
		// locale joins a range.
		{"ca", madrid(0, 30), madrid(1, 30), "2:30 CEST–2:30 CET"},
		{"en-GB", madrid(0, 0), madrid(2, 0), "02:00 CEST–03:00 CET"},
		{"fr", madrid(0, 0), madrid(2, 0), "02:00 UTC+2" + thin + "–" + thin + "03:00 UTC+1"},
		{"es-CO", madrid(0, 0), madrid(2, 0), "2:00" + nnbsp + "a." + nnbsp + "m. GMT+2 a 3:00" + nnbsp + "a." + nnbsp + "m. GMT+1"},
	}
	for _, tt := range tests {
		t.Run(tt.tag+"/"+tt.want, func(t *testing.T) {
			if got := mustFor(t, tt.tag).ZonedRange(tt.a, tt.b); got != tt.want {
				t.Errorf("ZonedRange(%v, %v) = %q, want %q", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestTimeZoned(t *testing.T) {
	vancouver := load(t, "America/Vancouver")
	tm := time.Date(2019, time.May, 7, 20, 0, 0, 0, vancouver)
	tests := []struct{ tag, want string }{
		{"en-CA", "8:00" + nnbsp + "p.m. PDT"},
		{"fr-CA", "20 h 00 HAP"},
		{"en-US", "8:00" + nnbsp + "PM PDT"},
	}
	for _, tt := range tests {
		if got := mustFor(t, tt.tag).TimeZoned(tm); got != tt.want {
			t.Errorf("For(%q).TimeZoned(%v) = %q, want %q", tt.tag, tm, got, tt.want)
		}
	}
}

func TestDigits(t *testing.T) {
	l := mustFor(t, "mr")
	tm := time.Date(2019, time.April, 9, 9, 5, 0, 0, time.UTC)
	if got, want := l.Date(tm), "मंगळवार, ९ एप्रिल, २०१९"; got != want {
		t.Errorf("Date(%v) = %q, want %q", tm, got, want)
	}
	if got, want := l.Time(tm), "९:०५ AM"; got != want {
		t.Errorf("Time(%v) = %q, want %q", tm, got, want)
	}
}

func TestHasZone(t *testing.T) {
	for _, z := range []string{"America/Vancouver", "Europe/Madrid", "Asia/Kolkata", "Asia/Calcutta", "UTC", "Etc/UTC", "US/Pacific"} {
		if !HasZone(z) {
			t.Errorf("HasZone(%q) = false, want true", z)
		}
	}
	for _, z := range []string{"", "Local", "Mars/Olympus_Mons", "europe/madrid"} {
		if HasZone(z) {
			t.Errorf("HasZone(%q) = true, want false", z)
		}
	}
}

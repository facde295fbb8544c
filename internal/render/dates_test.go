package render

import (
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/recipients"
)

// Dates in sentences: support hours, ends on another day, regional readers,
// zones, new languages. TestWindowRanges (render_test.go) has the windows.

// Support hours carry the instance's zone, and the times are written as the
// window's are: one time style per locale.
func TestSupportHours(t *testing.T) {
	msgs := `
list_and = "{{.Head}} and {{.Last}}"
support_email_hours = "x"
support_hours_range = "from {{.From}} to {{.To}} {{.Zone}}, {{.FirstDay}} to {{.LastDay}}"
support_hours_days = "from {{.From}} to {{.To}} {{.Zone}} ({{.Days}})"
` + strings.Replace(minimalMessages, `body = "Down on {{.Date}} ({{.Range}})."`, `body = "{{.Range}} / {{.Hours}}"`, 1)
	noZone := strings.Replace(msgs, `{{.To}} {{.Zone}}, {{.FirstDay}}`, `{{.To}}, {{.FirstDay}}`, 1)
	r, err := minimal(t, map[string]string{"en.toml": msgs, "fr.toml": msgs, "de.toml": noZone})
	if err != nil {
		t.Fatal(err)
	}
	day := func(d time.Weekday) config.Weekday { return config.Weekday{Weekday: d} }
	weekdays := []config.Weekday{day(time.Tuesday), day(time.Wednesday)}
	tests := []struct {
		name, zone, locale string
		days               []config.Weekday
		want               string
	}{
		{"fr-CA pads as in the range", "America/Toronto", "fr-CA", weekdays,
			"03 h 00\u2009–\u200905 h 00 HAE / from 09 h 00 to 17 h 00 HAE, mardi to mercredi"},
		{"en-CA", "America/Vancouver", "en-CA", []config.Weekday{day(time.Monday), day(time.Thursday)},
			"3:00–5:00\u202fa.m. PDT / from 9:00\u202fa.m. to 5:00\u202fp.m. PDT (Monday and Thursday)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := instanceWith(t, tt.zone, tt.locale)
			in.Support.Hours = &config.Hours{Days: tt.days, From: config.ClockTime{Hour: 9}, To: config.ClockTime{Hour: 17}}
			w := window(t, in, "2019-06-13 03:00", 2*time.Hour, 0)
			p, err := r.Prepare(Job{Schedule: &config.Schedule{Campaign: "c", Release: "r"}, Instance: in, Window: w, Notice: config.Announce})
			if err != nil {
				t.Fatal(err)
			}
			m, err := p.Render(recipients.Recipient{Email: "a@x.test"})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimPrefix(m.Text, "Hi, "); got != tt.want {
				t.Errorf("Render = %q, want %q", got, tt.want)
			}
		})
	}
	// A message without the zone is refused: readers elsewhere would take
	// the hours for their own.
	in := instanceWith(t, "Europe/Berlin", "de")
	in.Support.Hours = &config.Hours{Days: weekdays, From: config.ClockTime{Hour: 9}, To: config.ClockTime{Hour: 17}}
	w := window(t, in, "2019-06-13 03:00", 2*time.Hour, 0)
	_, err = r.Prepare(Job{Schedule: &config.Schedule{}, Instance: in, Window: w, Notice: config.Announce})
	if want := `x announce notice in de: locales/de.toml: message "support_hours_range" does not show the zone of the support hours ({{.Zone}})`; err == nil || err.Error() != want {
		t.Errorf("Prepare err = %v, want %q", err, want)
	}
}

// The start notice's "back by" names the day when the end falls on another.
func TestEndOnAnotherDay(t *testing.T) {
	msgs := strings.Replace(minimalMessages, `body = "Down on {{.Date}} ({{.Range}})."`, `body = "back by {{.End}}, at the latest {{.LatestEnd}}"`, 1)
	r, err := minimal(t, map[string]string{"en.toml": msgs})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, zone, locale, start string
		d, extra                  time.Duration
		want                      string
	}{
		{"same day", "Australia/Melbourne", "en-AU", "2019-07-30 09:00", 2 * time.Hour, time.Hour,
			"back by 11:00\u202fam AEST, at the latest 12:00\u202fpm AEST"},
		{"next day", "Australia/Melbourne", "en-AU", "2019-07-30 22:00", 3 * time.Hour, time.Hour,
			"back by 1:00\u202fam AEST on Wednesday, 31 July 2019, at the latest 2:00\u202fam AEST on Wednesday, 31 July 2019"},
		{"latest only", "Europe/London", "en-GB", "2019-07-30 21:00", 2 * time.Hour, 2 * time.Hour,
			"back by 23:00 BST, at the latest 01:00 BST on Wednesday, 31 July 2019"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := instanceWith(t, tt.zone, tt.locale)
			w := window(t, in, tt.start, tt.d, tt.extra)
			p, err := r.Prepare(Job{Schedule: &config.Schedule{Campaign: "c", Release: "r"}, Instance: in, Window: w, Notice: config.Start})
			if err != nil {
				t.Fatal(err)
			}
			m, err := p.Render(recipients.Recipient{Email: "a@x.test"})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimPrefix(m.Text, "Hi, "); got != tt.want {
				t.Errorf("Render = %q, want %q", got, tt.want)
			}
		})
	}
}

// A regional reader whose region is not offered reads the language's edition
// and is counted as a fallback; one whose region has no dates of its own,
// or who names no region, is not.
func TestRegionalFallback(t *testing.T) {
	r, err := minimal(t, map[string]string{"en.toml": minimalMessages, "fr.toml": minimalMessages})
	if err != nil {
		t.Fatal(err)
	}
	in := instanceWith(t, "America/Toronto", "en", "fr_CA")
	w := window(t, in, "2019-06-13 09:00", 2*time.Hour, 0)
	p, err := r.Prepare(Job{Schedule: &config.Schedule{}, Instance: in, Window: w, Notice: config.Announce})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		locale, edition string
		fb              Fallback
	}{
		{"en", "en", OwnLocale},
		{"en_US", "en", OwnLocale}, // CLDR's en is American English
		{"en-us", "en", OwnLocale},
		{"en_CA", "en", OtherRegion},
		{"en_GB", "en", OtherRegion},
		{"en_XX", "en", OwnLocale}, // no CLDR data for that region: en's is its own
		{"fr_CA", "fr-CA", OwnLocale},
		{"fr", "fr-CA", OwnLocale},
		{"fr_FR", "fr-CA", OtherRegion}, // France's dates are not Canada's
		{"fr_BE", "fr-CA", OtherRegion},
		{"de", "en", NotOffered},
		{"", "en", NoLocale},
	}
	for _, tt := range tests {
		ed, fb := p.EditionFor(tt.locale)
		if ed.Locale() != tt.edition || fb != tt.fb {
			t.Errorf("EditionFor(%q) = %s, %q; want %s, %q", tt.locale, ed.Locale(), fb, tt.edition, tt.fb)
		}
	}
}

// A zone without CLDR names would be written as a bare offset ("GMT-7"):
// refused before anything is rendered.
func TestZoneWithoutNames(t *testing.T) {
	r, err := minimal(t, map[string]string{"en.toml": minimalMessages})
	if err != nil {
		t.Fatal(err)
	}
	in := instanceWith(t, "America/Vancouver", "en")
	w := window(t, in, "2019-05-07 09:00", 2*time.Hour, 0)
	in.TimeZone = config.Zone{Location: time.FixedZone("America/Nowhere", -7*3600)}
	_, err = r.Prepare(Job{Schedule: &config.Schedule{}, Instance: in, Window: w, Notice: config.Announce})
	if want := "x announce notice in en: time zone America/Nowhere has no CLDR zone names: internal/cldr has those of every zone in Go's tzdata (go generate there adds a newer Go's)"; err == nil || err.Error() != want {
		t.Errorf("Prepare err = %v, want %q", err, want)
	}
}

// A message file is all a new language needs: the CLDR data of every OFN
// locale is generated already, regional forms included, and a regional
// reader gets the region's dates with the language's words.
func TestNewLanguageNeedsOnlyItsFile(t *testing.T) {
	r, err := minimal(t, map[string]string{"it.toml": minimalMessages, "pt.toml": minimalMessages, "mr.toml": minimalMessages})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ zone, locale, want string }{
		{"Europe/Zurich", "it_CH", "Down on martedì, 7 maggio 2019 (09:00–11:00 CEST)."},
		{"Europe/Rome", "it", "Down on martedì 7 maggio 2019 (09:00–11:00 CEST)."},
		{"Europe/Lisbon", "pt_PT", "Down on terça-feira, 7 de maio de 2019 (09:00\u2009–\u200911:00 WEST)."},
		{"America/Sao_Paulo", "pt_BR", "Down on terça-feira, 7 de maio de 2019 (09:00\u2009–\u200911:00 BRT)."},
		{"Asia/Kolkata", "mr", "Down on मंगळवार, ७ मे, २०१९ (९:०० – ११:०० AM IST)."},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			in := instanceWith(t, tt.zone, tt.locale)
			w := window(t, in, "2019-05-07 09:00", 2*time.Hour, 0)
			p, err := r.Prepare(Job{Schedule: &config.Schedule{Campaign: "c", Release: "r"}, Instance: in, Window: w, Notice: config.Announce})
			if err != nil {
				t.Fatal(err)
			}
			m, err := p.Render(recipients.Recipient{Email: "a@x.test"})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimPrefix(m.Text, "Hi, "); got != tt.want {
				t.Errorf("Render = %q, want %q", got, tt.want)
			}
		})
	}
}

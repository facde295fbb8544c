package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const goodInstances = `
[instances.katuma]
name = "Katuma"
timezone = "Europe/Madrid"
locales = ["es", "ca"]
from = "Katuma <noreply@katuma.test>"
recipients = "recipients/katuma.csv"

[instances.katuma.support]
email = "info@katuma.test"
url = "https://community.coopdevs.org/c/katuma"
hours = { days = ["monday", "friday"], from = "10:00", to = "18:00" }

[instances.katuma.smtp]
host = "smtp.katuma.test"
username = "noreply@katuma.test"
password_env = "KATUMA_SMTP_PASSWORD"
`

const goodSchedule = `
campaign = "ofn-v2-2019"
release = "v2.0.0"

[windows.katuma]
start = 2019-05-07T09:00:00
duration = "2h"
extra = "1h"
`

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadGood(t *testing.T) {
	ip := write(t, "instances.toml", goodInstances)
	inst, err := LoadInstances(ip)
	if err != nil {
		t.Fatalf("LoadInstances: %v", err)
	}
	k := inst.Instances["katuma"]
	if k.Key != "katuma" || k.DefaultLocale() != "es" || k.Location().String() != "Europe/Madrid" {
		t.Errorf("katuma = %+v", k)
	}
	if k.SMTP.TLS != "starttls" || k.SMTP.Port != 587 || k.SMTP.Auth != "plain" {
		t.Errorf("smtp defaults = %s:%d auth %s, want starttls:587 auth plain", k.SMTP.TLS, k.SMTP.Port, k.SMTP.Auth)
	}
	s, err := LoadSchedule(write(t, "schedule.toml", goodSchedule), inst)
	if err != nil {
		t.Fatalf("LoadSchedule: %v", err)
	}
	w, _ := s.Window("katuma")
	madrid, _ := time.LoadLocation("Europe/Madrid")
	if want := time.Date(2019, 5, 7, 9, 0, 0, 0, madrid); !w.Begin().Equal(want) {
		t.Errorf("Begin() = %v, want %v", w.Begin(), want)
	}
	if got := w.LatestEnd().In(madrid).Format("15:04"); got != "12:00" {
		t.Errorf("LatestEnd() = %s, want 12:00", got)
	}
	if len(w.Notices) != 4 {
		t.Errorf("Notices = %v, want all four by default", w.Notices)
	}
}

func TestBadInstances(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(string) string
		wantErr string // the whole message, with "FILE" for the path
	}{
		{"typo key", func(s string) string { return strings.Replace(s, `timezone =`, `timezon =`, 1) },
			"FILE:2: instances.katuma: missing required key \"timezone\"\nFILE:4: instances.katuma.timezon: unknown key"},
		{"wrong type", func(s string) string { return strings.Replace(s, `name = "Katuma"`, `name = 7`, 1) },
			"FILE:3: instances.katuma.name: incompatible types: TOML value has type int64; destination has type string"},
		{"unknown time zone", func(s string) string { return strings.Replace(s, `Europe/Madrid`, `Europe/Madird`, 1) },
			"FILE:4: instances.katuma.timezone: unknown time zone \"Europe/Madird\" (want an IANA name such as Europe/Madrid, or a Rails name such as Madrid)"},
		{"missing required", func(s string) string { return strings.Replace(s, `from = "Katuma <noreply@katuma.test>"`, ``, 1) },
			"FILE:2: instances.katuma: missing required key \"from\""},
		{"secret in config", func(s string) string {
			return strings.Replace(s, `password_env = "KATUMA_SMTP_PASSWORD"`, `password = "hunter2"`, 1)
		}, "FILE:14: instances.katuma.smtp: missing password_env or password_file (the name of an environment variable or file holding the password)\n" +
			"FILE:17: instances.katuma.smtp.password: secrets do not belong in the config file; name an environment variable (password_env) or a file (password_file) instead"},
		{"tls none off loopback", func(s string) string {
			return strings.Replace(s, `host = "smtp.katuma.test"`, "host = \"smtp.katuma.test\"\ntls = \"none\"", 1)
		}, "FILE:16: instances.katuma.smtp.tls: \"none\" is accepted only for a loopback host, not \"smtp.katuma.test\""},
		{"bad weekday", func(s string) string { return strings.Replace(s, `"friday"`, `"fryday"`, 1) },
			"FILE:12: instances.katuma.support.hours.days: unknown weekday \"fryday\" (want e.g. \"monday\")"},
		{"toml syntax", func(s string) string { return strings.Replace(s, `name = "Katuma"`, `name = "Katuma`, 1) },
			"FILE:3: instances.katuma.name: strings cannot contain newlines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, "instances.toml", tt.edit(goodInstances))
			_, err := LoadInstances(p)
			if err == nil {
				t.Fatal("LoadInstances = nil error, want one")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("errors.Is(err, ErrInvalid) = false for %v", err)
			}
			want := strings.ReplaceAll(tt.wantErr, "FILE", p)
			if err.Error() != want {
				t.Errorf("LoadInstances error =\n%s\nwant\n%s", err, want)
			}
		})
	}
}

func TestBadSchedule(t *testing.T) {
	inst, err := LoadInstances(write(t, "instances.toml", goodInstances))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		edit    func(string) string
		wantErr string
	}{
		{"unknown instance", func(s string) string { return strings.Replace(s, `[windows.katuma]`, `[windows.katumaa]`, 1) },
			"FILE:5: windows.katumaa: no instance \"katumaa\" in INST"},
		{"offset the zone does not have then", func(s string) string {
			return strings.Replace(s, `2019-05-07T09:00:00`, `2019-05-07T09:00:00+01:00`, 1)
		},
			"FILE:6: windows.katuma.start: 2019-05-07T09:00+01:00: Europe/Madrid is at +02:00 then, not +01:00"},
		{"offset of neither pass", func(s string) string {
			return strings.Replace(s, `2019-05-07T09:00:00`, `2019-10-27T02:30:00Z`, 1)
		},
			"FILE:6: windows.katuma.start: 2019-10-27T02:30+00:00: Europe/Madrid is at +02:00 or +01:00 then, not +00:00"},
		{"offset in DST gap", func(s string) string {
			return strings.Replace(s, `2019-05-07T09:00:00`, `2019-03-31T02:30:00+01:00`, 1)
		},
			"FILE:6: windows.katuma.start: 2019-03-31T02:30 does not exist in Europe/Madrid (skipped by a daylight-saving change)"},
		{"start in DST gap", func(s string) string { return strings.Replace(s, `2019-05-07T09:00:00`, `2019-03-31T02:30:00`, 1) },
			"FILE:6: windows.katuma.start: 2019-03-31T02:30 does not exist in Europe/Madrid (skipped by a daylight-saving change)"},
		{"bad duration", func(s string) string { return strings.Replace(s, `"2h"`, `"2 hours"`, 1) },
			"FILE:7: windows.katuma.duration: bad duration \"2 hours\" (want e.g. \"2h\" or \"1h30m\")"},
		{"missing campaign", func(s string) string { return strings.Replace(s, `campaign = "ofn-v2-2019"`, ``, 1) },
			"FILE: campaign: missing required key \"campaign\" (a stable id for this rollout, e.g. \"ofn-v2-2019\")"},
		{"unknown notice", func(s string) string { return s + "notices = [\"announce\", \"remind\"]\n" },
			"FILE:9: windows.katuma.notices: unknown notice \"remind\" (want one of announce, reminder, start, done, reschedule, cancel)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, "schedule.toml", tt.edit(goodSchedule))
			_, err := LoadSchedule(p, inst)
			if err == nil {
				t.Fatal("LoadSchedule = nil error, want one")
			}
			want := strings.NewReplacer("FILE", p, "INST", inst.File).Replace(tt.wantErr)
			if err.Error() != want {
				t.Errorf("LoadSchedule error =\n%s\nwant\n%s", err, want)
			}
		})
	}
}

func TestShippedConfig(t *testing.T) {
	inst, err := LoadInstances("../../config/instances.toml")
	if err != nil {
		t.Fatalf("shipped instances: %v", err)
	}
	if _, err := LoadSchedule("../../config/schedule.toml", inst); err != nil {
		t.Fatalf("shipped schedule: %v", err)
	}
}

func TestScanPositions(t *testing.T) {
	src := "a = 1\n[t]\nb = \"\"\"\nx = 2\n\"\"\"\nc = [\n 1,\n]\nd.e = { f = 1 }\n[[arr]]\ng = 1\n[[arr]]\ng = 2\n'q.k' = 3\n"
	pos := scanPositions(src)
	for key, want := range map[string]int{"a": 1, "t": 2, "t.b": 3, "t.c": 6, "t.d.e": 9, "arr.0": 10, "arr.0.g": 11, "arr.1.g": 13, "arr.1.q.k": 14, "t.x": 0} {
		if got := pos.line(key); got != want && !(want == 0 && got == 2) {
			t.Errorf("line(%q) = %d, want %d", key, got, want)
		}
	}
}

// A start in an hour that happens twice: an offset picks the pass; without
// one the first is taken, with a warning that says so.
func TestRepeatedHourStart(t *testing.T) {
	inst, err := LoadInstances(write(t, "instances.toml", goodInstances))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, start string
		wantUTC     string
		warning     string
	}{
		{"first pass by offset", `2019-10-27T02:30:00+02:00`, "2019-10-27T00:30:00Z", ""},
		{"second pass by offset", `2019-10-27T02:30:00+01:00`, "2019-10-27T01:30:00Z", ""},
		{"second pass as a string", `"2019-10-27 02:30+01:00"`, "2019-10-27T01:30:00Z", ""},
		{"no offset: the first pass, and a warning", `2019-10-27T02:30:00`, "2019-10-27T00:30:00Z",
			"FILE:6: windows.katuma.start: 2019-10-27T02:30 happens twice in Europe/Madrid (the clocks go back); took the first pass, 2019-10-27T02:30+02:00 (CEST), not 2019-10-27T02:30+01:00 (CET): write the offset to choose"},
		{"an ordinary time with its offset", `2019-05-07T09:00:00+02:00`, "2019-05-07T07:00:00Z", ""},
		{"an ordinary time without", `2019-05-07T09:00:00`, "2019-05-07T07:00:00Z", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, "schedule.toml", strings.Replace(goodSchedule, `2019-05-07T09:00:00`, tt.start, 1))
			s, err := LoadSchedule(p, inst)
			if err != nil {
				t.Fatal(err)
			}
			w, _ := s.Window("katuma")
			if got := w.Begin().UTC().Format(time.RFC3339); got != tt.wantUTC {
				t.Errorf("Begin() = %s, want %s", got, tt.wantUTC)
			}
			var warnings []string
			for _, w := range s.Warnings {
				warnings = append(warnings, w.Error())
			}
			want := []string(nil)
			if tt.warning != "" {
				want = []string{strings.ReplaceAll(tt.warning, "FILE", p)}
			}
			if !slices.Equal(warnings, want) {
				t.Errorf("Warnings = %q, want %q", warnings, want)
			}
		})
	}
	// Toronto repeats 1:00–2:00 on the first Sunday of November; the first
	// pass is EDT there too (Go's time.Date alone took it, Madrid's second).
	loc, _ := time.LoadLocation("America/Toronto")
	got, amb, err := LocalDateTime{Year: 2019, Month: time.November, Day: 3, Hour: 1, Min: 30, set: true}.Resolve(loc)
	if err != nil || amb == "" || got.UTC().Format(time.RFC3339) != "2019-11-03T05:30:00Z" {
		t.Errorf("Resolve(Toronto 01:30) = %v, %q, %v; want 05:30 UTC with a warning", got, amb, err)
	}
}

// StartText names one instant: the offset is written only for a repeated
// hour, and reading the text back gives the same instant.
func TestStartText(t *testing.T) {
	madrid, _ := time.LoadLocation("Europe/Madrid")
	tests := []struct {
		utc  time.Time
		want string
	}{
		{time.Date(2019, 5, 7, 7, 0, 0, 0, time.UTC), "2019-05-07T09:00:00"},
		{time.Date(2019, 10, 27, 0, 30, 0, 0, time.UTC), "2019-10-27T02:30:00+02:00"},
		{time.Date(2019, 10, 27, 1, 30, 0, 0, time.UTC), "2019-10-27T02:30:00+01:00"},
	}
	for _, tt := range tests {
		got := StartText(tt.utc.In(madrid))
		if got != tt.want {
			t.Errorf("StartText(%v) = %q, want %q", tt.utc, got, tt.want)
		}
		var l LocalDateTime
		v, err := time.Parse(time.RFC3339, got+"Z")
		if strings.Contains(got, "+") {
			v, err = time.Parse(time.RFC3339, got)
		} else {
			v = time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), 0, 0, time.FixedZone("datetime-local", 0))
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := l.UnmarshalTOML(v); err != nil {
			t.Fatal(err)
		}
		if back, _, err := l.Resolve(madrid); err != nil || !back.Equal(tt.utc) {
			t.Errorf("%s read back = %v, %v; want %v", got, back, err, tt.utc)
		}
	}
}

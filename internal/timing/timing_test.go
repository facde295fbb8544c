package timing

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
)

func load(t *testing.T, zone, windows string) (*config.Instances, *config.Schedule) {
	t.Helper()
	dir := t.TempDir()
	ip := filepath.Join(dir, "i.toml")
	sp := filepath.Join(dir, "s.toml")
	os.WriteFile(ip, []byte(`[instances.x]
name = "X"
timezone = "`+zone+`"
locales = ["en"]
from = "x@x.test"
recipients = "r.csv"
[instances.x.support]
email = "help@x.test"
`), 0o644)
	os.WriteFile(sp, []byte("campaign = \"c\"\nrelease = \"r\"\n"+windows), 0o644)
	inst, err := config.LoadInstances(ip)
	if err != nil {
		t.Fatal(err)
	}
	s, err := config.LoadSchedule(sp, inst)
	if err != nil {
		t.Fatal(err)
	}
	return inst, s
}

func TestMoments(t *testing.T) {
	const f = "2006-01-02 15:04 MST"
	tests := []struct {
		name, zone, schedule string
		want                 map[config.Notice][2]string // due, until
	}{
		{"Katuma defaults", "Europe/Madrid", "[windows.x]\nstart = 2019-05-07T09:00:00\nduration = \"2h\"\nextra = \"1h\"\n",
			map[config.Notice][2]string{
				config.Announce: {"2019-04-30 09:00 CEST", "2019-05-06 09:00 CEST"}, // superseded by the reminder
				config.Reminder: {"2019-05-06 09:00 CEST", "2019-05-07 09:00 CEST"},
				config.Start:    {"2019-05-07 09:00 CEST", "2019-05-07 11:00 CEST"},
				config.Done:     {"2019-05-07 12:00 CEST", "2019-05-08 12:00 CEST"},
			}},
		{"a week before crosses the start of DST in Europe", "Europe/Madrid", "[windows.x]\nstart = 2019-04-02T09:00:00\nduration = \"2h\"\n",
			map[config.Notice][2]string{
				config.Announce: {"2019-03-26 09:00 CET", "2019-04-01 09:00 CEST"},
				config.Reminder: {"2019-04-01 09:00 CEST", "2019-04-02 09:00 CEST"},
				config.Done:     {"2019-04-02 11:00 CEST", "2019-04-03 11:00 CEST"},
			}},
		{"the day before at 10:00 across the end of DST in Toronto", "America/Toronto",
			"[send.reminder]\ndays_before = 1\nat = \"10:00\"\n[windows.x]\nstart = 2019-11-04T09:00:00\nduration = \"2h\"\n",
			map[config.Notice][2]string{
				config.Announce: {"2019-10-28 09:00 EDT", "2019-11-03 10:00 EST"},
				config.Reminder: {"2019-11-03 10:00 EST", "2019-11-04 09:00 EST"},
			}},
		{"quiet hours move an evening reminder to the morning", "Australia/Melbourne", "[windows.x]\nstart = 2019-07-30T21:00:00\nduration = \"4h\"\nextra = \"1h\"\n",
			map[config.Notice][2]string{
				config.Announce: {"2019-07-24 08:00 AEST", "2019-07-30 08:00 AEST"},
				config.Reminder: {"2019-07-30 08:00 AEST", "2019-07-30 21:00 AEST"},
				config.Start:    {"2019-07-30 21:00 AEST", "2019-07-31 01:00 AEST"},
				config.Done:     {"2019-07-31 02:00 AEST", "2019-08-01 02:00 AEST"},
			}},
		{"per-window override, start/done after", "Europe/Madrid",
			"[windows.x]\nstart = 2019-05-07T09:00:00\nduration = \"2h\"\nnotices = [\"announce\", \"start\", \"done\"]\n[windows.x.send.announce]\ndays_before = 10\nat = \"12:30\"\n[windows.x.send.done]\nafter = \"30m\"\n",
			map[config.Notice][2]string{
				config.Announce: {"2019-04-27 12:30 CEST", "2019-05-07 09:00 CEST"}, // no reminder: valid until the start
				config.Start:    {"2019-05-07 09:00 CEST", "2019-05-07 11:00 CEST"},
				config.Done:     {"2019-05-07 11:30 CEST", "2019-05-08 11:30 CEST"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, s := load(t, tt.zone, tt.schedule)
			ms := Moments(inst.Instances["x"], s.Windows["x"], s)
			got := map[config.Notice][2]string{}
			for _, m := range ms {
				got[m.Notice] = [2]string{m.Due.Format(f), m.Until.Format(f)}
			}
			for n, want := range tt.want {
				if got[n] != want {
					t.Errorf("%s: due, until = %v, want %v", n, got[n], want)
				}
			}
		})
	}
}

func TestQuietHours(t *testing.T) {
	madrid, _ := time.LoadLocation("Europe/Madrid")
	q := config.DefaultQuietHours
	tests := []struct{ at, want string }{
		{"2019-05-06 20:59", "2019-05-06 20:59"},
		{"2019-05-06 21:00", "2019-05-07 08:00"},
		{"2019-05-06 23:30", "2019-05-07 08:00"},
		{"2019-05-07 07:59", "2019-05-07 08:00"},
		{"2019-05-07 08:00", "2019-05-07 08:00"},
	}
	for _, tt := range tests {
		at, _ := time.ParseInLocation("2006-01-02 15:04", tt.at, madrid)
		if got := q.Next(at).Format("2006-01-02 15:04"); got != tt.want {
			t.Errorf("Next(%s) = %s, want %s", tt.at, got, tt.want)
		}
	}
}

func TestStateAt(t *testing.T) {
	inst, s := load(t, "Europe/Madrid", "[windows.x]\nstart = 2019-05-07T09:00:00\nduration = \"2h\"\n")
	m := Moments(inst.Instances["x"], s.Windows["x"], s)[1] // reminder
	for _, tt := range []struct {
		at   time.Time
		want State
	}{
		{m.Due.Add(-time.Minute), Waiting},
		{m.Due, Due},
		{m.Until.Add(-time.Minute), Due},
		{m.Until, Expired},
	} {
		if got := m.At(tt.at); got != tt.want {
			t.Errorf("At(%v) = %s, want %s", tt.at, got, tt.want)
		}
	}
}

// TestEarliest: how early a notice may go by hand, by default and with
// [manual_early].
func TestEarliest(t *testing.T) {
	const f = "2006-01-02 15:04 MST"
	const window = "[windows.x]\nstart = 2019-05-07T09:00:00\nduration = \"2h\"\nextra = \"1h\"\n"
	tests := []struct {
		name, schedule string
		want           map[config.Notice]string
	}{
		{"defaults", window, map[config.Notice]string{
			config.Announce: "2019-04-23 09:00 CEST", // a week early: two weeks' notice
			config.Reminder: "2019-04-30 09:00 CEST", // not before the announce's moment
			config.Start:    "2019-05-07 08:00 CEST", // an hour early
			config.Done:     "2019-05-07 09:00 CEST", // once the window began
		}},
		{"no announce: the reminder may go its days_before early", window + "notices = [\"reminder\", \"done\"]\n", map[config.Notice]string{
			config.Reminder: "2019-05-05 09:00 CEST",
			config.Done:     "2019-05-07 09:00 CEST",
		}},
		{"manual_early", "[manual_early]\nreminder = \"36h\"\ndone = \"0s\"\n" + window, map[config.Notice]string{
			config.Announce: "2019-04-23 09:00 CEST",
			config.Reminder: "2019-05-04 21:00 CEST",
			config.Start:    "2019-05-07 08:00 CEST",
			config.Done:     "2019-05-07 12:00 CEST",
		}},
		{"quiet hours do not count: a reminder planned at 22:00 is due at 08:00", "[manual_early]\nreminder = \"1h\"\n[send.reminder]\ndays_before = 1\nat = \"22:00\"\n" + window, map[config.Notice]string{
			config.Announce: "2019-04-23 09:00 CEST",
			config.Reminder: "2019-05-06 21:00 CEST",
			config.Start:    "2019-05-07 08:00 CEST",
			config.Done:     "2019-05-07 09:00 CEST",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, s := load(t, "Europe/Madrid", tt.schedule)
			w, _ := s.Window("x")
			got := map[config.Notice]string{}
			for _, m := range Moments(inst.Instances["x"], w, s) {
				got[m.Notice] = m.Earliest.Format(f)
				if m.Earliest.After(m.Planned) {
					t.Errorf("%s: Earliest %v after Planned %v", m.Notice, m.Earliest, m.Planned)
				}
			}
			for n, want := range tt.want {
				if got[n] != want {
					t.Errorf("%s Earliest = %s, want %s", n, got[n], want)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("moments %v, want %v", got, tt.want)
			}
		})
	}
}

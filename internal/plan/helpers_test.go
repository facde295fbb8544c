package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
)

// katuma and canada are the thread's instances with what it says of them:
// Katuma's busiest day is Monday and its support answers Monday to Friday
// 10:00–18:00; Canada's support is on hand Tuesday and Wednesday.
const katuma = `
[instances.katuma]
name = "Katuma"
timezone = "Europe/Madrid"
locales = ["es", "ca"]
from = "noreply@katuma.test"
recipients = "recipients/katuma.csv"
busy_weekdays = ["monday"]
[instances.katuma.support]
email = "info@katuma.test"
hours = { days = ["monday", "tuesday", "wednesday", "thursday", "friday"], from = "10:00", to = "18:00" }
after_days = 1
`

const canada = `
[instances.canada]
name = "Open Food Network Canada"
timezone = "America/Toronto"
locales = ["en_CA", "fr_CA"]
from = "noreply@ca.test"
recipients = "recipients/canada.csv"
[instances.canada.support]
email = "hello@ca.test"
`

// pau runs the deploys from Madrid, Monday to Friday 09:00–18:00 (the default).
const pau = `
[operators.pau]
timezone = "Europe/Madrid"
`

// load writes the two files and loads them as announce does.
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

// window is a schedule of one window, with pau as its operator when op.
func window(instance, start, duration, extra string, op bool, more ...string) string {
	s := "campaign = \"ofn-v2-2019\"\nrelease = \"v2.0.0\"\n" + strings.Join(more, "\n") + "\n"
	s += "[windows." + instance + "]\nstart = " + start + "\nduration = \"" + duration + "\"\n"
	if extra != "" {
		s += "extra = \"" + extra + "\"\n"
	}
	if op {
		s += "operator = \"pau\"\n" + pau
	}
	return s
}

// only returns the plan's one window.
func only(t *testing.T, p *Plan) *Window {
	t.Helper()
	if len(p.Windows) != 1 {
		t.Fatalf("plan has %d windows, want 1", len(p.Windows))
	}
	return p.Windows[0]
}

// finding returns the window's finding for rule r, if any.
func finding(w *Window, r Rule) (Finding, bool) {
	for _, f := range w.Findings {
		if f.Rule == r {
			return f, true
		}
	}
	return Finding{}, false
}

func ruleNames(w *Window) []Rule {
	var out []Rule
	for _, f := range w.Findings {
		out = append(out, f.Rule)
	}
	return out
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// april20 is when the thread's plans were made: every suggestion can still
// be announced a week ahead.
var april20 = time.Date(2019, 4, 20, 10, 0, 0, 0, time.UTC)

const stampLayout = "Mon 2006-01-02 15:04 MST"

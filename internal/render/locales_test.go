package render

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/recipients"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// shippedCatalog is the message files of locales/ as they ship.
func shippedCatalog(t *testing.T) *Renderer {
	t.Helper()
	r, err := New(os.DirFS("../../templates"), "templates", os.DirFS("../../locales"), "locales")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

// Every shipped message file has exactly the messages of en.toml: none
// missing, none that nothing reads.
func TestEveryLocaleHasEveryKey(t *testing.T) {
	r := shippedCatalog(t)
	var en *Lang
	for _, l := range r.Catalog().Langs() {
		if l.Tag.String() == "en" {
			en = l
		}
	}
	if en == nil {
		t.Fatal("no locales/en.toml")
	}
	for _, l := range r.Catalog().Langs() {
		var missing, extra []string
		for _, id := range en.IDs() {
			if !slices.Contains(l.IDs(), id) {
				missing = append(missing, id)
			}
		}
		for _, id := range l.IDs() {
			if !slices.Contains(en.IDs(), id) {
				extra = append(extra, id)
			}
		}
		if len(missing) > 0 || len(extra) > 0 {
			t.Errorf("%s: missing %q, not in en.toml %q", l.File, missing, extra)
		}
		for id := range en.plural {
			if !l.plural[id] {
				t.Errorf("%s: message %q has no plural forms (en.toml has)", l.File, id)
			}
		}
	}
}

// Every plural message gives every CLDR form its language has: go-i18n picks
// the form for each count and fails on one the file lacks. The counts hit
// every form of every shipped language (Welsh: 0, 1, 2, 3, 6, other;
// French, Italian, Spanish, Catalan, Portuguese: many at 1 000 000).
func TestEveryPluralForm(t *testing.T) {
	r := shippedCatalog(t)
	counts := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 20, 21, 100, 101, 1000000}
	for _, l := range r.Catalog().Langs() {
		for _, id := range l.IDs() {
			if !l.plural[id] {
				continue
			}
			for _, n := range counts {
				s, err := l.localize(id, map[string]any{"Count": n}, n)
				if err != nil {
					t.Errorf("%s: %s with count %d: %v", l.File, id, n, err)
					continue
				}
				if s == "" {
					t.Errorf("%s: %s with count %d is empty", l.File, id, n)
				}
			}
		}
	}
}

// scenario is an instance and window shape; between them the scenarios use
// every message of a locale file.
type scenario struct {
	name            string
	url             bool
	days            []string
	showUTC         bool
	start           string
	d, extra        time.Duration
	wantAllMessages bool // every message fills without error (in the reschedule notice)
}

var scenarios = []scenario{
	// URL, hours Monday–Friday (support_hours_range), extra time, UTC, a
	// window past midnight (range_overnight, range_with_utc).
	{name: "full", url: true, days: []string{"monday", "tuesday", "wednesday", "thursday", "friday"}, showUTC: true,
		start: "2019-07-30 22:00", d: 4 * time.Hour, extra: time.Hour, wantAllMessages: true},
	// No URL, two separate days (list_and, support_hours_days), minutes, no extra.
	{name: "plain", days: []string{"tuesday", "thursday"}, start: "2019-05-07 09:00", d: 90 * time.Minute},
	// No hours at all, one hour with a minute more.
	{name: "bare", start: "2019-05-07 09:00", d: time.Hour, extra: time.Minute},
}

func (s scenario) instance(t *testing.T, locale string) *config.Instance {
	t.Helper()
	in := instanceWith(t, "Europe/Madrid", locale)
	in.Name = "Open Food Network Testland"
	in.ShowUTC = s.showUTC
	in.Support.Email = "help@ofn.example"
	if s.url {
		in.Support.URL = "https://community.ofn.example/c/testland"
	}
	if len(s.days) > 0 {
		h := &config.Hours{From: config.ClockTime{Hour: 10}, To: config.ClockTime{Hour: 18}}
		for _, d := range s.days {
			var w config.Weekday
			if err := w.UnmarshalText([]byte(d)); err != nil {
				t.Fatal(err)
			}
			h.Days = append(h.Days, w)
		}
		in.Support.Hours = h
	}
	return in
}

func prepare(t *testing.T, r *Renderer, in *config.Instance, w *config.Window, n config.Notice) (*Prepared, error) {
	t.Helper()
	job := Job{Schedule: &config.Schedule{Campaign: "ofn-v2-2019", Release: "v2.0.0", Purpose: "purpose_v2_infrastructure"},
		Instance: in, Window: w, Notice: n}
	if n == config.Reschedule || n == config.Cancel {
		job.Previous = &Span{Start: w.Begin().AddDate(0, 0, -7), End: w.End().AddDate(0, 0, -7), Latest: w.LatestEnd().AddDate(0, 0, -7)}
		job.Seq = 1
	}
	return r.Prepare(job)
}

// Every shipped language renders every notice — email text, HTML and forum
// post, with and without a name — in every scenario, and in the full one's
// reschedule every message of its file fills without error.
func TestEveryLocaleRendersEveryNotice(t *testing.T) {
	r := shippedCatalog(t)
	for _, l := range r.Catalog().Langs() {
		locale := l.Tag.String()
		t.Run(locale, func(t *testing.T) {
			for _, s := range scenarios {
				in := s.instance(t, locale)
				w := window(t, in, s.start, s.d, s.extra)
				for _, n := range config.AllNotices {
					p, err := prepare(t, r, in, w, n)
					if err != nil {
						t.Errorf("%s: Prepare(%s): %v", s.name, n, err)
						continue
					}
					ed := p.Editions()[0]
					// With a previous window (OldDate, OldRange) every variable exists.
					if s.wantAllMessages && n == config.Reschedule && len(ed.errs) > 0 {
						for id, err := range ed.errs {
							t.Errorf("%s: %s: message %s: %v", s.name, n, id, err)
						}
					}
					for _, name := range []string{"", "Ana García"} {
						m, err := p.Render(recipients.Recipient{Email: "ana@ofn.example", Name: name, Locale: locale})
						if err != nil {
							t.Errorf("%s: Render(%s, %q): %v", s.name, n, name, err)
							continue
						}
						if m.Fallback != OwnLocale || m.Subject == "" || !strings.Contains(m.Text, in.Name) || !strings.Contains(m.HTML, in.Name) {
							t.Errorf("%s: Render(%s, %q) = fallback %q, subject %q, text\n%s", s.name, n, name, m.Fallback, m.Subject, m.Text)
						}
						if name != "" && !strings.Contains(m.Text, name) {
							t.Errorf("%s: Render(%s): text lacks the reader's name:\n%s", s.name, n, m.Text)
						}
					}
					if post, err := p.Forum(ed); err != nil || !strings.Contains(post.Markdown, in.Name) {
						t.Errorf("%s: Forum(%s) = %v, %v", s.name, n, post, err)
					}
				}
			}
		})
	}
}

// TestGoldenEveryLanguage keeps, per shipped language, every notice's email
// (subject and plain text) and the announcement's forum post of the full
// scenario in testdata/golden/<tag>.txt, so a change to any language's wording or dates
// shows in review. Refresh with go test ./internal/render -update.
func TestGoldenEveryLanguage(t *testing.T) {
	r := shippedCatalog(t)
	s := scenarios[0]
	for _, l := range r.Catalog().Langs() {
		locale := l.Tag.String()
		t.Run(locale, func(t *testing.T) {
			in := s.instance(t, locale)
			w := window(t, in, s.start, s.d, s.extra)
			var b strings.Builder
			for _, n := range config.AllNotices {
				p, err := prepare(t, r, in, w, n)
				if err != nil {
					t.Fatalf("Prepare(%s): %v", n, err)
				}
				m, err := p.Render(recipients.Recipient{Email: "ana@ofn.example", Name: "Ana García", Locale: locale})
				if err != nil {
					t.Fatalf("Render(%s): %v", n, err)
				}
				post, err := p.Forum(p.Editions()[0])
				if err != nil {
					t.Fatalf("Forum(%s): %v", n, err)
				}
				b.WriteString("=== " + string(n) + " email\nSubject: " + m.Subject + "\n\n" + m.Text + "\n")
				if n == config.Announce {
					b.WriteString("=== " + string(n) + " forum\n# " + post.Title + "\n\n" + post.Markdown + "\n")
				}
			}
			golden := filepath.Join("testdata", "golden", locale+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/render -update)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("%s differs from golden:\n--- got\n%s\n--- want\n%s", golden, got, want)
			}
		})
	}
}

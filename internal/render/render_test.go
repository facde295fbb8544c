package render

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/recipients"
)

func shipped(t *testing.T) (*Renderer, *config.Instances, *config.Schedule) {
	t.Helper()
	r, err := New(os.DirFS("../../templates"), "templates", os.DirFS("../../locales"), "locales")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	inst, err := config.LoadInstances("../../config/instances.toml")
	if err != nil {
		t.Fatal(err)
	}
	sched, err := config.LoadSchedule("../../config/schedule.toml", inst)
	if err != nil {
		t.Fatal(err)
	}
	return r, inst, sched
}

// Every template renders for every notice × locale × shipped instance, with
// and without a recipient name, and the forum post too.
func TestEveryTemplateLocaleNoticeInstance(t *testing.T) {
	r, inst, sched := shipped(t)
	for _, key := range inst.Keys() {
		w, ok := sched.Window(key)
		if !ok {
			continue
		}
		for _, n := range config.AllNotices {
			job := Job{Schedule: sched, Instance: inst.Instances[key], Window: w, Notice: n}
			if n == config.Reschedule || n == config.Cancel {
				job.Previous = &Span{Start: w.Begin().AddDate(0, 0, -7), End: w.End().AddDate(0, 0, -7)}
			}
			p, err := r.Prepare(job)
			if err != nil {
				t.Errorf("Prepare(%s, %s): %v", key, n, err)
				continue
			}
			for _, ed := range p.Editions() {
				for _, name := range []string{"", "Núria <Soler> & Co"} {
					m, err := p.Render(recipients.Recipient{Email: "x@example.test", Name: name, Locale: ed.Locale()})
					if err != nil {
						t.Errorf("Render(%s, %s, %s): %v", key, n, ed.Locale(), err)
						continue
					}
					if m.Locale != ed.Locale() || m.Subject == "" || !strings.Contains(m.Text, inst.Instances[key].Name) {
						t.Errorf("Render(%s, %s, %s) = locale %q subject %q", key, n, ed.Locale(), m.Locale, m.Subject)
					}
					if name != "" && (!strings.Contains(m.HTML, "Núria &lt;Soler&gt; &amp; Co") || !strings.Contains(m.Text, name)) {
						t.Errorf("Render(%s, %s, %s): name not escaped in HTML or missing in text", key, n, ed.Locale())
					}
				}
				if _, err := p.Forum(ed); err != nil {
					t.Errorf("Forum(%s, %s, %s): %v", key, n, ed.Locale(), err)
				}
			}
		}
	}
}

// The subject and the body of one message are always in one language.
func TestSubjectAndBodySameLocale(t *testing.T) {
	r, inst, sched := shipped(t)
	w, _ := sched.Window("katuma")
	p, err := r.Prepare(Job{Schedule: sched, Instance: inst.Instances["katuma"], Window: w, Notice: config.Announce})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		locale, subject, body string
		fb                    Fallback
	}{
		{"ca", "Manteniment programat de Katuma el dimarts, 7 de maig del 2019", "El proper dimarts, 7 de maig del 2019, Katuma tindrà un manteniment programat.", OwnLocale},
		{"ca_ES", "Manteniment programat", "Esperem que duri aproximadament 2 hores (9:00–11:00 CEST), tot i que podria allargar-se una hora més.", OwnLocale},
		{"es", "Mantenimiento programado de Katuma el martes, 7 de mayo de 2019", "El próximo martes, 7 de mayo de 2019, Katuma tendrá un mantenimiento programado.", OwnLocale},
		{"", "Mantenimiento programado", "Esperamos que dure aproximadamente 2 horas (9:00–11:00 CEST), aunque podría alargarse una hora más.", NoLocale},
		{"de", "Mantenimiento programado", "Durante este periodo, Katuma no estará disponible.", NotOffered},
		{"xx!", "Mantenimiento programado", "Hola:", NotOffered},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			m, err := p.Render(recipients.Recipient{Email: "a@example.test", Locale: tt.locale})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(m.Subject, tt.subject) || !strings.Contains(m.Text, tt.body) || m.Fallback != tt.fb {
				t.Errorf("Render(%q) = subject %q, fallback %q, text\n%s\nwant subject %q…, fallback %q, text with %q", tt.locale, m.Subject, m.Fallback, m.Text, tt.subject, tt.fb, tt.body)
			}
		})
	}
}

// minimal builds a renderer from in-memory templates and locales.
func minimal(t *testing.T, locales map[string]string) (*Renderer, error) {
	t.Helper()
	tm := fstest.MapFS{
		"email/common.txt.tmpl":  {Data: []byte(`{{define "greeting"}}{{.Greeting}}{{end}}{{define "footer"}}{{end}}`)},
		"email/layout.html.tmpl": {Data: []byte(`{{define "layout"}}<p>{{.Greeting}}</p>{{template "content" .}}{{end}}`)},
	}
	for _, n := range config.AllNotices {
		tm["email/"+string(n)+".txt.tmpl"] = &fstest.MapFile{Data: []byte(`{{template "greeting" .}} {{.T "body"}}`)}
		tm["email/"+string(n)+".html.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{.T "body"}}{{end}}`)}
		tm["forum/"+string(n)+".md.tmpl"] = &fstest.MapFile{Data: []byte(`{{.T "body"}}`)}
	}
	lm := fstest.MapFS{}
	for name, src := range locales {
		lm[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return New(tm, "templates", lm, "locales")
}

const minimalMessages = `
greeting = "Hi,"
greeting_name = "Hi {{.Name}},"
body = "Down on {{.Date}} ({{.Range}})."
expect = "x"
expect_extra = "x"
support_email = "x"
support_url_email = "x"
done_report_email = "x"
done_report_url_email = "x"
start_back = "x"
start_back_extra = "x"
announce_subject = "Maintenance on {{.Date}}"
reminder_subject = "Reminder"
start_subject = "Started"
done_subject = "Done"
range_overnight = "{{.Start}} until {{.End}} on {{.EndDate}}"
range_with_utc = "{{.Local}}; {{.UTC}}"
time_on_date = "{{.Time}} on {{.Date}}"
[duration_hours]
one = "an hour"
other = "{{.Count}} hours"
[duration_minutes]
other = "{{.Count}} minutes"
[extra_hours]
one = "an hour more"
other = "{{.Count}} hours more"
`

func instanceWith(t *testing.T, zone string, locales ...string) *config.Instance {
	t.Helper()
	var z config.Zone
	if err := z.UnmarshalText([]byte(zone)); err != nil {
		t.Fatal(err)
	}
	return &config.Instance{Key: "x", Name: "X", TimeZone: z, Locales: locales, From: "x@x.test", Support: config.Support{Email: "help@x.test"}}
}

func window(t *testing.T, in *config.Instance, start string, d, extra time.Duration) *config.Window {
	t.Helper()
	src := "campaign = \"c\"\nrelease = \"r\"\n[windows.x]\nstart = \"" + start + "\"\nduration = \"" + d.String() + "\"\nextra = \"" + extra.String() + "\"\n"
	p := t.TempDir() + "/s.toml"
	os.WriteFile(p, []byte(src), 0o644)
	s, err := config.LoadSchedule(p, &config.Instances{File: "i.toml", Instances: map[string]*config.Instance{"x": in}})
	if err != nil {
		t.Fatal(err)
	}
	return s.Windows["x"]
}

// The window's times read right across midnight and DST changes.
func TestWindowRanges(t *testing.T) {
	r, err := minimal(t, map[string]string{"en.toml": minimalMessages, "ca.toml": minimalMessages, "fr.toml": minimalMessages})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, zone, locale, start string
		d                         time.Duration
		utc                       bool
		want                      string
	}{
		{"plain", "Europe/Madrid", "ca", "2019-05-07 09:00", 2 * time.Hour, false, "Down on dimarts, 7 de maig del 2019 (9:00–11:00 CEST)."},
		{"elision", "Europe/Madrid", "ca", "2019-04-09 09:00", 2 * time.Hour, false, "Down on dimarts, 9 d’abril del 2019 (9:00–11:00 CEST)."},
		{"across midnight", "Australia/Melbourne", "en-AU", "2019-07-30 22:00", 4 * time.Hour, false, "Down on Tuesday, 30 July 2019 (10:00\u202fpm AEST until 2:00\u202fam AEST on Wednesday, 31 July 2019)."},
		{"end of DST Madrid", "Europe/Madrid", "ca", "2019-10-27 01:00", 3 * time.Hour, false, "Down on diumenge, 27 d’octubre del 2019 (1:00 CEST–3:00 CET)."},
		// Across a DST change each end has its zone, joined as the locale joins
		// a range (en-CA: "–", no spaces).
		{"start of DST Toronto", "America/Toronto", "en-CA", "2019-03-10 01:00", 2 * time.Hour, true, "Down on Sunday, March 10, 2019 (1:00\u202fa.m. EST–4:00\u202fa.m. EDT; 6:00–8:00\u202fa.m. UTC)."},
		// One time style: fr-CA pads hours alone, so in ranges too.
		{"fr-CA with UTC", "America/Toronto", "fr-CA", "2019-06-13 03:00", 2 * time.Hour, true, "Down on jeudi 13 juin 2019 (03 h 00\u2009–\u200905 h 00 HAE; 07 h 00\u2009–\u200909 h 00 UTC)."},
		// UTC on another day than the window's gets its own date.
		{"UTC next day", "America/Vancouver", "en-CA", "2019-05-07 20:00", 2 * time.Hour, true, "Down on Tuesday, May 7, 2019 (8:00–10:00\u202fp.m. PDT; 3:00–5:00\u202fa.m. UTC on Wednesday, May 8, 2019)."},
		{"UTC previous day", "Australia/Melbourne", "en-AU", "2019-05-07 09:00", 2 * time.Hour, true, "Down on Tuesday, 7 May 2019 (9:00\u2009–\u200911:00\u202fam AEST; 11:00\u202fpm UTC on Monday, 6 May 2019 until 1:00\u202fam UTC on Tuesday, 7 May 2019)."},
		{"UTC across midnight", "Europe/London", "en-GB", "2019-07-30 23:30", time.Hour, true, "Down on Tuesday, 30 July 2019 (23:30 BST until 00:30 BST on Wednesday, 31 July 2019; 22:30–23:30 UTC)."},
		{"Vancouver has its zone name", "America/Vancouver", "fr-CA", "2019-05-07 09:00", 2 * time.Hour, false, "Down on mardi 7 mai 2019 (09 h 00\u2009–\u200911 h 00 HAP)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := instanceWith(t, tt.zone, tt.locale)
			in.ShowUTC = tt.utc
			w := window(t, in, tt.start, tt.d, 0)
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
	// The window keeps its length across the DST change: 3 hours of wall time
	// from 01:00 CEST end at 03:00 CET, not 04:00.
	in := instanceWith(t, "Europe/Madrid", "ca")
	w := window(t, in, "2019-10-27 01:00", 3*time.Hour, 0)
	if got := w.End().Sub(w.Begin()); got != 3*time.Hour {
		t.Errorf("window length = %v, want 3h", got)
	}
}

func TestMissingKeyIsAnError(t *testing.T) {
	ca := strings.Replace(minimalMessages, `body = "Down on {{.Date}} ({{.Range}})."`, ``, 1)
	r, err := minimal(t, map[string]string{"en.toml": minimalMessages, "ca.toml": ca})
	if err != nil {
		t.Fatal(err)
	}
	in := instanceWith(t, "Europe/Madrid", "es_ES", "ca")
	w := window(t, in, "2019-05-07 09:00", 2*time.Hour, 0)
	_, err = r.Prepare(Job{Schedule: &config.Schedule{}, Instance: in, Window: w, Notice: config.Announce})
	if want := "x announce notice in es_ES: no messages for locale es-ES: add locales/es.toml"; err == nil || err.Error() != want {
		t.Errorf("Prepare with no es file: err = %v, want %q", err, want)
	}
	in.Locales = []string{"ca", "en"}
	_, err = r.Prepare(Job{Schedule: &config.Schedule{}, Instance: in, Window: w, Notice: config.Announce})
	if want := `x announce notice in ca: locales/ca.toml: message "body" is missing (used by templates/email/announce.txt.tmpl)`; err == nil || err.Error() != want {
		t.Errorf("Prepare(ca) err = %v, want %q", err, want)
	}
	in.Locales = []string{"en"}
	p, err := r.Prepare(Job{Schedule: &config.Schedule{}, Instance: in, Window: w, Notice: config.Announce})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := p.Render(recipients.Recipient{Email: "a@x.test", Locale: "ca"}); err != nil || !strings.Contains(m.Text, "Down on") || m.Fallback != NotOffered {
		t.Errorf("Render(ca) on an English-only instance = %v, %v; want the English body, counted as a fallback", m, err)
	}
}

// A translated subject with a line break would inject headers: refused.
func TestSubjectWithLineBreakRefused(t *testing.T) {
	en := strings.Replace(minimalMessages, `announce_subject = "Maintenance on {{.Date}}"`, `announce_subject = "Maintenance\r\nBcc: victim@example.test"`, 1)
	r, err := minimal(t, map[string]string{"en.toml": en})
	if err != nil {
		t.Fatal(err)
	}
	in := instanceWith(t, "Europe/Madrid", "en")
	w := window(t, in, "2019-05-07 09:00", 2*time.Hour, 0)
	_, err = r.Prepare(Job{Schedule: &config.Schedule{}, Instance: in, Window: w, Notice: config.Announce})
	if want := `x announce notice in en: locales/en.toml: message "announce_subject" contains a line break, which a subject cannot hold`; err == nil || err.Error() != want {
		t.Errorf("Prepare err = %v, want %q", err, want)
	}
}

func TestBadLocaleFile(t *testing.T) {
	_, err := minimal(t, map[string]string{"en.toml": minimalMessages + "\n[oops\n"})
	if want := "locales/en.toml:30: expected '.' or ']' to end table name, but got '\\n' instead"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

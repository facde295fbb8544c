package render

import (
	"testing"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/recipients"
)

// The skeleton shortcut must give exactly what running the templates gives,
// for every shipped notice, locale and a set of awkward names.
func TestSkeletonMatchesTemplates(t *testing.T) {
	r, inst, sched := shipped(t)
	names := []string{"", "Ana", "Núria <b>Soler</b>", `O'Brien & "Sons" + Co`, "a\x00b", "ANNOUNCEGREETINGMARKER7f3a9c", "{{.Name}}", "Łukasz 🥕"}
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
				t.Fatal(err)
			}
			slow := &Prepared{job: p.job, tmpl: p.tmpl}
			for _, ed := range p.Editions() {
				if ed.textSk == nil || ed.htmlSk == nil || ed.greetSk == nil {
					t.Errorf("%s %s %s: shortcut off for the shipped templates", key, n, ed.Locale())
				}
				cp := *ed
				cp.textSk, cp.htmlSk, cp.greetSk = nil, nil, nil
				slow.editions = append(slow.editions, &cp)
			}
			for _, ed := range p.Editions() {
				for _, name := range names {
					rcp := recipients.Recipient{Email: "a@example.test", Name: name, Locale: ed.Locale()}
					fast, err1 := p.Render(rcp)
					want, err2 := slow.Render(rcp)
					if err1 != nil || err2 != nil {
						t.Fatalf("Render: %v / %v", err1, err2)
					}
					if fast.Text != want.Text || fast.HTML != want.HTML {
						t.Errorf("%s %s %s name %q: shortcut differs from templates:\n%s\n---\n%s", key, n, ed.Locale(), name, fast.HTML, want.HTML)
					}
				}
			}
		}
	}
}

// A template that mentions .Recipient, or puts the greeting where escaping
// differs from HTML text, gets no shortcut.
func TestSkeletonRefused(t *testing.T) {
	tests := []struct{ name, html string }{
		{"recipient", `{{define "content"}}{{.Recipient.Email}}{{end}}`},
		{"recipient via $", `{{define "content"}}{{with .Greeting}}{{$.Recipient.Name}}{{end}}{{end}}`},
		{"greeting in a URL", `{{define "content"}}<a href="/x?g={{.Greeting}}">x</a>{{end}}`},
		{"greeting in a script", `{{define "content"}}<script>var g = {{.Greeting}};</script>{{end}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := minimal(t, map[string]string{"en.toml": minimalMessages})
			if err != nil {
				t.Fatal(err)
			}
			tm := r.templates[config.Announce]
			if _, err := tm.html.New("content").Parse(tt.html); err != nil {
				t.Fatal(err)
			}
			in := instanceWith(t, "Europe/Madrid", "en")
			w := window(t, in, "2019-05-07 09:00", 7200e9, 0)
			p, err := r.Prepare(Job{Schedule: &config.Schedule{}, Instance: in, Window: w, Notice: config.Announce})
			if err != nil {
				t.Fatal(err)
			}
			if p.editions[0].htmlSk != nil {
				t.Errorf("htmlSk = %q, want no shortcut", p.editions[0].htmlSk)
			}
			if _, err := p.Render(recipients.Recipient{Email: "a@x.test", Name: "<Ana>"}); err != nil {
				t.Errorf("Render: %v", err)
			}
		})
	}
}

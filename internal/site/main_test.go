package site

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/plan"
	"github.com/openfoodfoundation/announce/internal/recipients"
	"github.com/openfoodfoundation/announce/internal/render"
)

// TestMain closes the one browser of the run and removes the shared files.
func TestMain(m *testing.M) {
	code := m.Run()
	closeBrowser()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// shared is every page the browser and the parsers check, built once per
// run: the shipped site as of June 13, 2019 (Katuma done, Belgium and
// Canada in progress, the rest to come), every instance's maintenance
// pages, the plan's HTML and email HTML.
var shared struct {
	once sync.Once
	dir  string
	err  error
}

func sharedDir(t *testing.T) string {
	t.Helper()
	shared.once.Do(func() { shared.dir, shared.err = buildShared() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.dir
}

// longURL is a support URL longer than a phone is wide, without a break.
const longURL = "https://community.openfoodnetwork.test/c/belgium/a-category-with-a-very-long-name/and-a-topic-whose-slug-goes-on-and-on-1234567890?utm_source=announce&utm_medium=email"

func buildShared() (string, error) {
	dir, err := os.MkdirTemp("", "announce-site-test-")
	if err != nil {
		return "", err
	}
	in, err := loadShipped(june13)
	if err != nil {
		return dir, err
	}
	f, err := Build(in)
	if err != nil {
		return dir, err
	}
	if err := f.Write(filepath.Join(dir, "site")); err != nil {
		return dir, err
	}
	for _, k := range keys(in) {
		m, err := Maintenance(in, k)
		if err != nil {
			return dir, err
		}
		if err := m.Write(filepath.Join(dir, "maintenance", k)); err != nil {
			return dir, err
		}
	}
	var b bytes.Buffer
	if err := plan.Make(in.Instances, in.Schedule, plan.Options{Now: june13}).WriteHTML(&b); err != nil {
		return dir, err
	}
	if err := os.WriteFile(filepath.Join(dir, "plan.html"), b.Bytes(), 0o644); err != nil {
		return dir, err
	}
	// Emails: every notice of Katuma (Spanish and Catalan) and of Belgium
	// (French; Dutch and English for the announcement) with a support URL
	// longer than a phone's screen.
	be := *in.Instances.Instances["belgium"]
	be.Support.URL = longURL
	for _, inst := range []*config.Instance{in.Instances.Instances["katuma"], &be} {
		win, _ := in.Schedule.Window(inst.Key)
		for _, n := range config.AllNotices {
			job := render.Job{Schedule: in.Schedule, Instance: inst, Window: win, Notice: n}
			if n == config.Reschedule || n == config.Cancel {
				job.Previous = &render.Span{Start: win.Begin().Add(-24 * time.Hour), End: win.End().Add(-24 * time.Hour), Latest: win.LatestEnd().Add(-24 * time.Hour)}
				job.Seq = 1
			}
			pr, err := in.Renderer.Prepare(job)
			if err != nil {
				return dir, err
			}
			for _, ed := range pr.Editions() {
				if inst.Key == "belgium" && ed.Locale() != "fr-BE" && n != config.Announce {
					continue // enough of the long URL: keep the browser's work small
				}
				m, err := pr.Render(recipients.Recipient{Email: "ana@example.test", Name: "Ana García", Locale: ed.Locale()})
				if err != nil {
					return dir, err
				}
				name := filepath.Join(dir, "email", fmt.Sprintf("%s-%s-%s.html", inst.Key, n, ed.Locale()))
				if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
					return dir, err
				}
				if err := os.WriteFile(name, []byte(m.HTML), 0o644); err != nil {
					return dir, err
				}
			}
		}
	}
	return dir, nil
}

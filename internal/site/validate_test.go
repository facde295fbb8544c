package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/ics"
)

// python runs one of testdata/validate's scripts with Debian's python3 on
// files and decodes its JSON. The scripts use independent parsers
// (feedparser, python3-icalendar, html5lib): what they read is what a
// reader's software reads.
func python(t *testing.T, script, module string, out any, files ...string) {
	t.Helper()
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		if py, err = exec.LookPath("python3"); err != nil {
			needs(t, errors.New("no python3"))
		}
	}
	if err := exec.Command(py, "-c", "import "+module).Run(); err != nil {
		needs(t, errors.New("python3 cannot import "+module))
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(py, append([]string{filepath.Join(root, "testdata/validate", script)}, files...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stdout.String())
	}
}

func glob(t *testing.T, dir string, patterns ...string) []string {
	var out []string
	for _, p := range patterns {
		m, err := filepath.Glob(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) == 0 {
		t.Fatalf("no %v under %s", patterns, dir)
	}
	return out
}

// Every feed is clean Atom 1.0 to feedparser, in its language, with the
// ids the site promises.
func TestFeedsParse(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "site")
	files := glob(t, dir, "*/*/feed.atom")
	var got map[string]struct {
		ID, Language, Author string
		Entries              []struct{ ID, Title, Updated, Text string }
	}
	python(t, "check_atom.py", "feedparser", &got, files...)
	in := shippedInput(t, june13)
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		parts := strings.Split(rel, string(filepath.Separator))
		key, loc := parts[0], parts[1]
		g := got[f]
		if g.ID != FeedID(in.Schedule.Campaign, key, loc) || !strings.EqualFold(g.Language, loc) {
			t.Errorf("%s: id %s, language %s; want %s, %s", rel, g.ID, g.Language, FeedID(in.Schedule.Campaign, key, loc), loc)
		}
		if g.Author != in.Instances.Instances[key].Support.Email {
			t.Errorf("%s: author %q", rel, g.Author)
		}
		for _, e := range g.Entries {
			if !strings.HasPrefix(e.ID, "urn:uuid:") || e.Title == "" || e.Text == "" {
				t.Errorf("%s: entry %+v", rel, e)
			}
			if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
				t.Errorf("%s: entry updated %q: %v", rel, e.Updated, err)
			}
		}
	}
	if n := len(got[filepath.Join(dir, "katuma/ca/feed.atom")].Entries); n != 4 {
		t.Errorf("katuma/ca: feedparser read %d entries, want 4", n)
	}
}

// Every calendar parses with python3-icalendar, at the window's instants,
// with the notices' UID; the rollout's has its own UIDs.
func TestCalendarsParse(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "site")
	files := glob(t, dir, "*/*/calendar.ics", "rollout.ics")
	var got map[string]struct {
		Method string
		Events []struct {
			UID, Status, Summary, Start, End string
			Sequence                         int
		}
	}
	python(t, "check_ics.py", "icalendar", &got, files...)
	in := shippedInput(t, june13)
	camp := in.Schedule.Campaign
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		g := got[f]
		if rel == "rollout.ics" {
			if len(g.Events) != len(keys(in)) {
				t.Errorf("rollout.ics: %d events", len(g.Events))
			}
			for _, e := range g.Events {
				for _, k := range keys(in) {
					if e.UID == ics.UID(camp, k) {
						t.Errorf("rollout.ics: %s has the notices' UID", k)
					}
				}
			}
			continue
		}
		key := strings.Split(rel, string(filepath.Separator))[0]
		win, _ := in.Schedule.Window(key)
		if len(g.Events) != 1 {
			t.Fatalf("%s: %d events", rel, len(g.Events))
		}
		e := g.Events[0]
		if e.UID != ics.UID(camp, key) || e.Sequence != 0 || e.Status != "CONFIRMED" {
			t.Errorf("%s: UID %s SEQUENCE %d STATUS %s; want %s 0 CONFIRMED", rel, e.UID, e.Sequence, e.Status, ics.UID(camp, key))
		}
		if want := win.Begin().UTC().Format("2006-01-02T15:04:05Z"); e.Start != want {
			t.Errorf("%s: start %s, want %s", rel, e.Start, want)
		}
		if want := win.End().UTC().Format("2006-01-02T15:04:05Z"); e.End != want {
			t.Errorf("%s: end %s, want %s", rel, e.End, want)
		}
	}
}

// Every page parses without a single error of the HTML standard's parsing
// algorithm (html5lib, strict), with the language it claims.
func TestHTMLParses(t *testing.T) {
	base := sharedDir(t)
	files := glob(t, base, "site/*.html", "site/*/index.html", "site/*/*/index.html", "maintenance/*/*.html", "plan.html", "email/*.html")
	var got map[string]struct {
		Lang, Title string
		Links       []string
	}
	python(t, "check_html.py", "html5lib", &got, files...)
	for _, f := range files {
		rel, _ := filepath.Rel(base, f)
		g := got[f]
		parts := strings.Split(rel, string(filepath.Separator))
		want := ""
		switch {
		case parts[0] == "site" && len(parts) == 4:
			want = parts[2]
		case parts[0] == "maintenance":
			want = strings.TrimSuffix(parts[2], ".html")
		case parts[0] == "plan.html" || rel == filepath.Join("site", "index.html"):
			want = "en"
		}
		if want != "" && g.Lang != want {
			t.Errorf("%s: <html lang=%q>, want %q", rel, g.Lang, want)
		}
		if g.Title == "" {
			t.Errorf("%s: no title", rel)
		}
		// Links between the site's pages lead to files that exist.
		if parts[0] == "site" {
			for _, l := range g.Links {
				if strings.Contains(l, ":") {
					continue
				}
				target := filepath.Join(filepath.Dir(f), strings.SplitN(l, "#", 2)[0])
				if _, err := os.Stat(target); err != nil {
					t.Errorf("%s: link %s leads nowhere", rel, l)
				}
			}
		}
	}
}

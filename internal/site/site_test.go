package site

import (
	"context"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ics"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/render"
)

var root, _ = filepath.Abs("../..")

// shippedInput is the shipped example as `announce site` reads it.
func shippedInput(t testing.TB, now time.Time) Input {
	t.Helper()
	in, err := loadShipped(now)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func loadShipped(now time.Time) (Input, error) {
	inst, err := config.LoadInstances(filepath.Join(root, "config/instances.toml"))
	if err != nil {
		return Input{}, err
	}
	sched, err := config.LoadSchedule(filepath.Join(root, "config/schedule.toml"), inst)
	if err != nil {
		return Input{}, err
	}
	r, err := render.New(os.DirFS(filepath.Join(root, "templates")), "templates", os.DirFS(filepath.Join(root, "locales")), "locales")
	if err != nil {
		return Input{}, err
	}
	return Input{Instances: inst, Schedule: sched, Renderer: r, Templates: os.DirFS(filepath.Join(root, "templates")), TemplatesDir: "templates", Now: now}, nil
}

// june13 is Belgium's and Canada's window: Katuma's is over, the rest to come.
var june13 = time.Date(2019, 6, 13, 8, 0, 0, 0, time.UTC)

func build(t testing.TB, in Input) *Files {
	t.Helper()
	f, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func file(t testing.TB, f *Files, name string) string {
	t.Helper()
	b, ok := f.File(name)
	if !ok {
		t.Fatalf("no %s among %v", name, f.Names())
	}
	return string(b)
}

// Every instance in every offered language: a page, a feed, a calendar.
func TestBuildShipped(t *testing.T) {
	in := shippedInput(t, june13)
	f := build(t, in)
	want := map[string]bool{"index.html": true, "timeline.svg": true, "rollout.ics": true}
	for _, k := range in.Instances.Keys() {
		want[k+"/index.html"] = true
		for _, l := range in.Instances.Instances[k].Locales {
			tag, _ := render.ParseTag(l)
			for _, name := range []string{"index.html", "feed.atom", "calendar.ics"} {
				want[k+"/"+tag.String()+"/"+name] = true
			}
		}
	}
	for _, n := range f.Names() {
		if !want[n] {
			t.Errorf("unexpected file %s", n)
		}
		delete(want, n)
	}
	for n := range want {
		t.Errorf("missing %s", n)
	}

	tests := []struct{ file, want string }{
		{"katuma/ca/index.html", `<html lang="ca">`},
		{"katuma/ca/index.html", `Manteniment acabat`},
		{"katuma/ca/index.html", `<span>dimarts, 7 de maig del 2019</span><span>9:00–11:00 CEST</span><span class="utc">7:00–9:00 UTC</span>`},
		{"katuma/ca/index.html", `<a href="../es/index.html" hreflang="es" lang="es">español</a>`},
		{"katuma/ca/index.html", `<a href="mailto:info@katuma.test">info@katuma.test</a>`},
		{"belgium/nl-BE/index.html", `<html lang="nl-BE">`},
		{"belgium/nl-BE/index.html", `Onderhoud bezig`},
		{"canada/fr-CA/index.html", `Maintenance en cours`},
		{"germany/de-DE/index.html", `Anstehende Wartung`},
		// Australia's window crosses midnight locally and the date line in UTC.
		{"australia/en-AU/index.html", `<span>Tuesday, 30 July 2019</span><span>9:00 pm AEST – Wednesday, 31 July 2019, 1:00 am AEST</span><span class="utc">11:00 am – 3:00 pm UTC</span>`},
		{"canada/en-CA/index.html", `<span class="utc">7:00–9:00 a.m. UTC</span>`},
		{"index.html", `<svg xmlns="http://www.w3.org/2000/svg"`},
		{"index.html", `warning support`},
		{"katuma/index.html", `<meta http-equiv="refresh" content="0; url=es/index.html">`},
		// Without a ledger: the schedule alone, and said so.
		{"katuma/es/index.html", `Esta página muestra la planificación`},
	}
	for _, tt := range tests {
		if got := plain(file(t, f, tt.file)); !strings.Contains(got, tt.want) {
			t.Errorf("%s lacks %q:\n%s", tt.file, tt.want, got)
		}
	}
	// Feeds: without a ledger, the notices whose moment passed.
	if got := strings.Count(file(t, f, "katuma/es/feed.atom"), "<entry>"); got != 4 {
		t.Errorf("katuma/es feed has %d entries, want 4 (every notice's moment passed)", got)
	}
	if got := strings.Count(file(t, f, "germany/de-DE/feed.atom"), "<entry>"); got != 1 {
		t.Errorf("germany feed has %d entries, want its announce of June 11 only", got)
	}
}

// The same input builds the same bytes, and feed ids depend only on what
// they name.
func TestBuildStable(t *testing.T) {
	a, b := build(t, shippedInput(t, june13)), build(t, shippedInput(t, june13))
	for _, n := range a.Names() {
		if file(t, a, n) != file(t, b, n) {
			t.Errorf("%s differs between two builds", n)
		}
	}
	later := build(t, shippedInput(t, june13.Add(48*time.Hour)))
	id := regexp.MustCompile(`<id>[^<]+</id>`)
	for _, n := range []string{"katuma/es/feed.atom", "belgium/fr-BE/feed.atom"} {
		was, now := id.FindAllString(file(t, a, n), -1), id.FindAllString(file(t, later, n), -1)
		for _, x := range was {
			if !strings.Contains(strings.Join(now, ""), x) {
				t.Errorf("%s: id %s gone two days later (ids %v)", n, x, now)
			}
		}
	}
	if FeedID("c", "katuma", "es") == FeedID("c", "katuma", "ca") || EntryID("c", "k", "es", "announce") == EntryID("c", "k", "es", "reminder") {
		t.Error("ids collide")
	}
}

// With a ledger: the page says what went out and when, the feed lists only
// that, and the calendar carries the notices' UID and SEQUENCE.
func TestBuildWithLedger(t *testing.T) {
	ctx := context.Background()
	in := shippedInput(t, june13)
	l, err := ledger.Open(ctx, filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	camp := in.Schedule.Campaign
	win, _ := in.Schedule.Window("belgium")
	if err := l.RecordNotice(ctx, camp, "announce", "belgium", ledger.NoticeSent, "3 sent"); err != nil {
		t.Fatal(err)
	}
	if err := l.RecordTold(ctx, camp, "belgium", ledger.Told{Notice: "announce", Start: win.Begin(), End: win.End(), Latest: win.LatestEnd(), Sequence: 2}); err != nil {
		t.Fatal(err)
	}
	if err := l.RecordNotice(ctx, camp, "reminder", "belgium", ledger.NoticeExpired, "nothing ran"); err != nil {
		t.Fatal(err)
	}
	// Canada was told of another window: the schedule moved it since.
	cw, _ := in.Schedule.Window("canada")
	if err := l.RecordTold(ctx, camp, "canada", ledger.Told{Notice: "announce", Start: cw.Begin().Add(-24 * time.Hour), End: cw.End().Add(-24 * time.Hour), Latest: cw.LatestEnd().Add(-24 * time.Hour), Sequence: 0}); err != nil {
		t.Fatal(err)
	}
	if in.History, err = ReadHistory(ctx, l, camp, in.Instances.Keys()); err != nil {
		t.Fatal(err)
	}
	f := build(t, in)
	page := file(t, f, "belgium/fr-BE/index.html")
	for _, want := range []string{`<li id="notice-announce">`, "— envoyé le", "non envoyé : le moment est passé", "pas encore envoyé ; prévu le"} {
		if !strings.Contains(page, want) {
			t.Errorf("belgium page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "Cette page montre le calendrier prévu") {
		t.Error("with a ledger the page still says it shows the schedule alone")
	}
	if got := plain(file(t, f, "canada/en-CA/index.html")); !strings.Contains(got, `<p class="moved">Previously announced for Wednesday, June 12, 2019, 3:00–5:00 a.m. EDT</p>`) {
		t.Errorf("canada page does not say the window moved:\n%s", got)
	}
	if got := strings.Count(file(t, f, "belgium/fr-BE/feed.atom"), "<entry>"); got != 1 {
		t.Errorf("belgium feed has %d entries, want the announce only", got)
	}
	for _, tt := range []struct {
		file string
		seq  string
	}{{"belgium/fr-BE/calendar.ics", "2"}, {"belgium/en-BE/calendar.ics", "2"}, {"canada/en-CA/calendar.ics", "1"}, {"katuma/es/calendar.ics", "0"}} {
		cal, err := ical.ParseCalendar(strings.NewReader(file(t, f, tt.file)))
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		ev := cal.Events()
		if len(ev) != 1 {
			t.Fatalf("%s: %d events", tt.file, len(ev))
		}
		key := strings.Split(tt.file, "/")[0]
		if ev[0].Id() != ics.UID(camp, key) {
			t.Errorf("%s: UID %s, want the notices' %s", tt.file, ev[0].Id(), ics.UID(camp, key))
		}
		if got := ev[0].GetProperty(ical.ComponentPropertySequence).Value; got != tt.seq {
			t.Errorf("%s: SEQUENCE %s, want %s", tt.file, got, tt.seq)
		}
	}
	// A calendar to subscribe to: named, with how often to fetch it.
	for _, want := range []string{"\r\nNAME:Open Food Network Belgium\r\n", "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n", "\r\nX-PUBLISHED-TTL:PT1H\r\n"} {
		if !strings.Contains(file(t, f, "belgium/fr-BE/calendar.ics"), want) {
			t.Errorf("belgium/fr-BE/calendar.ics lacks %q", want)
		}
	}
	// The rollout calendar keeps its own UIDs.
	if strings.Contains(file(t, f, "rollout.ics"), ics.UID(camp, "katuma")) {
		t.Error("rollout.ics uses a notice UID")
	}
}

func TestMaintenance(t *testing.T) {
	in := shippedInput(t, june13)
	f, err := Maintenance(in, "belgium")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Names(), " "); got != "de-DE.html en-BE.html fr-BE.html nl-BE.html" {
		t.Errorf("files %s, want one per offered locale", got)
	}
	for name, want := range map[string]string{
		"fr-BE.html": `<span>Fin prévue : jeudi 13 juin 2019, 11:00 UTC+2</span>`,
		"nl-BE.html": `<html lang="nl-BE">`,
		"en-BE.html": `<a href="fr-BE.html" hreflang="fr-BE" lang="fr-BE">français</a>`,
	} {
		if got := html.UnescapeString(file(t, f, name)); !strings.Contains(got, want) {
			t.Errorf("%s lacks %q:\n%s", name, want, got)
		}
	}
	if _, err := Maintenance(in, "nowhere"); err == nil {
		t.Error("an unknown instance is not an error")
	}
}

// A broken template is an error naming file and line, and nothing is built.
func TestBadTemplate(t *testing.T) {
	in := shippedInput(t, june13)
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "site"), 0o755)
	for _, n := range []string{"style", "instance", "maintenance", "fleet"} {
		src, _ := os.ReadFile(filepath.Join(root, "templates/site", n+".html.tmpl"))
		if n == "instance" {
			src = []byte(strings.Replace(string(src), "{{.Title}}</h1>", "{{.Title}</h1>", 1))
		}
		os.WriteFile(filepath.Join(dir, "site", n+".html.tmpl"), src, 0o644)
	}
	in.Templates, in.TemplatesDir = os.DirFS(dir), "tmpl"
	_, err := Build(in)
	if err == nil || !strings.HasPrefix(err.Error(), "tmpl/site/instance.html.tmpl:") {
		t.Errorf("Build = %v, want an error at tmpl/site/instance.html.tmpl:LINE", err)
	}
}

func TestWrite(t *testing.T) {
	f := build(t, shippedInput(t, june13))
	dir := t.TempDir()
	if err := f.Write(dir); err != nil {
		t.Fatal(err)
	}
	n, size := f.Size()
	var onDisk int64
	count := 0
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			count++
			onDisk += fi.Size()
		}
		return nil
	})
	if count != n || onDisk != size {
		t.Errorf("wrote %d files, %d bytes; Size says %d, %d", count, onDisk, n, size)
	}
}

// plain unescapes HTML and writes ICU's narrow and thin spaces as spaces.
func plain(s string) string {
	return strings.NewReplacer("\u202f", " ", "\u2009", " ", "\u00a0", " ").Replace(html.UnescapeString(s))
}

// A cancelled window after readers were told: the page says so, the feed
// calendar cancels the event with the cancel notice's SEQUENCE, the
// timeline marks it.
func TestCancelledWindow(t *testing.T) {
	ctx := context.Background()
	in := shippedInput(t, june13)
	win, _ := in.Schedule.Window("germany")
	win.Cancelled = true
	l, err := ledger.Open(ctx, filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	camp := in.Schedule.Campaign
	if err := l.RecordNotice(ctx, camp, "announce", "germany", ledger.NoticeSent, ""); err != nil {
		t.Fatal(err)
	}
	if err := l.RecordTold(ctx, camp, "germany", ledger.Told{Notice: "announce", Start: win.Begin(), End: win.End(), Latest: win.LatestEnd()}); err != nil {
		t.Fatal(err)
	}
	if err := l.RecordNotice(ctx, camp, "cancel", "germany", ledger.NoticeSent, ""); err != nil {
		t.Fatal(err)
	}
	if in.History, err = ReadHistory(ctx, l, camp, in.Instances.Keys()); err != nil {
		t.Fatal(err)
	}
	f := build(t, in)
	page := plain(file(t, f, "germany/de-DE/index.html"))
	for _, want := range []string{"Abgesagte Wartung", `<li id="notice-cancel">Abgesagt:`, `<li id="notice-announce">`} {
		if !strings.Contains(page, want) {
			t.Errorf("germany page lacks %q:\n%s", want, page)
		}
	}
	if got := strings.Count(file(t, f, "germany/de-DE/feed.atom"), "<entry>"); got != 2 {
		t.Errorf("feed has %d entries, want announce and cancel", got)
	}
	cal := file(t, f, "germany/de-DE/calendar.ics")
	if !strings.Contains(cal, "STATUS:CANCELLED") || !strings.Contains(cal, "SEQUENCE:1") {
		t.Errorf("calendar does not cancel with SEQUENCE 1:\n%s", cal)
	}
	if !strings.Contains(file(t, f, "timeline.svg"), "CANCELLED Tue 09:00–11:00 CEST") {
		t.Error("the timeline does not mark the cancelled window")
	}
}

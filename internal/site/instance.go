package site

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/openfoodfoundation/announce/internal/cldr"
	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ics"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/recipients"
	"github.com/openfoodfoundation/announce/internal/render"
	"github.com/openfoodfoundation/announce/internal/timing"
)

// Window states, as the pages show them.
const (
	upcoming   = "upcoming"
	inProgress = "in-progress"
	completed  = "completed"
	cancelled  = "cancelled"
)

// instanceSite is one instance's window, prepared in each of its locales.
type instanceSite struct {
	in       Input
	inst     *config.Instance
	win      *config.Window
	page     *render.Prepared // the announce notice: the window's sentences
	notices  []notice
	sequence int
	status   string
}

// notice is one notice of the window: planned, sent or expired.
type notice struct {
	key      string // ledger key: "announce", "reschedule-1"
	prepared *render.Prepared
	planned  time.Time // zero for a change notice found only in the ledger
	record   *ledger.NoticeRecord
}

// at is when the notice went out, or its planned moment.
func (n notice) at() time.Time {
	if n.record != nil {
		return n.record.At
	}
	return n.planned
}

// sent reports whether the feed lists it: recorded sent, or without a
// ledger, its moment has passed.
func (n notice) sent(hasLedger bool, now time.Time) bool {
	if hasLedger {
		return n.record != nil && n.record.State == ledger.NoticeSent
	}
	return !n.planned.IsZero() && !n.planned.After(now)
}

func newInstanceSite(in Input, key string) (*instanceSite, error) {
	inst := in.Instances.Instances[key]
	win, _ := in.Schedule.Window(key)
	s := &instanceSite{in: in, inst: inst, win: win}
	rec := in.History[key]
	changed := win.Cancelled
	if rec != nil && rec.Told != nil && !rec.Told.Same(win.Begin(), win.End(), win.LatestEnd()) {
		changed = true
	}
	s.sequence = in.History.sequence(key, changed)
	prev := &render.Span{Start: win.Begin(), End: win.End(), Latest: win.LatestEnd()}
	if rec != nil && rec.Told != nil {
		prev = &render.Span{Start: rec.Told.Start, End: rec.Told.End, Latest: rec.Told.Latest}
	}
	prepare := func(n config.Notice, seq int) (*render.Prepared, error) {
		job := render.Job{Schedule: in.Schedule, Instance: inst, Window: win, Notice: n, Seq: seq, Sequence: s.sequence}
		if n == config.Reschedule || n == config.Cancel {
			job.Previous = prev
		}
		return in.Renderer.Prepare(job)
	}
	var err error
	if s.page, err = prepare(config.Announce, 0); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	if !win.Cancelled {
		for _, m := range timing.Moments(inst, win, in.Schedule) {
			p, err := prepare(m.Notice, 0)
			if err != nil {
				return nil, err
			}
			n := notice{key: string(m.Notice), prepared: p, planned: m.Due}
			s.notices = append(s.notices, n)
			seen[n.key] = true
		}
	}
	// Change notices exist only in the ledger (and a notice no longer in
	// the schedule that went out anyway).
	if rec != nil {
		for key := range rec.Notices {
			if seen[key] {
				continue
			}
			base, num, _ := strings.Cut(key, "-")
			n, err := config.ParseNotice(base)
			if err != nil {
				continue // a notice this version does not know: not ours to show
			}
			seq := 0
			if num != "" {
				fmt.Sscan(num, &seq)
			}
			p, err := prepare(n, seq)
			if err != nil {
				return nil, err
			}
			s.notices = append(s.notices, notice{key: key, prepared: p})
		}
		for i := range s.notices {
			if r, ok := rec.Notices[s.notices[i].key]; ok {
				s.notices[i].record = &r
			}
		}
	}
	slices.SortStableFunc(s.notices, func(a, b notice) int { return a.at().Compare(b.at()) })

	now := in.Now
	switch {
	case win.Cancelled:
		s.status = cancelled
	case now.Before(win.Begin()):
		s.status = upcoming
	case now.Before(win.LatestEnd()) && !s.doneSent():
		s.status = inProgress
	default:
		s.status = completed
	}
	return s, nil
}

// doneSent: the done notice went out (the deploy may finish early).
func (s *instanceSite) doneSent() bool {
	r := s.in.History[s.inst.Key]
	if r == nil {
		return false
	}
	d, ok := r.Notices[string(config.Done)]
	return ok && d.State == ledger.NoticeSent
}

// langLink is one entry of a language switch.
type langLink struct {
	Lang, Name, Href string
	Current          bool
}

func (s *instanceSite) langs(current string, href func(locale string) string) []langLink {
	var out []langLink
	for _, ed := range s.page.Editions() {
		loc := ed.Locale()
		name := loc
		if tag, err := language.Parse(loc); err == nil {
			name = display.Self.Name(tag)
		}
		out = append(out, langLink{Lang: loc, Name: name, Href: href(loc), Current: loc == current})
	}
	return out
}

// str and format localize a message; every miss is an error naming the file.
func str(ed *render.Edition, id string) (string, error) {
	return ed.Format(id, nil)
}

func format(ed *render.Edition, id string, when string) (string, error) {
	return ed.Format(id, map[string]any{"When": when})
}

// moment writes an instant in the edition's language: "martes, 7 de mayo
// de 2019, 9:00 CEST".
func moment(c *cldr.Locale, t time.Time) string {
	return c.Date(t) + ", " + c.Time(t) + " " + c.Zone(t)
}

// localRange is the window's expected span in the instance's zone.
func localRange(c *cldr.Locale, s, e time.Time) string {
	_, o1 := s.Zone()
	_, o2 := e.Zone()
	switch {
	case sameDay(s, e) && o1 == o2:
		return c.TimeRange(s, e) + " " + c.Zone(s)
	case sameDay(s, e):
		return c.Time(s) + " " + c.Zone(s) + " – " + c.Time(e) + " " + c.Zone(e)
	}
	return c.Time(s) + " " + c.Zone(s) + " – " + moment(c, e)
}

// utcRange is the same span in UTC, with the UTC dates when they are not
// the local start's.
func utcRange(c *cldr.Locale, localStart, s, e time.Time) string {
	s, e = s.UTC(), e.UTC()
	out := c.Time(s) + " – " + c.Time(e) + " UTC"
	if sameDay(s, e) {
		out = c.TimeRange(s, e) + " UTC"
	} else {
		out = c.Time(s) + " UTC – " + c.Date(e) + ", " + c.Time(e) + " UTC"
	}
	if !sameDay(s, localStart) {
		out = c.Date(s) + ", " + out
	}
	return out
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// instancePage is what templates/site/instance.html.tmpl sees.
type instancePage struct {
	Lang, Title, LangsLabel                        string
	Langs                                          []langLink
	Status, StatusClass                            string
	Date, Local, UTC                               string
	Moved                                          string
	Expect, Down, Purpose                          string
	Support                                        template.HTML
	AffectedLabel, SupportLabel, NoticesLabel      string
	NoLedger                                       string
	Notices                                        []noticeLine
	FollowLabel, FeedLabel, CalendarLabel, Updated string
}

type noticeLine struct{ Key, Subject, State string }

func (s *instanceSite) dir(locale string) string { return s.inst.Key + "/" + locale }

// build adds the instance's pages, feeds and calendars to f.
func (s *instanceSite) build(t *template.Template, f *Files) error {
	eds := s.page.Editions()
	for i, ed := range eds {
		p, err := s.instancePage(ed)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, "instance", p); err != nil {
			return fmt.Errorf("%s %s page: %w", s.inst.Key, ed.Locale(), err)
		}
		f.add(s.dir(ed.Locale())+"/index.html", b.Bytes())
		feed, err := s.feed(ed, i)
		if err != nil {
			return err
		}
		f.add(s.dir(ed.Locale())+"/feed.atom", feed)
		cal, err := ics.Window(s.inst, s.win, s.in.Schedule, ics.WindowOptions{
			Method: ics.Publish, Sequence: s.sequence, Stamp: s.in.Now.UTC().Truncate(time.Second),
			Summary: ed.Title(), Description: ed.CalendarText(), Name: s.inst.Name, Refresh: time.Hour})
		if err != nil {
			return fmt.Errorf("%s %s calendar: %w", s.inst.Key, ed.Locale(), err)
		}
		f.add(s.dir(ed.Locale())+"/calendar.ics", cal)
	}
	// KEY/index.html sends a browser to the default language, without script.
	def := eds[0].Locale()
	var b bytes.Buffer
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"refresh\" content=\"0; url=%s/index.html\">\n<title>%s</title>\n</head>\n<body>\n<ul>\n",
		template.HTMLEscapeString(def), template.HTMLEscapeString(def), template.HTMLEscapeString(s.inst.Name))
	for _, l := range s.langs("", func(loc string) string { return loc + "/index.html" }) {
		fmt.Fprintf(&b, "<li><a href=\"%s\" hreflang=\"%s\" lang=\"%s\">%s</a></li>\n", template.HTMLEscapeString(l.Href), template.HTMLEscapeString(l.Lang), template.HTMLEscapeString(l.Lang), template.HTMLEscapeString(l.Name))
	}
	b.WriteString("</ul>\n</body>\n</html>\n")
	f.add(s.inst.Key+"/index.html", b.Bytes())
	return nil
}

func (s *instanceSite) instancePage(ed *render.Edition) (*instancePage, error) {
	v := ed.Page()
	c := ed.Dates()
	loc := s.inst.Location()
	start, end := s.win.Begin().In(loc), s.win.End().In(loc)
	p := &instancePage{
		Lang: ed.Locale(), Date: c.Date(start), Local: localRange(c, start, end), UTC: utcRange(c, start, s.win.Begin(), s.win.End()),
		Expect: v.Expect, Purpose: v.Purpose, Support: render.Linkify(v.Support), StatusClass: s.status,
		Langs: s.langs(ed.Locale(), func(l string) string { return "../" + l + "/index.html" }),
	}
	var err error
	get := func(dst *string, id string) {
		if err == nil {
			*dst, err = str(ed, id)
		}
	}
	get(&p.Title, "site_title")
	get(&p.LangsLabel, "site_languages")
	get(&p.Status, map[string]string{upcoming: "site_upcoming", inProgress: "site_in_progress", completed: "site_completed", cancelled: "site_cancelled"}[s.status])
	get(&p.Down, "down")
	get(&p.AffectedLabel, "site_affected")
	get(&p.SupportLabel, "site_support")
	get(&p.NoticesLabel, "site_notices")
	get(&p.FollowLabel, "site_follow")
	get(&p.FeedLabel, "site_feed")
	get(&p.CalendarLabel, "site_calendar")
	if s.in.History == nil {
		get(&p.NoLedger, "site_no_ledger")
	}
	if r := s.in.History[s.inst.Key]; err == nil && r != nil && r.Told != nil && !r.Told.Same(s.win.Begin(), s.win.End(), s.win.LatestEnd()) {
		ts, te := r.Told.Start.In(loc), r.Told.End.In(loc)
		p.Moved, err = format(ed, "site_moved", c.Date(ts)+", "+localRange(c, ts, te))
	}
	if err == nil {
		p.Updated, err = format(ed, "site_updated", moment(c, s.in.Now.In(loc)))
	}
	for _, n := range s.notices {
		if err != nil {
			break
		}
		line := noticeLine{Key: n.key, Subject: n.edition(ed).Subject()}
		when := moment(c, n.at().In(loc))
		switch {
		case s.in.History == nil:
			line.State, err = format(ed, "site_notice_planned", when)
		case n.record != nil && n.record.State == ledger.NoticeSent:
			line.State, err = format(ed, "site_notice_sent", when)
		case n.record != nil:
			line.State, err = format(ed, "site_notice_expired", when)
		default:
			line.State, err = format(ed, "site_notice_not_sent", when)
		}
		p.Notices = append(p.Notices, line)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s page: %w", s.inst.Key, ed.Locale(), err)
	}
	return p, nil
}

// edition is the notice's edition in the page's locale.
func (n notice) edition(page *render.Edition) *render.Edition {
	for _, ed := range n.prepared.Editions() {
		if ed.Locale() == page.Locale() {
			return ed
		}
	}
	return n.prepared.Editions()[0]
}

// text is the notice's plain text as a reader without a name gets it.
func (n notice) text(page *render.Edition) (string, error) {
	m, err := n.prepared.Render(recipients.Recipient{Locale: page.Locale()})
	if err != nil {
		return "", err
	}
	return m.Text, nil
}

// maintenancePage is what templates/site/maintenance.html.tmpl sees.
type maintenancePage struct {
	Lang, Title, LangsLabel string
	Langs                   []langLink
	ExpectedEnd, Body, Back string
	Support                 template.HTML
}

// maintenance adds LOCALE.html per offered locale: the page the instance
// shows while it is down.
func (s *instanceSite) maintenance(t *template.Template, f *Files) error {
	p, err := s.in.Renderer.Prepare(render.Job{Schedule: s.in.Schedule, Instance: s.inst, Window: s.win, Notice: config.Start, Sequence: s.sequence})
	if err != nil {
		return err
	}
	loc := s.inst.Location()
	for _, ed := range p.Editions() {
		v := ed.Page()
		c := ed.Dates()
		mp := &maintenancePage{Lang: ed.Locale(), Title: ed.Subject(), Back: v.Back, Support: render.Linkify(v.Support),
			Langs: s.langs(ed.Locale(), func(l string) string { return l + ".html" })}
		if mp.LangsLabel, err = str(ed, "site_languages"); err == nil {
			if mp.Body, err = str(ed, "start_body"); err == nil {
				mp.ExpectedEnd, err = format(ed, "maint_expected_end", moment(c, s.win.End().In(loc)))
			}
		}
		if err != nil {
			return fmt.Errorf("%s %s maintenance page: %w", s.inst.Key, ed.Locale(), err)
		}
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, "maintenance", mp); err != nil {
			return fmt.Errorf("%s %s maintenance page: %w", s.inst.Key, ed.Locale(), err)
		}
		f.add(ed.Locale()+".html", b.Bytes())
	}
	return nil
}

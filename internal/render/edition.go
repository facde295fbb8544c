package render

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/openfoodfoundation/announce/internal/cldr"
	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/recipients"
)

// Edition is a notice prepared in one locale: every sentence that does not
// depend on the recipient is already localized.
type Edition struct {
	tag     language.Tag
	locale  string // as the instance writes it ("fr_BE")
	lang    *Lang
	cal     *cldr.Locale
	data    map[string]any    // variables of the locale's messages
	strs    map[string]string // localized non-plural messages
	errs    map[string]error  // why a message could not be localized here
	subject string
	title   string // forum topic title: the announce subject
	base    View

	// Skeletons of the text and HTML bodies and of greeting_name (fast.go);
	// nil where the shortcut would not be exact.
	textSk, htmlSk, greetSk skeleton
}

// Locale returns the edition's canonical tag ("ca", "fr-BE").
func (e *Edition) Locale() string { return e.tag.String() }

// Subject returns the email subject in this locale.
func (e *Edition) Subject() string { return e.subject }

// Lang returns the message file the edition reads.
func (e *Edition) Lang() *Lang { return e.lang }

// View is what templates see; see templates/README.md.
type View struct {
	Instance, Locale, Lang, Notice, Release, Campaign string
	Subject                                           string
	Greeting                                          string
	Expect, Support, Report, Back, Purpose            string
	SupportEmail, SupportURL                          string
	// Date and Range are the window as the messages write it ("martes, 7
	// de mayo de 2019", "9:00–11:00 CEST"), for a line of its own.
	Date, Range string
	Recipient   recipients.Recipient

	ed *Edition
}

// T returns message id localized for the reader; a missing one is an error.
func (v *View) T(id string) (string, error) {
	return v.ed.str(id)
}

func (e *Edition) str(id string) (string, error) {
	if s, ok := e.strs[id]; ok {
		return s, nil
	}
	if err, ok := e.errs[id]; ok {
		return "", err
	}
	if e.lang.plural[id] {
		return "", &MessageError{File: e.lang.File, ID: id, Problem: "has plural forms and cannot be used in a template"}
	}
	return "", e.lang.missing(id)
}

func (e *Edition) view(rcp recipients.Recipient) (*View, error) {
	v := e.base
	v.Recipient = rcp
	g, err := e.greeting(rcp.Name)
	if err != nil {
		return nil, err
	}
	v.Greeting = g
	return &v, nil
}

// greeting is the opening line for a reader with this name ("" for none).
func (e *Edition) greeting(name string) (string, error) {
	if name == "" {
		return e.base.Greeting, nil
	}
	if e.greetSk != nil {
		var b strings.Builder
		b.Grow(e.greetSk.size(len(name)))
		e.greetSk.fill(name, &b)
		return b.String(), nil
	}
	return e.lang.localize("greeting_name", map[string]any{"Name": name}, nil)
}

func (r *Renderer) newEdition(job Job, locale string) (*Edition, error) {
	tag, err := ParseTag(locale)
	if err != nil {
		return nil, fmt.Errorf("bad locale %q: %v", locale, err)
	}
	lang, err := r.catalog.Lookup(tag)
	if err != nil {
		return nil, err
	}
	cal := cldr.For(tag.String())
	if cal == nil {
		return nil, fmt.Errorf("no CLDR date data for locale %s (add it to internal/cldr/gen/locales.mjs and run go generate)", tag)
	}
	if zone := job.Instance.Location().String(); !cldr.HasZone(zone) {
		return nil, fmt.Errorf("time zone %s has no CLDR zone names: internal/cldr has those of every zone in Go's tzdata (go generate there adds a newer Go's)", zone)
	}
	e := &Edition{tag: tag, locale: locale, lang: lang, cal: cal}
	if err := e.fill(job); err != nil {
		return nil, err
	}
	return e, nil
}

// fill computes the variables, then every non-plural message, then the View
// fields that choose between message variants.
func (e *Edition) fill(job Job) error {
	in, w := job.Instance, job.Window
	loc := in.Location()
	start, end, latest := w.Begin().In(loc), w.End().In(loc), w.LatestEnd().In(loc)
	c := e.cal
	d := map[string]any{
		"Instance": in.Name,
		"Release":  job.Schedule.Release,
		"Date":     c.Date(start),
		"Start":    c.TimeZoned(start),
		"Zone":     c.Zone(start),
		"Email":    in.Support.Email,
		"URL":      in.Support.URL,
	}
	e.data = d
	var err error
	must := func(id string, data map[string]any, count any) string {
		if err != nil {
			return ""
		}
		var s string
		s, err = e.lang.localize(id, data, count)
		return s
	}
	// The end's date too where it is not the start's: "back by 1:00 AEST on
	// Wednesday, 31 July 2019".
	d["End"] = e.moment(must, end, start)
	d["LatestEnd"] = e.moment(must, latest, start)
	d["Duration"] = e.amount(must, "duration", w.Duration.Duration)
	if w.Extra.Duration > 0 {
		d["Extra"] = e.amount(must, "extra", w.Extra.Duration)
	}
	d["Range"] = e.timeRange(must, start, end, in.ShowUTC)
	if pw := job.Previous; pw != nil {
		ps, pe := pw.Start.In(loc), pw.End.In(loc)
		d["OldDate"] = c.Date(ps)
		d["OldRange"] = e.timeRange(must, ps, pe, in.ShowUTC)
	}
	if h := in.Support.Hours; h != nil {
		var herr error
		if d["Hours"], herr = e.supportHours(must, h, loc, start); err == nil {
			err = herr
		}
	}
	if err != nil {
		return err
	}

	// Localize every message once. One that cannot be filled here (say
	// support_url_email_hours for an instance without hours) is an error only
	// if a template or the choices below actually use it.
	e.strs = make(map[string]string, len(e.lang.ids))
	e.errs = map[string]error{}
	for _, id := range e.lang.ids {
		if e.lang.plural[id] || ownData[id] {
			continue
		}
		if s, err := e.lang.localize(id, d, nil); err != nil {
			e.errs[id] = err
		} else {
			e.strs[id] = s
		}
	}

	pick := func(id string) (string, error) {
		if id == "" {
			return "", nil
		}
		return e.str(id)
	}
	sup := "support_email"
	switch {
	case in.Support.URL != "" && in.Support.Hours != nil:
		sup = "support_url_email_hours"
	case in.Support.URL != "":
		sup = "support_url_email"
	case in.Support.Hours != nil:
		sup = "support_email_hours"
	}
	report := "done_report_email"
	if in.Support.URL != "" {
		report = "done_report_url_email"
	}
	expect, back := "expect", "start_back"
	if w.Extra.Duration > 0 {
		expect, back = "expect_extra", "start_back_extra"
	}
	v := View{
		Instance: in.Name, Locale: e.Locale(), Lang: e.Locale(), Notice: string(job.Notice),
		Release: job.Schedule.Release, Campaign: job.Schedule.Campaign,
		SupportEmail: in.Support.Email, SupportURL: in.Support.URL, ed: e,
		Date: d["Date"].(string), Range: d["Range"].(string),
	}
	for _, f := range []struct {
		dst *string
		id  string
	}{
		{&e.subject, string(job.Notice) + "_subject"},
		{&e.title, "announce_subject"},
		{&v.Greeting, "greeting"},
		{&v.Expect, expect},
		{&v.Support, sup},
		{&v.Report, report},
		{&v.Back, back},
		{&v.Purpose, job.Schedule.Purpose},
	} {
		if *f.dst, err = pick(f.id); err != nil {
			return err
		}
	}
	if err := checkHeaderText(e.lang.File, string(job.Notice)+"_subject", e.subject); err != nil {
		return err
	}
	v.Subject = e.subject
	e.base = v
	e.greetSk = greetingSkeleton(e.lang)
	return nil
}

// checkHeaderText refuses a subject that would break the header it goes in:
// a line break there is a header injection, whatever the translator meant.
func checkHeaderText(file, id, s string) error {
	if strings.ContainsAny(s, "\r\n") {
		return &MessageError{File: file, ID: id, Problem: "contains a line break, which a subject cannot hold"}
	}
	return nil
}

// ownData are messages filled with data of their own, not the window's.
var ownData = map[string]bool{
	"greeting_name": true, "range_overnight": true, "range_with_utc": true, "time_on_date": true,
	"list_and": true, "support_hours_range": true, "support_hours_days": true,
	// The status site's and maintenance page's, filled by Edition.Page's callers.
	"site_notice_sent": true, "site_notice_planned": true, "site_notice_not_sent": true, "site_notice_expired": true,
	"site_updated": true, "maint_expected_end": true, "site_moved": true,
}

type localizeFunc func(id string, data map[string]any, count any) string

// amount phrases a duration with <prefix>_hours when it is whole hours, else
// <prefix>_minutes, with the language's plural forms.
func (e *Edition) amount(loc localizeFunc, prefix string, d time.Duration) string {
	if d%time.Hour == 0 {
		n := int(d / time.Hour)
		return loc(prefix+"_hours", map[string]any{"Count": n}, n)
	}
	n := int(d / time.Minute)
	return loc(prefix+"_minutes", map[string]any{"Count": n}, n)
}

// timeRange writes the window's times: "9:00–11:00 CEST" on one day and in one
// zone offset; each end with its own zone across a DST change; the end's date
// too when the window crosses midnight; and, when asked, the same times in
// UTC, with their own date wherever it is not the window's (8:00 PM PDT on
// 7 May is 3:00 AM UTC on 8 May).
func (e *Edition) timeRange(loc localizeFunc, start, end time.Time, utc bool) string {
	s := e.span(loc, start, end, start)
	if !utc {
		return s
	}
	u := e.span(loc, start.UTC(), end.UTC(), start)
	return loc("range_with_utc", map[string]any{"Local": s, "UTC": u}, nil)
}

// span writes a to b, each in its own location, for a reader who has been
// told the date of ref: a date is written only where it is not ref's.
func (e *Edition) span(loc localizeFunc, a, b, ref time.Time) string {
	c := e.cal
	if sameDate(a, b) {
		s := c.ZonedRange(a, b)
		if !sameDate(a, ref) {
			s = loc("time_on_date", map[string]any{"Time": s, "Date": c.Date(a)}, nil)
		}
		return s
	}
	return loc("range_overnight", map[string]any{
		"Start":   e.moment(loc, a, ref),
		"End":     c.TimeZoned(b),
		"EndDate": c.Date(b),
	}, nil)
}

// moment writes t with its zone, and its date where it is not ref's.
func (e *Edition) moment(loc localizeFunc, t, ref time.Time) string {
	s := e.cal.TimeZoned(t)
	if sameDate(t, ref) {
		return s
	}
	return loc("time_on_date", map[string]any{"Time": s, "Date": e.cal.Date(t)}, nil)
}

// sameDate reports whether a and b, each in its own location, show the same
// calendar date.
func sameDate(a, b time.Time) bool {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	return ya == yb && ma == mb && da == db
}

// supportHours writes when support answers, in the instance's zone: "de
// 10:00 a 18:00 CEST, de lunes a viernes" for a run of days, else the days as
// a list. The zone is the one on the window's day; a message that does not
// show it is an error, since readers elsewhere would take the hours for
// their own.
func (e *Edition) supportHours(loc localizeFunc, h *config.Hours, zone *time.Location, ref time.Time) (string, error) {
	c := e.cal
	y, m, dd := ref.In(zone).Date()
	fromT := h.From.On(y, m, dd, zone)
	from := c.Time(fromT)
	to := c.Time(h.To.On(y, m, dd, zone))
	zn := c.Zone(fromT)
	days := make([]time.Weekday, len(h.Days))
	for i, d := range h.Days {
		days[i] = d.Weekday
	}
	id := "support_hours_days"
	data := map[string]any{"From": from, "To": to, "Zone": zn}
	if len(days) >= 2 && consecutive(days) {
		id = "support_hours_range"
		data["FirstDay"], data["LastDay"] = c.Weekday(days[0]), c.Weekday(days[len(days)-1])
	} else {
		names := make([]string, len(days))
		for i, d := range days {
			names[i] = c.Weekday(d)
		}
		list := names[0]
		if len(names) > 1 {
			list = loc("list_and", map[string]any{
				"Head": strings.Join(names[:len(names)-1], ", "), "Last": names[len(names)-1],
			}, nil)
		}
		data["Days"] = list
	}
	s := loc(id, data, nil)
	if s != "" && !strings.Contains(s, zn) {
		return "", &MessageError{File: e.lang.File, ID: id, Problem: "does not show the zone of the support hours ({{.Zone}})"}
	}
	return s, nil
}

// consecutive reports whether days follow each other in week order (Monday
// first, as the instances write them).
func consecutive(days []time.Weekday) bool {
	mon := func(d time.Weekday) int { return (int(d) + 6) % 7 }
	for i := 1; i < len(days); i++ {
		if mon(days[i]) != mon(days[i-1])+1 {
			return false
		}
	}
	return true
}

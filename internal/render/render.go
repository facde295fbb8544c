// Package render turns a notice about a maintenance window into one message per
// recipient — subject, plain text, HTML and a forum post — in the recipient's
// language, with dates written the way that language writes them.
//
// Templates (structure) and locales (every sentence) are read through fs.FS so
// operators can edit them without rebuilding. Work that does not depend on the
// recipient is done once per locale in Prepare; Render does only the rest.
package render

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/openfoodfoundation/announce/internal/cldr"
	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/recipients"
)

// Renderer holds the parsed templates and message files.
type Renderer struct {
	catalog   *Catalog
	templates map[config.Notice]*noticeTemplates
}

// New parses every template in templates and every message file in locales;
// the dir names are only for messages ("templates", "locales").
func New(templates fs.FS, templatesDir string, locales fs.FS, localesDir string) (*Renderer, error) {
	cat, err := LoadCatalog(locales, localesDir)
	if err != nil {
		return nil, err
	}
	tm, err := loadTemplates(templates, templatesDir)
	if err != nil {
		return nil, err
	}
	return &Renderer{catalog: cat, templates: tm}, nil
}

// Catalog returns the message files.
func (r *Renderer) Catalog() *Catalog { return r.catalog }

// Job names one notice of one instance's window.
type Job struct {
	Schedule *config.Schedule
	Instance *config.Instance
	Window   *config.Window
	Notice   config.Notice
	// Previous is the window readers were told about before, for the
	// reschedule and cancel notices (nil otherwise).
	Previous *Span
	// Seq numbers reschedule notices (1, 2…): a window may move twice.
	Seq int
	// Sequence is the calendar event's SEQUENCE the notice carries: 0 until
	// the window changes, then one more per change.
	Sequence int
}

// Span is a window's times: start, expected end, latest end.
type Span struct{ Start, End, Latest time.Time }

// Key is the notice's name in the ledger, Message-IDs and forum records:
// the notice, or "reschedule-2" for the second reschedule.
func (j Job) Key() string {
	if j.Seq > 0 {
		return fmt.Sprintf("%s-%d", j.Notice, j.Seq)
	}
	return string(j.Notice)
}

// Fallback says why a recipient does not read their own locale.
type Fallback string

// Fallback reasons.
const (
	OwnLocale  Fallback = ""            // the recipient's locale is offered
	NoLocale   Fallback = "no locale"   // the recipients file gives none
	NotOffered Fallback = "not offered" // the instance does not offer it
	// OtherRegion: the instance offers the reader's language in another
	// region's form only (an en_CA reader of an instance offering en): the
	// words are theirs, the dates another region's ("9:00 – 11:00 AM EDT"
	// for Canada's "9:00–11:00 a.m. EDT").
	OtherRegion Fallback = "other region"
)

// Message is one rendered email.
type Message struct {
	Recipient recipients.Recipient
	Locale    string // the edition's tag, e.g. "ca", "fr-BE"
	Fallback  Fallback
	Subject   string
	Text      string
	HTML      string
}

// Post is a rendered forum post.
type Post struct {
	Locale   string
	Title    string // the topic title (the announce subject)
	Markdown string
}

// Prepared is a notice ready to render for any recipient of the instance.
type Prepared struct {
	job      Job
	tmpl     *noticeTemplates
	editions []*Edition // in the instance's order of preference
}

// Prepare does everything that does not depend on the recipient, for each of
// the instance's locales; any missing message, bad template or unknown locale
// is an error here, before a single message is rendered.
func (r *Renderer) Prepare(job Job) (*Prepared, error) {
	p := &Prepared{job: job, tmpl: r.templates[job.Notice]}
	if p.tmpl == nil {
		return nil, fmt.Errorf("no templates for notice %q", job.Notice)
	}
	for _, loc := range job.Instance.Locales {
		ed, err := r.newEdition(job, loc)
		if err != nil {
			return nil, fmt.Errorf("%s %s notice in %s: %w", job.Instance.Key, job.Notice, loc, err)
		}
		t := p.tmpl
		if ed.textSk, err = buildSkeleton(t.text.Name(), func(b *bytes.Buffer, v *View) error { return t.text.Execute(b, v) }, textTrees(t.text), ed, identity); err != nil {
			return nil, fmt.Errorf("%s %s notice in %s: %w", job.Instance.Key, job.Notice, loc, err)
		}
		if ed.htmlSk, err = buildSkeleton(t.html.Name(), func(b *bytes.Buffer, v *View) error { return t.html.Execute(b, v) }, htmlTrees(t.html), ed, escapeHTML); err != nil {
			return nil, fmt.Errorf("%s %s notice in %s: %w", job.Instance.Key, job.Notice, loc, err)
		}
		if _, err := p.Forum(ed); err != nil {
			return nil, fmt.Errorf("%s %s notice in %s: %w", job.Instance.Key, job.Notice, loc, err)
		}
		p.editions = append(p.editions, ed)
	}
	return p, nil
}

// Title returns the edition's forum/calendar title (the announce subject).
func (e *Edition) Title() string { return e.title }

// CalendarText is the calendar event's description in the edition's
// language: how long, what it means, whom to ask.
func (e *Edition) CalendarText() string {
	down, _ := e.str("down")
	return strings.TrimSpace(e.base.Expect + " " + down + "\n" + e.base.Support)
}

// Editions returns one edition per locale the instance offers, default first.
func (p *Prepared) Editions() []*Edition { return p.editions }

// Job returns what was prepared.
func (p *Prepared) Job() Job { return p.job }

// EditionFor picks the edition a recipient reads: their locale when the
// instance offers it (exactly, or the same language: "fr" reads "fr_CA"),
// else the instance's default. A reader whose region the instance does not
// offer reads their language in the first region it does, and that is an
// OtherRegion fallback unless both write dates alike (en_US reads en; fr_LU
// reads fr: there is no CLDR data for fr-LU).
func (p *Prepared) EditionFor(locale string) (*Edition, Fallback) {
	if locale == "" {
		return p.editions[0], NoLocale
	}
	tag, err := ParseTag(locale)
	if err != nil {
		return p.editions[0], NotOffered
	}
	for _, ed := range p.editions {
		if ed.tag == tag {
			return ed, OwnLocale
		}
	}
	base, _ := tag.Base()
	for _, ed := range p.editions {
		if b, _ := ed.tag.Base(); b == base {
			if _, _, region := tag.Raw(); !region.IsCountry() {
				return ed, OwnLocale // no region asked for: "fr" reads fr-CA
			}
			if own := cldr.For(tag.String()); own != nil && !own.Writes(ed.cal) {
				return ed, OtherRegion
			}
			return ed, OwnLocale
		}
	}
	return p.editions[0], NotOffered
}

// Render renders the email for one recipient.
func (p *Prepared) Render(rcp recipients.Recipient) (*Message, error) {
	ed, fb := p.EditionFor(rcp.Locale)
	m := &Message{Recipient: rcp, Locale: ed.Locale(), Fallback: fb, Subject: ed.subject}
	if ed.textSk != nil && ed.htmlSk != nil {
		g, err := ed.greeting(rcp.Name)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		b.Grow(ed.textSk.size(len(g)))
		ed.textSk.fill(g, &b)
		m.Text = b.String()
		g = escapeHTML(g)
		b = strings.Builder{}
		b.Grow(ed.htmlSk.size(len(g)))
		ed.htmlSk.fill(g, &b)
		m.HTML = b.String()
		return m, nil
	}
	v, err := ed.view(rcp)
	if err != nil {
		return nil, err
	}
	var text, html bytes.Buffer
	text.Grow(2048)
	html.Grow(4096)
	if err := p.tmpl.text.Execute(&text, v); err != nil {
		return nil, execError(p.tmpl.text.Name(), err)
	}
	if err := p.tmpl.html.Execute(&html, v); err != nil {
		return nil, execError(p.tmpl.html.Name(), err)
	}
	m.Text, m.HTML = text.String(), html.String()
	return m, nil
}

// Forum renders the forum post in the edition's language.
func (p *Prepared) Forum(ed *Edition) (*Post, error) {
	v, err := ed.view(recipients.Recipient{})
	if err != nil {
		return nil, err
	}
	var md bytes.Buffer
	if err := p.tmpl.forum.Execute(&md, v); err != nil {
		return nil, execError(p.tmpl.forum.Name(), err)
	}
	return &Post{Locale: ed.Locale(), Title: ed.title, Markdown: md.String()}, nil
}

package site

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/render"
)

// feedSpace is the UUID namespace of the feeds' ids (a UUIDv5 of a URL of
// announce's own), so ids are stable across builds and machines.
var feedSpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/openfoodfoundation/announce#site-feed"))

// FeedID is the Atom id of an instance's feed in one locale; EntryID that of
// one notice in it. Both are name-based UUIDs (RFC 9562 v5) as URNs: they
// never change for the same campaign, instance, locale and notice (RFC 4287
// 4.2.6 asks for ids that are never reassigned).
func FeedID(campaign, instance, locale string) string {
	return "urn:uuid:" + uuid.NewSHA1(feedSpace, []byte(campaign+"\x00"+instance+"\x00"+locale)).String()
}

// EntryID is the Atom id of one notice (its ledger key) in a feed.
func EntryID(campaign, instance, locale, notice string) string {
	return "urn:uuid:" + uuid.NewSHA1(feedSpace, []byte(campaign+"\x00"+instance+"\x00"+locale+"\x00"+notice)).String()
}

// xmlText writes s as XML character data: markup escaped, line breaks kept
// (xml.EscapeText would write them as &#xA;), characters XML 1.0 cannot
// hold dropped.
func xmlText(b *bytes.Buffer, s string) {
	b.WriteString(xmlEscaper.Replace(strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r >= 0x20 && r != 0xFFFE && r != 0xFFFF {
			return r
		}
		return -1
	}, s)))
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// feed writes the Atom feed (RFC 4287) of the instance in ed's locale: one
// entry per notice that went out (without a ledger: whose moment passed),
// newest first, with the notice's text in that language.
func (s *instanceSite) feed(ed *render.Edition, _ int) ([]byte, error) {
	camp, key, loc := s.in.Schedule.Campaign, s.inst.Key, ed.Locale()
	title, err := str(ed, "site_title")
	if err != nil {
		return nil, fmt.Errorf("%s %s feed: %w", key, loc, err)
	}
	type entry struct {
		n       notice
		subject string
		text    string
	}
	var entries []entry
	for _, n := range s.notices {
		if !n.sent(s.in.History != nil, s.in.Now) {
			continue
		}
		e := entry{n: n, subject: n.edition(ed).Subject()}
		if strings.HasPrefix(n.key, string(config.Reschedule)) {
			// The ledger keeps only the last window told: the email's "moved
			// from" cannot be rebuilt; the new window is what matters.
			v := n.edition(ed).Page()
			down, err := str(ed, "down")
			if err != nil {
				return nil, fmt.Errorf("%s %s feed: %w", key, loc, err)
			}
			e.text = v.Expect + " " + down + "\n\n" + v.Support
		} else if e.text, err = n.text(ed); err != nil {
			return nil, fmt.Errorf("%s %s feed, %s: %w", key, loc, n.key, err)
		}
		entries = append(entries, e)
	}
	// Newest first; the feed is as new as its newest entry (stable bytes
	// for the same history), or the build when there is none yet.
	updated := s.in.Now
	if len(entries) > 0 {
		updated = entries[len(entries)-1].n.at()
	}
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"")
	xmlText(&b, loc)
	b.WriteString("\">\n")
	el := func(indent, name, value string) {
		b.WriteString(indent + "<" + name + ">")
		xmlText(&b, value)
		b.WriteString("</" + name + ">\n")
	}
	link := func(indent, rel, typ, href string) {
		b.WriteString(indent + `<link rel="` + rel + `" type="` + typ + `" href="`)
		xmlText(&b, href)
		b.WriteString("\"/>\n")
	}
	href := func(file string) string {
		if abs := s.in.link(s.dir(loc) + "/" + file); abs != "" {
			return abs
		}
		return file
	}
	el("  ", "id", FeedID(camp, key, loc))
	el("  ", "title", title)
	el("  ", "updated", rfc3339(updated))
	link("  ", "self", "application/atom+xml", href("feed.atom"))
	link("  ", "alternate", "text/html", href("index.html"))
	b.WriteString("  <author>\n")
	el("    ", "name", s.inst.Name)
	if s.inst.Support.Email != "" {
		el("    ", "email", s.inst.Support.Email)
	}
	if s.inst.Support.URL != "" {
		el("    ", "uri", s.inst.Support.URL)
	}
	b.WriteString("  </author>\n")
	el("  ", "generator", "announce")
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		b.WriteString("  <entry>\n")
		el("    ", "id", EntryID(camp, key, loc, e.n.key))
		el("    ", "title", e.subject)
		el("    ", "published", rfc3339(e.n.at()))
		el("    ", "updated", rfc3339(e.n.at()))
		link("    ", "alternate", "text/html", href("index.html")+"#notice-"+e.n.key)
		b.WriteString("    <content type=\"text\">")
		xmlText(&b, e.text)
		b.WriteString("</content>\n  </entry>\n")
	}
	b.WriteString("</feed>\n")
	return b.Bytes(), nil
}

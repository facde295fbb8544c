// Package mailer turns a rendered notice into the MIME message that goes on the
// wire, and (later) sends it over SMTP. Dry run and real send share Build, so
// the bytes a dry run writes are the bytes the server receives.
package mailer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Email is everything one message needs.
type Email struct {
	From      *mail.Address
	To        *mail.Address
	ReplyTo   *mail.Address // the support address: replies reach a person
	Subject   string
	Text      string
	HTML      string
	Language  string // Content-Language, e.g. "ca"
	MessageID string // without angle brackets
	Date      time.Time
	// ListID names the campaign (RFC 2919), e.g. "ofn-v2-2019.katuma.katuma.test".
	ListID      string
	ListIDLabel string
	// Unsubscribe URIs (https: or mailto:) for List-Unsubscribe; when one is
	// https, List-Unsubscribe-Post announces one-click (RFC 8058).
	Unsubscribe []string
	// Calendar, when set, is an iCalendar object (the window) sent as a
	// third alternative, text/calendar with CalendarMethod (PUBLISH, CANCEL),
	// as calendar invitations are. Not a multipart/mixed attachment: go-mail
	// pins one boundary for the whole message, and a second, random one
	// would break "the dry run is the bytes sent".
	Calendar       []byte
	CalendarMethod string
	// DKIM, when set, signs the message as it is written.
	DKIM *DKIM
}

// Build makes the go-mail message. Nothing in it depends on the clock but
// Date, so the same notice to the same recipient is the same bytes every time:
// the boundary and Message-ID derive from the campaign, notice and recipient.
func Build(e *Email) (*gomail.Msg, error) {
	if e.From == nil || e.To == nil {
		return nil, fmt.Errorf("build message: From and To are required")
	}
	for _, s := range []struct{ what, v string }{{"subject", e.Subject}, {"Message-ID", e.MessageID}, {"List-Id", e.ListID}, {"List-Id label", e.ListIDLabel}, {"language", e.Language}} {
		if strings.ContainsAny(s.v, "\r\n") {
			return nil, fmt.Errorf("build message to %s: line break in %s", e.To.Address, s.what)
		}
	}
	for _, a := range []*mail.Address{e.From, e.To, e.ReplyTo} {
		if a != nil && strings.ContainsAny(a.Name+a.Address, "\r\n") {
			return nil, fmt.Errorf("build message to %s: line break in address %q", e.To.Address, a.Address)
		}
	}
	m := gomail.NewMsg(
		gomail.WithNoDefaultUserAgent(),
		gomail.WithBoundary(boundary(e)),
	)
	m.FromMailAddress(e.From)
	m.ToMailAddress(e.To)
	if e.ReplyTo != nil {
		m.ReplyToMailAddress(e.ReplyTo)
	}
	m.Subject(e.Subject)
	m.SetMessageIDWithValue(e.MessageID)
	m.SetDateWithValue(e.Date)
	m.SetBulk() // Precedence: bulk, X-Auto-Response-Suppress: All
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	if e.Language != "" {
		m.SetGenHeader("Content-Language", e.Language)
	}
	if e.ListID != "" {
		id := "<" + e.ListID + ">"
		if e.ListIDLabel != "" {
			id = e.ListIDLabel + " " + id
		}
		m.SetGenHeader("List-Id", id)
	}
	if len(e.Unsubscribe) > 0 {
		uris := make([]string, len(e.Unsubscribe))
		oneClick := false
		for i, u := range e.Unsubscribe {
			uris[i] = "<" + u + ">"
			oneClick = oneClick || strings.HasPrefix(u, "https:")
		}
		m.SetGenHeader("List-Unsubscribe", strings.Join(uris, ", "))
		if oneClick {
			m.SetGenHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
		}
	}
	m.SetBodyString(gomail.TypeTextPlain, e.Text)
	if e.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, e.HTML)
	}
	if len(e.Calendar) > 0 {
		if strings.ContainsAny(e.CalendarMethod, "\r\n;\" ") || e.CalendarMethod == "" {
			return nil, fmt.Errorf("build message to %s: bad calendar method %q", e.To.Address, e.CalendarMethod)
		}
		m.AddAlternativeString(gomail.ContentType("text/calendar; method="+e.CalendarMethod), string(e.Calendar))
	}
	if e.DKIM != nil {
		e.DKIM.sign(m, e.Date)
	}
	return m, nil
}

// boundary derives the MIME boundary from the Message-ID, so it is stable for a
// message and different between messages. (go-mail writes it unquoted, so it
// keeps to letters, digits and "-".)
func boundary(e *Email) string {
	h := sha256.Sum256([]byte("boundary\x00" + e.MessageID))
	return "announce-" + hex.EncodeToString(h[:12])
}

// Domain returns the domain of an address, for Message-IDs.
func Domain(a *mail.Address) string {
	at := strings.LastIndexByte(a.Address, '@')
	return a.Address[at+1:]
}

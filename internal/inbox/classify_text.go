package inbox

import (
	"io"
	"mime"
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

// Charsets, encoded words and the text a person reads in a message.

// toUTF8 decodes b from charset. Unknown or lying charsets fall back to UTF-8
// when b is valid UTF-8, else to windows-1252, the usual truth behind a
// missing or wrong label in European mail.
func toUTF8(b []byte, charset string) string {
	if enc := lookupCharset(charset); enc != nil {
		if out, err := enc.NewDecoder().Bytes(b); err == nil {
			return strings.ToValidUTF8(string(out), "\uFFFD")
		}
	}
	if utf8.Valid(b) {
		return string(b)
	}
	out, _ := charmap.Windows1252.NewDecoder().Bytes(b)
	return string(out)
}

// lookupCharset returns the decoder for a charset label, or nil for UTF-8,
// ASCII and labels it does not know. htmlindex follows the WHATWG table:
// ISO-8859-1 and ASCII labels decode as windows-1252, its superset.
func lookupCharset(label string) encoding.Encoding {
	label = strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	switch label {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968":
		return nil
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil
	}
	return enc
}

var wordDecoder = &mime.WordDecoder{
	CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
		if enc := lookupCharset(charset); enc != nil {
			return transform.NewReader(input, enc.NewDecoder()), nil
		}
		return input, nil
	},
}

// decodeHeader decodes RFC 2047 encoded words, and raw 8-bit text as toUTF8
// does. It returns the value unchanged when it cannot be decoded.
func decodeHeader(v string) string {
	if !utf8.ValidString(v) {
		v = toUTF8([]byte(v), "")
	}
	if !strings.Contains(v, "=?") {
		return v
	}
	if d, err := wordDecoder.DecodeHeader(v); err == nil {
		return strings.ToValidUTF8(d, "\uFFFD")
	}
	return v
}

// decodeAddress returns the address of a From-like field, or the decoded
// field when it holds no parsable address.
func decodeAddress(v string) string {
	if v == "" {
		return ""
	}
	p := mail.AddressParser{WordDecoder: wordDecoder}
	if a, err := p.Parse(v); err == nil {
		return a.Address
	}
	if a := firstAddr(v); a != "" {
		return a
	}
	return decodeHeader(v)
}

// text returns the decoded text of a text/plain or text/html entity; HTML is
// turned into text with blockquotes as "> " lines.
func (e *entity) text() string {
	b := e.decoded()
	if len(b) > maxPartText {
		b = b[:maxPartText]
	}
	s := toUTF8(b, e.params["charset"])
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if e.ctype == "text/html" {
		s = htmlToText(s)
	}
	return s
}

// BestText returns the text a person reads in raw: text/plain where there is
// a choice, else the HTML as text with blockquotes as "> " lines, decoded
// from its charset; no attachments, returned messages or delivery reports.
// Verdict.Text is StripQuoted of it, cut to 4 KiB.
func BestText(raw []byte) string {
	if len(raw) > MaxMessageSize {
		raw = raw[:MaxMessageSize]
	}
	return strings.ToValidUTF8(bestText(parse(raw)), "\uFFFD")
}

// bestText returns what a person would read as the message: text/plain where
// there is a choice, else HTML as text; the inline text parts of a mixed
// message in order; no attachments, no returned messages, no reports.
func bestText(e *entity) string {
	var b strings.Builder
	collectText(e, &b)
	return b.String()
}

func collectText(e *entity, b *strings.Builder) {
	if b.Len() >= maxTotalText || e.isAttachment() {
		return
	}
	add := func(s string) {
		if strings.TrimSpace(s) == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		if room := maxTotalText - b.Len(); len(s) > room {
			s = s[:room]
		}
		b.WriteString(s)
	}
	switch {
	case e.ctype == "multipart/alternative":
		if p := pickAlternative(e.parts); p != nil {
			collectText(p, b)
		}
	case strings.HasPrefix(e.ctype, "multipart/"):
		for _, p := range e.parts {
			collectText(p, b)
		}
	case e.ctype == "text/plain" || e.ctype == "text/html":
		add(e.text())
	}
}

// pickAlternative prefers text/plain with some text, then HTML, then a nested
// multipart (multipart/related around the HTML).
func pickAlternative(parts []*entity) *entity {
	for _, want := range []string{"text/plain", "text/html", "multipart/"} {
		for _, p := range parts {
			if !strings.HasPrefix(p.ctype, want) {
				continue
			}
			if want == "text/plain" && strings.TrimSpace(string(p.decoded())) == "" {
				continue
			}
			return p
		}
	}
	return nil
}

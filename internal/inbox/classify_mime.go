package inbox

import (
	"bytes"
	"encoding/base64"
	"mime"
	"strings"
)

// The MIME reader here is our own, over bytes already in memory, rather than
// net/mail + mime/multipart: those stop at the first malformed header line or
// missing closing boundary, which is exactly what bounces and old mailers
// produce, and they put no bound on nesting. This one is lenient (a bad line
// is skipped, a missing boundary ends at the end) and bounded.
const (
	maxDepth     = 8        // multiparts and embedded messages inside each other
	maxEntities  = 256      // MIME entities in one message
	maxFields    = 512      // header fields kept per header block
	maxFieldLen  = 16 << 10 // bytes kept of one field's value
	maxPartText  = 1 << 20  // decoded bytes of one text part
	maxTotalText = 2 << 20  // text gathered from all parts of a message
)

type field struct{ name, value string }

// header is a header block in order; names are compared case-insensitively.
type header []field

func (h header) get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			return f.value
		}
	}
	return ""
}

func (h header) has(name string) bool {
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			return true
		}
	}
	return false
}

// parseHeader reads the header block at the start of raw and returns it with
// the body after the blank line. Folded lines are unfolded; a line that is not
// a field is skipped; fields past maxFields are dropped.
func parseHeader(raw []byte) (header, []byte) {
	var h header
	var cur strings.Builder
	curName := ""
	flush := func() {
		if curName != "" && len(h) < maxFields {
			v := cur.String()
			if len(v) > maxFieldLen {
				v = v[:maxFieldLen] // decodeHeader copes with a cut rune
			}
			h = append(h, field{curName, strings.TrimSpace(v)})
		}
		curName = ""
		cur.Reset()
	}
	rest := raw
	for len(rest) > 0 {
		line := rest
		next := []byte(nil)
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, next = rest[:i], rest[i+1:]
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.TrimSpace(line)) == 0 {
			flush()
			return h, next
		}
		rest = next
		if line[0] == ' ' || line[0] == '\t' {
			if curName != "" && cur.Len() < maxFieldLen {
				cur.WriteByte(' ')
				cur.Write(bytes.TrimLeft(line, " \t"))
			}
			continue
		}
		flush()
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || colon > 76 || !isFieldName(line[:colon]) {
			continue // "From " mbox separators, garbage
		}
		curName = string(bytes.TrimRight(line[:colon], " \t"))
		cur.Write(line[colon+1 : colon+1+min(len(line)-colon-1, maxFieldLen)])
	}
	flush()
	return h, nil
}

func isFieldName(b []byte) bool {
	b = bytes.TrimRight(b, " \t") // "Subject :" is seen in the wild
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// entity is one MIME entity: a message, a part, or an embedded message.
type entity struct {
	header header
	ctype  string            // media type, lower case
	params map[string]string // its parameters, names lower case
	body   []byte            // as found, still transfer-encoded
	parts  []*entity         // of a multipart
	inner  *entity           // of message/rfc822 (whole) or text/rfc822-headers (header only)
}

func (e *entity) isAttachment() bool {
	d, _ := parseMediaType(e.header.get("Content-Disposition"), "")
	return d == "attachment"
}

// parse reads a whole message.
func parse(raw []byte) *entity {
	p := &parser{}
	return p.entity(raw, 0, "text/plain")
}

type parser struct{ n int }

func (p *parser) entity(raw []byte, depth int, defaultType string) *entity {
	p.n++
	h, body := parseHeader(raw)
	e := &entity{header: h, body: body}
	e.ctype, e.params = parseMediaType(h.get("Content-Type"), defaultType)
	if depth >= maxDepth || p.n >= maxEntities {
		return e
	}
	switch {
	case strings.HasPrefix(e.ctype, "multipart/"):
		childType := "text/plain"
		if e.ctype == "multipart/digest" {
			childType = "message/rfc822"
		}
		boundary := e.params["boundary"]
		if boundary == "" {
			boundary = guessBoundary(body)
		}
		for _, part := range splitMultipart(body, boundary) {
			if p.n >= maxEntities {
				break
			}
			e.parts = append(e.parts, p.entity(part, depth+1, childType))
		}
	case e.ctype == "message/rfc822" || e.ctype == "message/global":
		e.inner = p.entity(e.decoded(), depth+1, "text/plain")
	case e.ctype == "text/rfc822-headers" || e.ctype == "message/global-headers":
		p.n++
		ih, _ := parseHeader(bytes.TrimLeft(e.decoded(), "\r\n"))
		e.inner = &entity{header: ih, ctype: "text/plain"}
	}
	return e
}

// parseMediaType is mime.ParseMediaType that gives what it can of a broken
// value instead of nothing: many mailers write unquoted boundaries with
// specials, duplicate parameters or stray semicolons.
func parseMediaType(v, def string) (string, map[string]string) {
	mt, params, err := mime.ParseMediaType(v)
	if err == nil {
		return mt, params
	}
	mt, rest, _ := strings.Cut(v, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	if mt == "" || !strings.Contains(mt, "/") && def != "" {
		mt = def
	}
	params = map[string]string{}
	for len(rest) > 0 {
		var kv string
		kv, rest = cutParam(rest)
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.Trim(strings.TrimSpace(val), `"`)
		if _, dup := params[k]; !dup && k != "" {
			params[k] = val
		}
	}
	return mt, params
}

// cutParam returns the parameter up to the next semicolon outside quotes.
func cutParam(s string) (string, string) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ';':
			if !quoted {
				return s[:i], s[i+1:]
			}
		}
	}
	return s, ""
}

// splitMultipart returns the parts between boundary delimiter lines. A
// missing close delimiter ends the last part at the end of body; text before
// the first delimiter (the preamble) and after the close is dropped.
func splitMultipart(body []byte, boundary string) [][]byte {
	if boundary == "" || len(boundary) > 200 {
		return nil
	}
	delim := []byte("--" + boundary)
	var parts [][]byte
	pos := findDelimiter(body, delim, 0)
	for pos >= 0 && len(parts) < maxEntities {
		after := pos + len(delim)
		if bytes.HasPrefix(body[after:], []byte("--")) {
			break // close delimiter
		}
		nl := bytes.IndexByte(body[after:], '\n')
		if nl < 0 {
			break
		}
		start := after + nl + 1
		next := findDelimiter(body, delim, start)
		if next < 0 {
			parts = append(parts, body[start:])
			break
		}
		end := next - 1 // the line break before the delimiter belongs to it
		if end > start && body[end-1] == '\r' {
			end--
		}
		if end < start {
			end = start
		}
		parts = append(parts, body[start:end])
		pos = next
	}
	return parts
}

// guessBoundary takes the first "--" line of a multipart body that lost its
// boundary parameter.
func guessBoundary(body []byte) string {
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		line = bytes.TrimRight(line, " \t\r")
		if len(line) > 2 && len(line) <= 202 && bytes.HasPrefix(line, []byte("--")) {
			return string(line[2:])
		}
	}
	return ""
}

// findDelimiter returns the index of the next delimiter line at or after
// from: delim at the start of a line, followed by "--", white space or the end
// of the line (so a longer boundary sharing its prefix does not count).
func findDelimiter(body, delim []byte, from int) int {
	for from <= len(body) {
		i := bytes.Index(body[from:], delim)
		if i < 0 {
			return -1
		}
		i += from
		atLineStart := i == 0 || body[i-1] == '\n'
		j := i + len(delim)
		endsWell := j == len(body) || body[j] == '-' || body[j] == ' ' || body[j] == '\t' || body[j] == '\r' || body[j] == '\n'
		if atLineStart && endsWell {
			return i
		}
		from = i + 1
	}
	return -1
}

// decoded returns the body with its Content-Transfer-Encoding undone.
func (e *entity) decoded() []byte {
	switch strings.ToLower(strings.TrimSpace(e.header.get("Content-Transfer-Encoding"))) {
	case "base64":
		return decodeBase64(e.body)
	case "quoted-printable":
		return decodeQP(e.body)
	}
	return e.body
}

// decodeBase64 decodes what it can: characters outside the alphabet are
// skipped, decoding stops at padding, and a dangling last character is
// dropped, as mail clients do.
func decodeBase64(b []byte) []byte {
	clean := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case c == '=':
			goto done
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		}
	}
done:
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, _ := base64.RawStdEncoding.Decode(out, clean)
	return out[:n]
}

// decodeQP decodes quoted-printable leniently: an "=" not followed by two hex
// digits or a line break is kept as it is.
func decodeQP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		if i+2 < len(b) && isHexByte(b[i+1]) && isHexByte(b[i+2]) {
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
			continue
		}
		// Soft line break: "=", optional trailing white space, line end.
		j := i + 1
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j < len(b) && b[j] == '\r' {
			j++
		}
		if j < len(b) && b[j] == '\n' {
			i = j
			continue
		}
		if j == len(b) {
			break
		}
		out = append(out, c)
	}
	return out
}

func isHexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// walk calls f on e and every entity inside it, embedded messages included,
// depth first, until f returns false.
func walk(e *entity, f func(*entity) bool) bool {
	if e == nil {
		return true
	}
	if !f(e) {
		return false
	}
	for _, p := range e.parts {
		if !walk(p, f) {
			return false
		}
	}
	return walk(e.inner, f)
}

package inbox

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/openfoodfoundation/announce/internal/msgid"
)

// notices are the notice names ParseMessageID accepts.
var notices = msgid.Notices

// ParseMessageID tells campaign, notice and instance from one of our
// Message-IDs, with or without angle brackets; ok is false for any other
// (package msgid alone makes and reads them).
func ParseMessageID(id string) (r Ref, ok bool) {
	m, ok := msgid.Parse(id)
	return Ref{Campaign: m.Campaign, Notice: m.Notice, Instance: m.Instance}, ok
}

// Matcher knows what was sent: the subject of each notice in each language,
// and Message-IDs that do not name their notice themselves. Its zero value
// knows nothing and is ready to use; fill it before classifying, then share it
// freely (Classify only reads it).
//
// A Message-ID of our shape matches whether or not the Matcher lists it: it
// names its campaign, notice and instance itself.
type Matcher struct {
	subjects map[string][]Ref
	ids      map[string]Ref
}

// AddSubject records that notice r went out with this subject. Subjects are
// compared case-insensitively, with runs of white space (non-breaking ones
// too) as one space, typographic apostrophes as ASCII, and no space before a
// colon (French typography and its absence).
func (m *Matcher) AddSubject(r Ref, subject string) {
	k := normSubject(subject)
	if k == "" {
		return
	}
	if m.subjects == nil {
		m.subjects = map[string][]Ref{}
	}
	for _, have := range m.subjects[k] {
		if have == r {
			return
		}
	}
	m.subjects[k] = append(m.subjects[k], r)
}

// AddMessageID records that notice r went out with this Message-ID.
func (m *Matcher) AddMessageID(r Ref, id string) {
	k := normID(id)
	if k == "" {
		return
	}
	if m.ids == nil {
		m.ids = map[string]Ref{}
	}
	m.ids[k] = r
}

// lookupID tells which notice a Message-ID belongs to.
func (m *Matcher) lookupID(id string) (Ref, bool) {
	if m != nil {
		if r, ok := m.ids[normID(id)]; ok {
			return r, true
		}
	}
	return ParseMessageID(id)
}

func (m *Matcher) lookupSubject(s string) []Ref {
	if m == nil || len(m.subjects) == 0 {
		return nil
	}
	return m.subjects[normSubject(s)]
}

func normID(id string) string { return strings.ToLower(strings.Trim(strings.TrimSpace(id), "<>")) }

// normSubject is the comparison key of a subject.
func normSubject(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsSpace(r) || r == '\u200b':
			space = b.Len() > 0
			continue
		case r == '’' || r == '‘' || r == 'ʼ':
			r = '\''
		case r == '：':
			r = ':'
		}
		if space && r != ':' {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// maxIDs bounds the Message-IDs taken from one field or text.
const maxIDs = 100

// messageIDs returns the Message-IDs in a field, in order; a field without
// angle brackets (some clients) gives its @-words.
func messageIDs(v string) []string {
	ids := bracketedIDs(v, maxIDs)
	if ids == nil {
		for _, w := range strings.Fields(v) {
			if strings.Contains(w, "@") && len(ids) < maxIDs {
				ids = append(ids, strings.Trim(w, "<>,;()"))
			}
		}
	}
	return ids
}

func firstMessageID(v string) string {
	if ids := messageIDs(v); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// prefixRE matches one reply, forward or auto-reply prefix at the start of a
// subject, with any [tag] before it and a counter after it ("Re[2]:",
// "RE (3):"). The words are those of mail clients in the languages of the
// instances and their neighbours: a prefix is no evidence alone, only a prefix
// followed by one of our subjects is, so a generous list costs nothing.
var prefixRE = regexp.MustCompile(`(?i)^[\s\p{Zs}]*(?:\[[^\]]{0,60}\][\s\p{Zs}]*)*` +
	`(?:re|r|aw|antw|antwort|sv|vs|vl|odp|rif|ref|réf|rép|rep|res|resp|ynt|ry|` + // replies
	`fw|fwd|fwrd|tr|trans|wg|rv|reenv|enc|i|fs|vb|doorst|wtr|pd|` + // forwards
	`auto|auto-reply|autoreply|automatic reply|auto reply|out of office|out of office autoreply|` +
	`respuesta automática|respuesta automatica|fuera de la oficina|fuera de oficina|` +
	`resposta automàtica|resposta automatica|fora de l'oficina|fora de l’oficina|` +
	`réponse automatique|reponse automatique|absence du bureau|absent du bureau|message d'absence|message d’absence|` +
	`automatische antwort|abwesenheitsnotiz|automatisch antwoord|` +
	`undeliverable|undelivered|non remis|non distribuable|no se puede entregar|no entregado|unzustellbar|onbestelbaar)` +
	`\.?[\s\p{Zs}]*(?:\[\d{1,4}\]|\(\d{1,4}\))?[\s\p{Zs}]*[:：][\s\p{Zs}]*`)

// maxPrefixes bounds the prefixes stripped from one subject.
const maxPrefixes = 10

// matchSubject returns the notices whose subject follows one or more prefixes
// in s, and the subject as we sent it (without the prefixes).
func (m *Matcher) matchSubject(s string) ([]Ref, string) {
	if m == nil || len(m.subjects) == 0 {
		return nil, ""
	}
	for range maxPrefixes {
		loc := prefixRE.FindStringIndex(s)
		if loc == nil || loc[1] == 0 {
			return nil, ""
		}
		s = s[loc[1]:]
		if refs := m.lookupSubject(s); refs != nil {
			return refs, s
		}
	}
	return nil, ""
}

// matchThread ties a reply or auto-reply to a notice by In-Reply-To, then
// References (nearest first), then its subject.
func matchThread(v *Verdict, msg *entity, m *Matcher) {
	for _, f := range []string{"In-Reply-To", "References"} {
		ids := messageIDs(msg.header.get(f))
		for i := len(ids) - 1; i >= 0; i-- {
			if r, ok := m.lookupID(ids[i]); ok {
				v.Ref, v.NoticeMessageID = r, ids[i]
				v.because("%s holds our Message-ID <%s>", f, ids[i])
				return
			}
		}
	}
	if refs, s := m.matchSubject(v.Subject); refs != nil {
		v.Ref = refs[0]
		v.because("subject is a reply or forward of our %s notice for %s: %q", refs[0].Notice, refs[0].Instance, s)
		if len(refs) > 1 {
			v.because("that subject was used by %d notices; the first added is taken", len(refs))
		}
	}
}

package inbox

import (
	"regexp"
	"strings"
)

var (
	// attributionRE is the line (or two or three, as clients wrap it) that
	// introduces a quotation: "On … wrote:", "El … va escriure:", "El …
	// escribió:", "Le … a écrit :", Thunderbird's "… ha escrit:", and the
	// German, Dutch, Portuguese and Italian of other instances.
	attributionRE = regexp.MustCompile(`(?i)^(?:on|el|le|am|op|em|il|en/na|den)\b.*?(?:wrote|writes|escribió|escribio|escrigué|va escriure|ha escrit|a écrit|a ecrit|schrieb|schreef|escreveu|ha scritto)\s*:$`)
	// looseAttributionRE is an attribution without the leading word, which
	// some clients write ("Katuma <noreply@katuma.test> wrote:"); it must
	// hold an address or a date to count.
	looseAttributionRE = regexp.MustCompile(`(?i)^.*?(?:@|\d).*?(?:wrote|escribió|va escriure|ha escrit|a écrit|schrieb|schreef)\s*:$`)

	// separatorRE is a line that starts the quoted or forwarded original.
	separatorRE = regexp.MustCompile(`(?i)^[-_=\s]*(?:original message|mensaje original|message d'origine|message original|missatge original|` +
		`ursprüngliche nachricht|oorspronkelijk bericht|mensagem original|messaggio originale|` +
		`forwarded message|mensaje reenviado|message transféré|missatge reenviat|weitergeleitete nachricht|doorgestuurd bericht)[-_=\s]*$`)

	// Outlook's header block: "From:", then "Sent:"/"Date:" and "To:" or
	// "Subject:" within a few lines, in each language Outlook speaks.
	outlookFromRE    = regexp.MustCompile(`(?i)^\*?(?:from|de|von|van|da|od|fra|från)\s*\*?\s*:\s*\*?\s*\S`)
	outlookSentRE    = regexp.MustCompile(`(?i)^\*?(?:sent|date|enviado(?: el)?|fecha|envoyé(?: le)?|date d'envoi|enviat(?: el)?|data|gesendet|datum|verzonden|inviato|enviada)\s*\*?\s*:`)
	outlookSubjectRE = regexp.MustCompile(`(?i)^\*?(?:subject|to|asunto|para|objet|à|assumpte|per a|tema|betreff|an|onderwerp|aan|oggetto|a)\s*\*?\s*:`)

	// mobileRE is the "Sent from my phone" line mail apps add.
	mobileRE = regexp.MustCompile(`(?i)^(?:sent from my|sent from outlook|get outlook for|enviado desde mi|enviado desde outlook|obtener outlook para|` +
		`envoyé de mon|envoyé depuis mon|obtenir outlook pour|enviat des del meu|enviat des de|von meinem .{0,40} gesendet|verzonden vanaf mijn)`)
)

// maxPatternLine is the longest line the patterns here look at: attributions
// and header lines are short, and it keeps the work linear on hostile text.
const maxPatternLine = 300

// StripQuoted returns what the writer of a reply wrote: without quoted lines
// ("> …"), without the quoted original after an attribution ("On … wrote:",
// "El … va escriure:", "El … escribió:", "Le … a écrit :") or an Outlook
// header block ("From: … Sent: … To: … Subject: …" and its translations) or
// an "Original message" separator, without a signature after "-- " and
// without "Sent from my iPhone". Text interleaved between quoted lines is
// kept. Lines are trimmed on the right, blank runs collapse to one, and the
// result is trimmed.
func StripQuoted(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t\r\u00a0")
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, ">") {
			continue
		}
		if line == "--" {
			break // the signature delimiter "-- ", trimmed
		}
		if len(t) > maxPatternLine {
			out = append(out, line) // no attribution or header is that long
			continue
		}
		if n := attributionLines(lines, i); n > 0 {
			next := nextNonBlank(lines, i+n)
			if next < 0 || strings.HasPrefix(strings.TrimSpace(lines[next]), ">") {
				i += n - 1 // drop the attribution, keep reading: answers may be interleaved
				continue
			}
			break // the original follows unquoted
		}
		if strings.ContainsAny(t, "-_=") && separatorRE.MatchString(t) || isOutlookBlock(lines, i) {
			break
		}
		out = append(out, line)
	}
	// Drop trailing blank lines, rules and the mobile signature.
	for len(out) > 0 {
		t := strings.TrimSpace(out[len(out)-1])
		if t == "" || strings.Trim(t, "-_=*") == "" || len(t) < maxPatternLine && mobileRE.MatchString(t) {
			out = out[:len(out)-1]
			continue
		}
		break
	}
	return strings.TrimSpace(collapseBlankLines(strings.Join(out, "\n")))
}

// attributionLines returns how many lines from i (1 to 3) make an
// attribution, or 0. When lines i+1… start one on their own ("El 30/4/19 a
// les 9:00, Katuma ha escrit:"), line i is the writer's, even if it starts
// with "El" too.
func attributionLines(lines []string, i int) int {
	n := attributionAt(lines, i, true)
	if n > 1 && attributionAt(lines[:i+n], i+1, false) > 0 {
		return 0
	}
	return n
}

// attributionAt matches an attribution of 1 to 3 lines from i; loose allows
// one without its leading word, on one line.
func attributionAt(lines []string, i int, loose bool) int {
	joined := ""
	for n := 1; n <= 3 && i+n-1 < len(lines); n++ {
		t := strings.TrimSpace(lines[i+n-1])
		if t == "" || strings.HasPrefix(t, ">") || len(t) > maxPatternLine {
			return 0
		}
		if joined != "" {
			joined += " "
		}
		joined += t
		if !strings.HasSuffix(joined, ":") {
			continue
		}
		// Every client writes a date or an address into it: "On Monday I
		// wrote:" is a sentence.
		if strings.ContainsAny(joined, "0123456789@") &&
			(attributionRE.MatchString(joined) || loose && n == 1 && looseAttributionRE.MatchString(joined)) {
			return n
		}
		return 0
	}
	return 0
}

// isOutlookBlock reports whether lines[i] starts Outlook's header block.
func isOutlookBlock(lines []string, i int) bool {
	if !outlookFromRE.MatchString(strings.TrimSpace(lines[i])) {
		return false
	}
	sent, other := false, false
	for j := i + 1; j < len(lines) && j <= i+6; j++ {
		t := strings.TrimSpace(lines[j])
		if len(t) > maxPatternLine {
			continue
		}
		switch {
		case outlookSentRE.MatchString(t):
			sent = true
		case outlookSubjectRE.MatchString(t):
			other = true
		}
	}
	return sent && other
}

func nextNonBlank(lines []string, i int) int {
	for ; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "" {
			return i
		}
	}
	return -1
}

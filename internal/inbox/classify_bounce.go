package inbox

import (
	"regexp"
	"strconv"
	"strings"
)

// A bounce comes in one of two shapes. The standard one (RFC 3464, 6522) is
// multipart/report; report-type=delivery-status: a human-readable part, a
// message/delivery-status part with one block of fields per recipient
// (Final-Recipient, Action, Status, Diagnostic-Code), and the returned message
// (message/rfc822) or its headers (text/rfc822-headers). Postfix, Exim 4.8x+,
// Sendmail, Exchange 2007+, Office 365 and Gmail send it. The other shape is
// prose: qmail, old Exim, old Exchange and many appliances write a text (or
// HTML) body with the failed address and the remote server's reply in it,
// and sometimes the returned message pasted below a marker line. For those,
// the patterns below are what each MTA writes; they read at most maxScan
// bytes of the report.
const maxScan = 16 << 10

type bounce struct {
	recipient, status, action, diagnostic string
	reasons                               []string
	returned                              header   // headers of the returned message, nil without one
	texts                                 []string // report and returned text, searched for our Message-IDs
	lowerReport                           string   // the start of the report, lower case, for reasonOf
}

func (b *bounce) because(s string) { b.reasons = append(b.reasons, s) }

var (
	// replyCodeRE is a bare SMTP reply code where a server's answer is
	// quoted; it runs on lower-case text, as do the patterns below.
	replyCodeRE = regexp.MustCompile(`(?m)(?:^[ \t]*|said:[ \t]*|returned[ \t]*'?|error[^\n]{0,40}?:[ \t]*|reply:[ \t]*|response:[ \t]*)([45])[0-9][0-9][ -]`)

	// bounceSubjectRE is the start of the subjects MTAs give their reports.
	bounceSubjectRE = regexp.MustCompile(`(?i)^\s*(undeliver(?:able|ed)|delivery (?:status notification|failure|failed|has failed|notification|problem|report|delayed)|` +
		`mail delivery (?:failed|failure|system|subsystem|error)|returned mail|returned to sender|failure notice|failed delivery|mail failure|` +
		`non[- ]?remis|non distribuable|rapport de non-remise|[ée]chec de (?:la )?remise|` +
		`no se puede entregar|no se ha podido entregar|no entregado|mensaje no entregado|notificaci[oó]n de estado de entrega|` +
		`no s'ha pogut lliurar|missatge no lliurat|unzustellbar|nicht zustellbar|onbestelbaar|` +
		`delayed mail|warning: message|message (?:delivery )?(?:failure|delayed|not delivered)|mail system error|` +
		`permanent (?:delivery )?failure|could not send message|nondeliverable|notice of delivery failure)`)

	// dsnFieldRE is a Final- or Original-Recipient field pasted as text.
	dsnFieldRE = regexp.MustCompile(`(?m)^[ \t]*(final|original)-recipient:[ \t]*(?:[a-z0-9-]+[ \t]*;)?[ \t]*<?([^\s<>;]+@[^\s<>;]+?)>?[ \t]*$`)
	// angleLineRE is qmail's "<x@y>:" line and Postfix's "<x@y>: host … said:".
	angleLineRE = regexp.MustCompile(`(?m)^[ \t]*<([^\s<>]+@[^\s<>]+)>:`)
	rcptToRE    = regexp.MustCompile(`rcpt to:[ \t]*<([^\s<>]+@[^\s<>]+)>`)
	replyAddrRE = regexp.MustCompile(`\b[45]\d\d[ -](?:#?[45]\.\d{1,3}\.\d{1,3}[ \t]+)?<([^\s<>]+@[^\s<>]+)>`)
)

// findBounce returns the bounce msg is, or nil when it is none.
func findBounce(msg *entity) *bounce {
	h := msg.header
	b := &bounce{}
	report := bestText(msg)
	returnedText := ""
	head := report[:min(len(report), 4*maxScan)]
	if i := lineStartPhrase(asciiLower(head), returnedMarkers); i >= 0 {
		report, returnedText = report[:i], report[i:]
		if nl := strings.IndexByte(returnedText, '\n'); nl >= 0 {
			returnedText = returnedText[nl+1:] // the marker line itself
		}
	}
	scan := report[:min(len(report), maxScan)]
	lower := asciiLower(scan)
	subject := decodeHeader(h.get("Subject"))

	dsn := findPart(msg, "message/delivery-status", "message/global-delivery-status")
	isReport := msg.ctype == "multipart/report" && strings.EqualFold(msg.params["report-type"], "delivery-status")
	xFailed := decodeHeader(h.get("X-Failed-Recipients"))
	daemon := isDaemon(h.get("From")) || isNullPath(h)
	bounceSubject := bounceSubjectRE.MatchString(subject)
	_, marker := firstPhrase(lower, bounceMarkers)

	switch {
	case dsn != nil || isReport:
		b.because("a delivery status notification (RFC 3464 multipart/report)")
	case xFailed != "":
		b.because("X-Failed-Recipients: " + quoteShort(xFailed))
	case marker != "" && (daemon || bounceSubject):
		b.because("a bounce in prose: " + strings.TrimSpace(marker))
	case daemon && bounceSubject:
		b.because("a bounce by its sender and subject " + quoteShort(subject))
	default:
		return nil
	}
	if daemon && bounceSubject && (dsn != nil || isReport || xFailed != "") {
		b.because("from a mail system, subject " + quoteShort(subject))
	}

	if dsn != nil {
		rcpts := parseDSN(dsn.decoded())
		if r, n := pickDSN(rcpts); r != nil {
			b.recipient, b.action, b.status, b.diagnostic = r.recipient, r.action, r.status, r.diagnostic
			b.because("Final-Recipient " + r.recipient + ", Action " + orNone(r.action) + ", Status " + orNone(r.status))
			if n > 1 {
				b.because(strconv.Itoa(n) + " recipients failed; reporting the first")
			}
		} else if len(rcpts) > 0 {
			// Only delivered, relayed or expanded: a success report.
			return nil
		}
	}

	if b.recipient == "" {
		if a := firstAddr(xFailed); a != "" {
			b.recipient = a
			b.because("recipient from X-Failed-Recipients")
		} else if a, how := recipientFromText(scan, lower); a != "" {
			b.recipient = a
			b.because("recipient from the report text (" + how + ")")
		}
	}

	b.returned = returnedHeader(msg, returnedText)
	if b.recipient == "" && b.returned != nil {
		if to := decodeAddress(b.returned.get("To")); strings.Contains(to, "@") && !strings.Contains(b.returned.get("To"), ",") {
			b.recipient = to
			b.because("recipient from the To of the returned message")
		}
	}
	if b.recipient == "" {
		if a := guessRecipient(scan, h); a != "" {
			b.recipient = a
			b.because("recipient guessed: the first address in the report")
		} else {
			b.because("no failed recipient found")
		}
	}

	b.refineStatus(scan, lower)
	if b.action == "" {
		// A report in prose is a failure unless it says it is still trying;
		// "failed" with a 4.x.x status is a message given up on after
		// temporary errors (RFC 3464 allows it), which is not permanent.
		b.action = "failed"
		if isDelaySubject(subject) || hasPhrase(lower, delayPhrases) {
			b.action = "delayed"
			b.because("a delay warning: the mail system is still trying")
		}
	}
	if b.action == "delayed" && b.status == "" {
		b.status = "4.0.0"
		b.because("status 4.0.0 assumed for a delay warning without a code")
	}
	b.diagnostic = cleanDiagnostic(b.diagnostic)
	b.texts = []string{report, returnedText}
	b.lowerReport = lower
	return b
}

// refineStatus sets or sharpens the status from the diagnostic and the
// report text (scan, and lower its asciiLower): Exim's DSN says "5.0.0" where
// the remote server said "5.1.1", and prose reports give a code, or only
// words.
func (b *bounce) refineStatus(scan, lower string) {
	specific := func() bool { return b.status != "" && !strings.HasSuffix(b.status, ".0.0") }
	if specific() {
		return
	}
	for _, src := range []struct{ name, text, lower string }{
		{"diagnostic", b.diagnostic, asciiLower(b.diagnostic)},
		{"report", scan, lower},
	} {
		code, line := statusInText(src.text, src.lower)
		if code == "" || code == b.status || b.status != "" && code[0] != b.status[0] {
			continue
		}
		if b.status != "" {
			b.because("status " + b.status + " sharpened to " + code + " from the " + src.name)
		} else {
			b.because("status " + code + " from the " + src.name)
		}
		b.status = code
		if b.diagnostic == "" {
			b.diagnostic = line
		}
		if specific() {
			return
		}
	}
	text := b.diagnostic + "\n" + scan
	textLower := asciiLower(text)
	for _, p := range []struct {
		phrases []string
		detail  string
		class   string // when the report gave no class
	}{
		{unknownUserPhrases, ".1.1", "5"},
		{noHostPhrases, ".1.2", "5"},
		{mailboxFullPhrases, ".2.2", "4"},
		{tooBigPhrases, ".3.4", "5"},
	} {
		at, phrase := firstPhrase(textLower, p.phrases)
		if at < 0 {
			continue
		}
		class := p.class
		switch {
		case b.status != "":
			class = b.status[:1]
		case hasPhrase(lower, permanentPhrase):
			class = "5"
		}
		b.status = class + p.detail
		b.because("status " + b.status + " from the words " + quoteShort(phrase))
		if b.diagnostic == "" {
			b.diagnostic = lineAt(text, at)
		}
		return
	}
	if b.status == "" && hasPhrase(lower, permanentPhrase) {
		b.status = "5.0.0"
		b.because("status 5.0.0: the report calls the failure permanent")
	}
}

// recipientFromText finds the failed address in a prose report, trying the
// most specific patterns first. The patterns run on lower, asciiLower(s), and
// the address is taken from s.
func recipientFromText(s, lower string) (addr, how string) {
	if ms := dsnFieldRE.FindAllStringSubmatchIndex(lower, 10); ms != nil {
		for _, kind := range []string{"final", "original"} {
			for _, m := range ms {
				if lower[m[2]:m[3]] == kind {
					return s[m[4]:m[5]], kind + "-recipient field"
				}
			}
		}
	}
	if m := angleLineRE.FindStringSubmatchIndex(lower); m != nil {
		return s[m[2]:m[3]], "\"<address>:\" line"
	}
	if at, phrase := firstPhrase(lower, introPhrases); at >= 0 {
		from := at + len(phrase)
		if a := firstAddr(s[from:min(from+600, len(s))]); a != "" {
			return a, "after " + quoteShort(s[at:from])
		}
	}
	if m := rcptToRE.FindStringSubmatchIndex(lower); m != nil {
		return s[m[2]:m[3]], "RCPT TO"
	}
	if m := replyAddrRE.FindStringSubmatchIndex(lower); m != nil {
		return s[m[2]:m[3]], "the server's reply"
	}
	return "", ""
}

// guessRecipient returns the first address in the report that is neither a
// mail system's nor one of the bounce's own (its To is our return path).
func guessRecipient(s string, h header) string {
	own := strings.ToLower(h.get("To") + " " + h.get("From") + " " + h.get("Return-Path"))
	for _, a := range addrsIn(s, 50) {
		if isDaemon(a) || strings.Contains(own, strings.ToLower(a)) {
			continue
		}
		return a
	}
	return ""
}

func isDaemon(from string) bool {
	_, p := firstPhrase(asciiLower(from), daemonSenders)
	return p != ""
}

func hasPhrase(lower string, phrases []string) bool {
	at, _ := firstPhrase(lower, phrases)
	return at >= 0
}

// isDelaySubject: "Delayed Mail (still being retried)" (Postfix), "Warning:
// message 1hLQ3v-0004Xk-6s delayed 24 hours" (Exim), "Delivery Status
// Notification (Delay)" (Gmail), "Delivery delayed:" (Exchange).
func isDelaySubject(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "delayed") || strings.Contains(s, "(delay)") || strings.Contains(s, "retardad") || strings.Contains(s, "retardé")
}

// returnedHeader returns the headers of the message a bounce returns: from a
// message/rfc822 or text/rfc822-headers part, else from the text pasted below
// a marker line.
func returnedHeader(msg *entity, returnedText string) header {
	if p := findPart(msg, "message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers"); p != nil && p.inner != nil && len(p.inner.header) > 0 {
		return p.inner.header
	}
	if returnedText == "" {
		return nil
	}
	t := strings.TrimLeft(returnedText, " \t\r\n")
	if len(t) > maxScan {
		t = t[:maxScan]
	}
	h, _ := parseHeader([]byte(t))
	if len(h) == 0 {
		return nil
	}
	return h
}

// findPart returns the first entity of one of the media types in msg's own
// MIME tree, not looking inside embedded messages: a person forwarding a
// bounce as an attachment has not bounced.
func findPart(msg *entity, types ...string) *entity {
	var found *entity
	var visit func(e *entity)
	visit = func(e *entity) {
		if found != nil {
			return
		}
		for _, t := range types {
			if e.ctype == t {
				found = e
				return
			}
		}
		for _, p := range e.parts {
			visit(p)
		}
	}
	visit(msg)
	return found
}

func isNullPath(h header) bool {
	return h.has("Return-Path") && strings.Trim(strings.TrimSpace(h.get("Return-Path")), "<>") == ""
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return strings.TrimRight(f[0], ";,")
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func quoteShort(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		s = truncateText(s, 80)
	}
	return `"` + s + `"`
}

// matchBounce ties a bounce to the notice it returns: by the returned
// message's Message-ID, the bounce's own In-Reply-To or References (Exchange
// and Gmail set them), any of our Message-IDs in the report or the returned
// text, then the returned or the bounce's subject.
func matchBounce(v *Verdict, msg *entity, b *bounce, m *Matcher) {
	try := func(id, where string) bool {
		r, ok := m.lookupID(id)
		if ok {
			v.Ref, v.NoticeMessageID = r, strings.Trim(id, "<>")
			v.because("%s holds our Message-ID <%s>", where, v.NoticeMessageID)
		}
		return ok
	}
	if b.returned != nil {
		for _, id := range messageIDs(b.returned.get("Message-Id")) {
			if try(id, "the returned message's Message-ID") {
				return
			}
		}
	}
	for _, f := range []string{"In-Reply-To", "References"} {
		for _, id := range messageIDs(msg.header.get(f)) {
			if try(id, "the bounce's "+f) {
				return
			}
		}
	}
	for _, t := range b.texts {
		if len(t) > 4*maxScan {
			t = t[:4*maxScan]
		}
		for _, id := range bracketedIDs(t, maxIDs) {
			if try(id, "the report text") {
				return
			}
		}
		for _, id := range ourIDsIn(t, maxIDs) {
			if try(id, "the report text") {
				return
			}
		}
	}
	if b.returned != nil {
		s := decodeHeader(b.returned.get("Subject"))
		if refs := m.lookupSubject(s); refs != nil {
			v.Ref = refs[0]
			v.because("the returned message's subject is that of our %s notice for %s", refs[0].Notice, refs[0].Instance)
			return
		}
	}
	if refs, s := m.matchSubject(v.Subject); refs != nil {
		v.Ref = refs[0]
		v.because("the bounce's subject names our %s notice for %s: %s", refs[0].Notice, refs[0].Instance, quoteShort(s))
		return
	}
	v.because("no notice of ours found in the bounce")
}

package inbox

import (
	"strings"
)

// A spam complaint comes as an Abuse Reporting Format report (RFC 5965):
// multipart/report; report-type=feedback-report, a human-readable part, a
// message/feedback-report part of header-like fields (Feedback-Type,
// User-Agent, Version, Original-Mail-From, Original-Rcpt-To,
// Arrival-Date…) and the message complained about, whole (message/rfc822)
// or its headers (text/rfc822-headers). Yahoo, AOL, Microsoft's JMRP,
// Comcast and Fastmail send them to the address registered for the feedback
// loop; they often redact the complainer's address (RFC 6590), and then the
// returned message's Message-ID ties the complaint to the delivery.

// complaintTypes are the Feedback-Types that are complaints about our mail:
// "abuse" (the person pressed "this is spam"), "fraud" and "virus", and
// "other". "not-spam" is the opposite and "auth-failure" (RFC 6591) is a
// report on our authentication, not on the person's wishes.
var complaintTypes = map[string]bool{"abuse": true, "fraud": true, "virus": true, "other": true}

// findComplaint returns the complaint msg is, as a bounce whose recipient is
// the complainer, or nil when it is none.
func findComplaint(msg *entity) *bounce {
	isReport := msg.ctype == "multipart/report" && strings.EqualFold(msg.params["report-type"], "feedback-report")
	part := findPart(msg, "message/feedback-report")
	if !isReport && part == nil {
		return nil
	}
	b := &bounce{}
	var fields header
	if part != nil {
		body := part.decoded()
		if len(body) > maxScan {
			body = body[:maxScan]
		}
		fields, _ = parseHeader([]byte(strings.ReplaceAll(toUTF8(body, ""), "\r\n", "\n")))
	}
	ft := strings.ToLower(strings.TrimSpace(fields.get("Feedback-Type")))
	if part != nil && !complaintTypes[ft] {
		return nil
	}
	b.because("a spam complaint (RFC 5965 feedback report, Feedback-Type " + orNone(ft) + ")")
	if ua := fields.get("User-Agent"); ua != "" {
		b.because("reported by " + quoteShort(ua))
	}
	b.returned = returnedHeader(msg, "")
	for _, f := range []string{"Original-Rcpt-To", "Removal-Recipient"} {
		if a := firstAddr(fields.get(f)); a != "" {
			b.recipient = a
			b.because("complainer from " + f)
			break
		}
	}
	if b.recipient == "" && b.returned != nil {
		if to := decodeAddress(b.returned.get("To")); strings.Contains(to, "@") && !strings.Contains(b.returned.get("To"), ",") &&
			!strings.Contains(strings.ToLower(to), "redacted") { // RFC 6590: providers blank out the local part
			b.recipient = to
			b.because("complainer from the To of the reported message")
		}
	}
	if b.recipient == "" {
		b.because("the complainer's address is redacted")
	}
	b.diagnostic = cleanDiagnostic("Feedback-Type: " + orNone(ft) + "; " + strings.TrimSpace(fields.get("User-Agent")))
	b.texts = []string{bestText(msg)}
	return b
}

package mailer

import (
	"regexp"
	"strings"
)

// ServerWide reports whether e concerns every message this run would send
// to the server rather than its one recipient, so that the run must stop
// with nobody marked failed: the server could not be reached or refused the
// connection, our settings or our envelope sender (at MAIL FROM, or at RCPT
// TO or the end of data with a sender-side code or text — Postfix answers
// its sender restrictions at RCPT TO by default, smtpd_delay_reject = yes),
// or it refused DATA after accepting the recipient.
func (e *SendError) ServerWide() bool {
	switch stage(e.Stage) {
	case stageConfig, stageEnvelope, stageConnect, stageMail, stageData:
		return true
	case stageRcpt, stageEndOfData:
		return e.Code != 0 && senderSide(e.Enhanced, e.Reply)
	}
	return false
}

// senderSideCodes are RFC 3463 / IANA enhanced status codes that speak of
// the sender or of our authentication, not of the recipient.
var senderSideCodes = map[string]bool{
	"X.1.7":  true,                 // bad sender's mailbox address syntax
	"X.1.8":  true,                 // bad sender's system address
	"X.7.0":  true,                 // authentication required (as Postfix and Exim use it)
	"X.7.8":  true,                 // authentication credentials invalid
	"X.7.23": true, "X.7.24": true, // SPF validation failed, SPF validation error
	"X.7.25": true, // reverse DNS validation failed
	"X.7.26": true, // multiple authentication checks failed (DMARC)
	"X.7.27": true, // sender address has null MX
}

// senderSideText are phrases of well-known MTAs (Postfix, Exim, Microsoft,
// Gmail) for a refusal of the sender or the client, not of the recipient.
var senderSideText = regexp.MustCompile(`(?i)sender address rejected|sender rejected|sender (?:domain|address) (?:is )?(?:not|un)|not owned by user|relay access denied|relaying denied|authentication required|unauthenticated (?:e-?mail|sender)|\bdmarc\b|\bspf\b|client host rejected`)

func senderSide(enhanced, reply string) bool {
	if len(enhanced) > 2 && senderSideCodes["X"+enhanced[1:]] {
		return true
	}
	return senderSideText.MatchString(reply)
}

// addrInReply matches what varies from one recipient's reply to the next.
var addrInReply = regexp.MustCompile(`<[^<>]*>|[^\s<>"]+@[^\s<>":;,]+`)

// Shape is e's reply with the addresses in it blanked: the same Shape for
// many recipients in a row means the server says the same thing to
// everyone (a relay refusing every RCPT), not something about each. It is
// "" when there was no reply.
func (e *SendError) Shape() string {
	if e.Reply == "" {
		return ""
	}
	return addrInReply.ReplaceAllString(strings.TrimSpace(e.Reply), "<>")
}

// mailboxCodes are enhanced codes that name the recipient's mailbox itself
// (RFC 3463 §3.2, §3.3): no matter how many recipients in a row get one, each
// speaks of its own address.
var mailboxCodes = map[string]bool{
	"X.1.1": true, "X.1.2": true, "X.1.3": true, "X.1.6": true, "X.1.10": true, // bad, moved or null-MX address
	"X.2.1": true, "X.2.2": true, // mailbox disabled, full
}

// AboutMailbox reports whether e's enhanced code speaks of the recipient's
// own mailbox (unknown, moved, disabled, full): a run of such replies is a
// run of bad addresses, not a server refusing everyone.
func (e *SendError) AboutMailbox() bool {
	return len(e.Enhanced) > 2 && mailboxCodes["X"+e.Enhanced[1:]]
}

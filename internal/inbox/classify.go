package inbox

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is what a message is, whatever it answers: whether it belongs to one
// of our notices is Verdict.Ref, a separate question.
type Kind string

const (
	KindReply     Kind = "reply"      // a person wrote it
	KindAutoReply Kind = "auto-reply" // an out-of-office or other automatic answer
	KindBounce    Kind = "bounce"     // a delivery failure or delay report
	KindComplaint Kind = "complaint"  // a spam complaint: an ARF feedback report (RFC 5965)
	KindOther     Kind = "other"      // anything else: newsletters, notifications, our own copies
)

// KindUnrelated is what KindOther was called before kind and tie were two
// questions; ledgers written then hold it.
const KindUnrelated Kind = "unrelated"

// MaxMessageSize is how much of a message Classify reads; the rest is ignored.
// Large attachments are the only thing it cuts in practice.
const MaxMessageSize = 32 << 20

// maxText bounds Verdict.Text: the digest shows the first lines, and a JSON
// line should stay readable.
const maxText = 4 << 10

// Ref names the notice a message belongs to.
type Ref struct {
	Campaign string `json:"campaign,omitempty"`
	Notice   string `json:"notice,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// IsZero reports whether r names nothing.
func (r Ref) IsZero() bool { return r == Ref{} }

// Verdict is what Classify found out about one message.
type Verdict struct {
	File string `json:"file,omitempty"` // set by the caller (the CLI's path as given), never by Classify
	Kind Kind   `json:"kind"`

	// For bounces: the address that failed, the RFC 3463 status (e.g.
	// "5.1.1"), the RFC 3464 action ("failed" or "delayed"), the remote
	// server's words, and whether the failure is permanent: status class 5 and
	// not a delay notice. Permanent is written to JSON for bounces only.
	Recipient  string `json:"recipient,omitempty"`
	Status     string `json:"status,omitempty"`
	Permanent  bool   `json:"permanent,omitempty"`
	Action     string `json:"action,omitempty"`
	Diagnostic string `json:"diagnostic,omitempty"`
	// For bounces and complaints: why (the bounce-reason taxonomy), whose
	// problem it is, and what it does to the suppression list (see
	// Reason.Policy).
	Reason   Reason `json:"reason,omitempty"`
	Side     Side   `json:"side,omitempty"`
	Suppress Policy `json:"suppress,omitempty"`
	// Unsubscribe: a person asks not to be mailed again, by mail to our
	// List-Unsubscribe mailto (Options.Unsubscribe) or with the subject
	// "unsubscribe" it asks for.
	Unsubscribe bool `json:"unsubscribe,omitempty"`

	// The notice the message belongs to, when known, and which of our
	// Message-IDs tied it (empty when the subject did).
	Ref
	NoticeMessageID string `json:"notice_message_id,omitempty"`

	// The message's own headers, decoded.
	MessageID string    `json:"message_id,omitempty"`
	From      string    `json:"from,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	Date      time.Time `json:"date,omitzero"`

	// Reasons says why, one finding per entry, in the order they were made.
	Reasons []string `json:"reasons"`

	// Text is, for replies and auto-replies, the best plain text of the
	// message with the quoted announcement, signature and "Sent from my
	// phone" lines stripped; at most 4 KiB.
	Text string `json:"text,omitempty"`
}

// MarshalJSON writes permanent for bounces, false included, and for nothing
// else: a reply is neither permanent nor temporary.
func (v Verdict) MarshalJSON() ([]byte, error) {
	type wire Verdict // the same fields without this method
	w := struct {
		wire
		Permanent *bool `json:"permanent,omitempty"`
	}{wire: wire(v)}
	if v.Kind == KindBounce {
		w.Permanent = &v.Permanent
	}
	if w.Reasons == nil {
		w.Reasons = []string{}
	}
	return json.Marshal(w)
}

func (v *Verdict) because(format string, args ...any) {
	v.Reasons = append(v.Reasons, fmt.Sprintf(format, args...))
}

// Options are what the caller knows beyond the message itself. The zero value
// classifies with nothing but the shape of our Message-IDs.
type Options struct {
	// Matcher knows the subjects and Message-IDs that were sent; nil is fine.
	Matcher *Matcher
	// Unsubscribe is the address of the mailto: in our List-Unsubscribe,
	// if any: a person's mail to it is an unsubscribe request.
	Unsubscribe string
}

// Classify tells what raw, one whole message (an .eml file, or what IMAP
// fetches as BODY[]), is and which notice it belongs to. It never panics and
// does bounded work whatever raw holds; a message it cannot make sense of is
// other, with the reason.
//
// Complaints and bounces are recognised first: MTAs put Auto-Submitted on
// their own reports, so that header alone does not make an auto-reply. Kind
// says what the message is and Ref which notice it answers, if any: a
// person's mail that answers none is still a reply (with an empty Ref), and
// automatic mail that answers nothing (a newsletter) is other. A bounce
// that returns nothing of ours has an empty Ref too, and a caller that acts
// on bounces (suppression) should want a Ref, or the recipient in its
// ledger, before it does.
func Classify(raw []byte, opts Options) (v Verdict) {
	defer func() {
		if r := recover(); r != nil {
			// A bug, not a property of the input: say so rather than take the
			// caller (a sync of thousands of messages) down with it.
			v = Verdict{Kind: KindOther, Reasons: []string{fmt.Sprintf("classifier failed on this message: %v", r)}}
		}
	}()
	return classify(raw, opts)
}

// classify is Classify without the safety net, so tests and the fuzzer see
// every panic.
func classify(raw []byte, opts Options) Verdict {
	v := verdict(raw, opts)
	v.validUTF8()
	return v
}

// validUTF8 makes every string valid UTF-8: headers may hold raw 8-bit
// bytes, and callers store and print what Classify returns.
func (v *Verdict) validUTF8() {
	for _, p := range []*string{&v.Recipient, &v.Status, &v.Action, &v.Diagnostic, &v.Campaign, &v.Notice,
		&v.Instance, &v.NoticeMessageID, &v.MessageID, &v.From, &v.Subject, &v.Text} {
		*p = strings.ToValidUTF8(*p, "\uFFFD")
	}
	for i := range v.Reasons {
		v.Reasons[i] = strings.ToValidUTF8(v.Reasons[i], "\uFFFD")
	}
}

func verdict(raw []byte, opts Options) Verdict {
	var v Verdict
	if len(raw) > MaxMessageSize {
		raw = raw[:MaxMessageSize]
		v.because("only the first %d MiB were read", MaxMessageSize>>20)
	}
	msg := parse(raw)
	h := msg.header
	v.MessageID = firstMessageID(h.get("Message-Id"))
	v.From = decodeAddress(h.get("From"))
	v.Subject = decodeHeader(h.get("Subject"))
	if d, err := mail.ParseDate(h.get("Date")); err == nil {
		v.Date = d
	}
	m := opts.Matcher

	if b := findComplaint(msg); b != nil {
		v.Kind = KindComplaint
		v.Recipient, v.Diagnostic = b.recipient, b.diagnostic
		v.Reasons = append(v.Reasons, b.reasons...)
		v.setReason(ReasonComplaint, true, "a spam complaint")
		matchBounce(&v, msg, b, m)
		return v
	}
	if b := findBounce(msg); b != nil {
		v.Kind = KindBounce
		v.Recipient, v.Status, v.Action, v.Diagnostic = b.recipient, b.status, b.action, b.diagnostic
		v.Permanent = strings.HasPrefix(b.status, "5.") && b.action != "delayed"
		v.Reasons = append(v.Reasons, b.reasons...)
		r, why := reasonOf(b.status, b.action, b.diagnostic, b.lowerReport)
		v.setReason(r, v.Permanent, why)
		matchBounce(&v, msg, b, m)
		return v
	}

	auto := autoReasons(msg, v.Subject)
	matchThread(&v, msg, m)
	own, isOwn := ParseMessageID(v.MessageID)
	switch {
	case isOwn && v.Ref.IsZero():
		v.Kind = KindOther
		v.Reasons = append(v.Reasons, auto...)
		v.because("this is our own %s notice for %s (a copy, not an answer)", own.Notice, own.Instance)
		return v
	case len(auto) > 0 && (!v.Ref.IsZero() || answersSomething(msg, auto)):
		v.Kind = KindAutoReply
		v.Reasons = append(v.Reasons, auto...)
	case len(auto) > 0:
		v.Kind = KindOther
		v.Reasons = append(v.Reasons, auto...)
		v.because("sent by a program and answering nothing: not an auto-reply")
	case msg.header.has("List-Id") || msg.header.has("List-Unsubscribe"):
		v.Kind = KindOther
		v.because("mail of a list (List-Id or List-Unsubscribe)")
	case v.Ref.IsZero():
		v.Kind = KindReply
		v.because("no sign of an automatic sender: a person's mail")
	default:
		v.Kind = KindReply
		v.because("no sign of an automatic sender: a person's reply")
	}
	if v.Ref.IsZero() {
		v.because("no In-Reply-To, References or subject of ours: it answers no notice")
	}
	if v.Kind == KindOther {
		return v
	}
	if v.Kind == KindReply && unsubscribeRequest(msg.header, v.Subject, opts.Unsubscribe) {
		v.Unsubscribe = true
		v.because("an unsubscribe request: the sender asks not to be mailed again")
	}
	v.Text = truncateText(StripQuoted(bestText(msg)), maxText)
	return v
}

// setReason records a bounce's reason and what follows from it.
func (v *Verdict) setReason(r Reason, permanent bool, why string) {
	v.Reason, v.Side, v.Suppress = r, r.Side(), SuppressionPolicy(r, permanent)
	v.because("reason %s (%s): %s side, %s; suppress: %s", r, why, r.Side(), reasonSentence(r, v.Suppress), v.Suppress)
}

// answersSomething tells an automatic answer from other automatic mail
// (newsletters, notifications) when no notice of ours ties it: an answer
// names a message it answers, says it is one, or has an out-of-office or
// read-receipt shape.
func answersSomething(msg *entity, auto []string) bool {
	h := msg.header
	if h.has("In-Reply-To") || h.has("References") {
		return true
	}
	for _, r := range auto {
		if strings.HasPrefix(r, "Auto-Submitted: auto-replied") || strings.HasPrefix(r, "X-Auto") ||
			strings.HasPrefix(r, "X-Mail-Autoreply") || r == "out-of-office subject" || r == "X-Apple-Action: vacation" ||
			strings.HasPrefix(r, "a read receipt") || strings.HasPrefix(r, "Precedence: auto_reply") {
			return true
		}
	}
	return false
}

// reasonSentence says in a few words what each reason means.
func reasonSentence(r Reason, p Policy) string {
	if r == ReasonComplaint {
		return "the person does not want our mail"
	}
	switch p {
	case SuppressNow:
		return "the address cannot receive"
	case SuppressNever:
		return "a problem of ours: every later message fails the same way"
	}
	return "may pass later"
}

// truncateText cuts s to at most n bytes on a line or rune boundary.
func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if i := strings.LastIndexByte(s[:n], '\n'); i > n/2 {
		return strings.TrimRight(s[:i], " \t\n")
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// UnsubscribeSubject is the subject our List-Unsubscribe mailto asks for
// (mailto:x?subject=unsubscribe), the word mail clients send.
const UnsubscribeSubject = "unsubscribe"

// unsubscribeRequest tells whether a person's mail asks to unsubscribe:
// sent to the unsubscribe address (addr, when there is one), or with the
// subject "unsubscribe", as one-click mailto clients write it.
func unsubscribeRequest(h header, subject, addr string) bool {
	s := strings.ToLower(strings.TrimSpace(subject))
	if s == UnsubscribeSubject || strings.HasPrefix(s, UnsubscribeSubject+" ") {
		return true
	}
	if addr = strings.ToLower(strings.TrimSpace(addr)); addr == "" {
		return false
	}
	for _, f := range []string{"To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To"} {
		for _, a := range addrsIn(h.get(f), 20) {
			if strings.EqualFold(a, addr) {
				return true
			}
		}
	}
	return false
}

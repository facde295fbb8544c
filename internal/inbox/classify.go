package inbox

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is what a message is, as far as a notice is concerned.
type Kind string

const (
	KindReply     Kind = "reply"      // a person answered one of our notices
	KindAutoReply Kind = "auto-reply" // an out-of-office or other automatic answer to one
	KindBounce    Kind = "bounce"     // a delivery failure or delay report
	KindUnrelated Kind = "unrelated"  // anything else: counted, not shown
)

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
}

// Classify tells what raw, one whole message (an .eml file, or what IMAP
// fetches as BODY[]), is and which notice it belongs to. It never panics and
// does bounded work whatever raw holds; a message it cannot make sense of is
// unrelated, with the reason.
//
// Bounces are recognised first: MTAs put Auto-Submitted on their own reports,
// so that header alone does not make an auto-reply. A reply or auto-reply
// that no Message-ID or subject ties to a notice is unrelated. A bounce stays
// a bounce even then (some MTAs return nothing of the original): its Ref is
// empty, and a caller that acts on bounces (suppression) should want a Ref,
// or the recipient in its ledger, before it does.
func Classify(raw []byte, opts Options) (v Verdict) {
	defer func() {
		if r := recover(); r != nil {
			// A bug, not a property of the input: say so rather than take the
			// caller (a sync of thousands of messages) down with it.
			v = Verdict{Kind: KindUnrelated, Reasons: []string{fmt.Sprintf("classifier failed on this message: %v", r)}}
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

	if b := findBounce(msg); b != nil {
		v.Kind = KindBounce
		v.Recipient, v.Status, v.Action, v.Diagnostic = b.recipient, b.status, b.action, b.diagnostic
		v.Permanent = strings.HasPrefix(b.status, "5.") && b.action != "delayed"
		v.Reasons = append(v.Reasons, b.reasons...)
		matchBounce(&v, msg, b, m)
		return v
	}

	auto := autoReasons(msg, v.Subject)
	matchThread(&v, msg, m)
	if v.Ref.IsZero() {
		v.Kind = KindUnrelated
		v.Reasons = append(v.Reasons, auto...)
		if r, ok := ParseMessageID(v.MessageID); ok {
			v.because("this is our own %s notice for %s (a copy, not an answer)", r.Notice, r.Instance)
		}
		v.because("no In-Reply-To, References or subject of ours: unrelated")
		return v
	}
	if len(auto) > 0 {
		v.Kind = KindAutoReply
		v.Reasons = append(v.Reasons, auto...)
	} else {
		v.Kind = KindReply
		v.because("no sign of an automatic sender: a person's reply")
	}
	v.Text = truncateText(StripQuoted(bestText(msg)), maxText)
	return v
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

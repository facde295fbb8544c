package support

import (
	"bytes"
	"context"

	"github.com/openfoodfoundation/announce/internal/inbox"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailbox"
)

// reportParts are body parts that only reports and forwards carry: a message
// with one may be a bounce, whatever its header says.
var reportParts = map[string]bool{
	"multipart/report":               true,
	"message/delivery-status":        true,
	"message/global-delivery-status": true,
	"text/rfc822-headers":            true,
	"message/rfc822":                 true,
	"message/global":                 true,
}

// probeText is a sentence only bounces write (see inbox's bounce markers).
const probeText = "This is a permanent error.\r\n"

// needsBody tells from a message's summary whether its body must be fetched:
// when it may be a reply or an auto-reply of ours (the classifier ties it to
// a notice by its header alone: In-Reply-To, References, a subject of ours)
// or a bounce.
//
// For bounces it asks the classifier itself rather than repeat its rules: the
// header is classified with a body that holds a bounce's sentence (and no
// Content-Type, so that the sentence is read as text). The classifier calls
// that a bounce only when the header also looks like one (a mail system's
// From or a null sender, a bounce's subject, X-Failed-Recipients), so the
// answer is "possibly a bounce", exactly by the classifier's own rules.
func needsBody(s *mailbox.Summary, m *inbox.Matcher) bool {
	for _, p := range s.Parts {
		if reportParts[p] {
			return true
		}
	}
	h := withoutField(s.Header, "content-type")
	h = bytes.TrimRight(h, "\r\n")
	probe := make([]byte, 0, len(h)+len(probeText)+4)
	probe = append(append(append(probe, h...), "\r\n\r\n"...), probeText...)
	v := inbox.Classify(probe, inbox.Options{Matcher: m})
	return v.Kind == inbox.KindBounce || v.Kind == inbox.KindComplaint || !v.Ref.IsZero()
}

// untied records a message whose body is not needed by what its header
// says it is: a person's mail that answers no notice is listed in the
// digest ("also in the inbox", by sender, subject and date) and may be an
// unsubscribe request; the rest is counted. The classifier reads the header
// alone, with an empty body.
func (s *syncer) untied(ctx context.Context, rec ledger.InboxMessage, sum *mailbox.Summary) (ledger.InboxMessage, error) {
	h := bytes.TrimRight(withoutField(sum.Header, "content-type"), "\r\n")
	v := inbox.Classify(append(h, "\r\n\r\n"...), inbox.Options{Unsubscribe: s.opts.Unsubscribe})
	if v.Kind != inbox.KindReply && v.Kind != inbox.KindAutoReply {
		return rec, nil
	}
	rec.Kind, rec.MessageID, rec.Subject = string(v.Kind), v.MessageID, v.Subject
	rec.Address, rec.Sender = senderAddress(v.From), v.From
	if sum.From != "" && senderAddress(sum.From) == rec.Address {
		rec.Sender = sum.From
	}
	if !v.Date.IsZero() {
		rec.Date = v.Date
	}
	return rec, s.unsubscribe(ctx, &rec, v)
}

// withoutField returns header without the field name (lower case) and its
// continuation lines.
func withoutField(header []byte, name string) []byte {
	var out []byte
	skip := false
	for len(header) > 0 {
		line := header
		if i := bytes.IndexByte(header, '\n'); i >= 0 {
			line = header[:i+1]
		}
		header = header[len(line):]
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			if !skip {
				out = append(out, line...)
			}
			continue
		}
		skip = len(line) > len(name) && line[len(name)] == ':' && bytes.EqualFold(line[:len(name)], []byte(name))
		if !skip {
			out = append(out, line...)
		}
	}
	return out
}

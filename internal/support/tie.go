package support

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"github.com/openfoodfoundation/announce/internal/inbox"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailbox"
)

// classify classifies one whole message, ties it to the delivery it answers
// or returns, and applies a bounce, a complaint or an unsubscribe request
// to the suppression list.
func (s *syncer) classify(ctx context.Context, sum *mailbox.Summary, key string, raw []byte) (ledger.InboxMessage, error) {
	rec := s.base(sum, key)
	v := inbox.Classify(raw, inbox.Options{Matcher: s.opts.Matcher, Unsubscribe: s.opts.Unsubscribe})
	if v.Kind == inbox.KindOther {
		return rec, nil
	}
	if !v.Date.IsZero() {
		rec.Date = v.Date
	}
	rec.Kind, rec.Campaign, rec.Notice = string(v.Kind), v.Campaign, v.Notice
	rec.MessageID, rec.Sender, rec.Subject = v.MessageID, v.From, v.Subject
	if sum.From != "" && senderAddress(sum.From) == strings.ToLower(v.From) {
		rec.Sender = sum.From // with the name the classifier leaves out
	}
	var d ledger.Delivery
	var found bool
	if v.NoticeMessageID != "" {
		var err error
		if d, found, err = s.l.DeliveryByMessageID(ctx, v.NoticeMessageID); err != nil {
			return rec, err
		}
	}
	if v.Kind != inbox.KindBounce && v.Kind != inbox.KindComplaint {
		rec.Address = senderAddress(v.From)
		rec.Excerpt = v.Text
		rec.Locale = s.locale(ctx, d, found, rec.Address)
		return rec, s.unsubscribe(ctx, &rec, v)
	}

	rec.Permanent, rec.Status, rec.Diagnostic, rec.Reason = v.Permanent, v.Status, v.Diagnostic, string(v.Reason)
	rec.Address = strings.ToLower(v.Recipient)
	if rec.Address == "" && found {
		rec.Address = d.Recipient
	}
	if rec.Address != "" && !found {
		// Matched by its recipient alone: a bounce of one of our deliveries
		// that quotes nothing of ours.
		var err error
		if d, found, err = s.l.LatestDeliveryTo(ctx, s.opts.Instance, rec.Address); err != nil {
			return rec, err
		}
		if found && rec.Campaign == "" {
			rec.Campaign, rec.Notice = d.Campaign, d.Notice
		}
	}
	if v.Kind == inbox.KindComplaint && rec.Campaign != "" && rec.Address == "" {
		return rec, nil // a complaint about our notice with the address redacted (RFC 6590): counted, nobody to suppress
	}
	if rec.Campaign == "" || rec.Address == "" {
		// Neither our Message-ID, nor our subject, nor our recipient: the
		// bounce of somebody else's mail.
		unrelated := s.base(sum, key)
		return unrelated, nil
	}
	rec.Locale = s.locale(ctx, d, found, rec.Address)
	if forged, err := s.forged(ctx, v.NoticeMessageID, &rec); err != nil || forged {
		return rec, err
	}
	return rec, s.suppress(ctx, &rec)
}

// forged reports whether a bounce names an address its quoted Message-ID
// was never sent to, and lists it as suspicious then: anyone who got a
// notice knows a Message-ID and the support address, so such a bounce
// speaks for nobody and suppresses nobody. A Message-ID the ledger does not
// know at all is not judged (a ledger started afresh would otherwise ignore
// every bounce), nor is a bounce that quotes none.
func (s *syncer) forged(ctx context.Context, quoted string, rec *ledger.InboxMessage) (bool, error) {
	if quoted == "" {
		return false, nil
	}
	if _, known, err := s.l.DeliveryByMessageID(ctx, quoted); err != nil || !known {
		return false, err
	}
	ok, err := s.l.SentTo(ctx, quoted, rec.Address)
	if err != nil || ok {
		return false, err
	}
	s.res.Suspicious = append(s.res.Suspicious, Suppression{Address: rec.Address, Permanent: rec.Permanent,
		Reason: fmt.Sprintf("bounce quoting Message-ID <%s>, which the ledger has no delivery of to %s: not suppressed", strings.Trim(quoted, "<>"), rec.Address)})
	return true, nil
}

// locale is the locale the address was written in: that of the delivery the
// message answers, else of the latest delivery to the address, else what
// the recipients file says.
func (s *syncer) locale(ctx context.Context, d ledger.Delivery, found bool, addr string) string {
	if found && d.Locale != "" {
		return d.Locale
	}
	if addr == "" {
		return ""
	}
	if d, ok, err := s.l.LatestDeliveryTo(ctx, s.opts.Instance, addr); err == nil && ok && d.Locale != "" {
		return d.Locale
	}
	if s.opts.Locale != nil {
		return s.opts.Locale(addr)
	}
	return ""
}

// senderAddress is the bare address of a From as the classifier decoded it
// ("Name <addr>" or "addr").
func senderAddress(from string) string {
	if a, err := mail.ParseAddress(from); err == nil {
		return strings.ToLower(a.Address)
	}
	if i, j := strings.LastIndexByte(from, '<'), strings.LastIndexByte(from, '>'); i >= 0 && j > i {
		return strings.ToLower(strings.TrimSpace(from[i+1 : j]))
	}
	return strings.ToLower(strings.TrimSpace(from))
}

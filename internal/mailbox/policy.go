package mailbox

import (
	"context"
	"fmt"
	"time"

	"github.com/openfoodfoundation/announce/internal/inbox"
	"github.com/openfoodfoundation/announce/internal/ledger"
)

// repeats are rec's address's earlier bounces of repeat-policy reasons, in
// the ledger and in the batch being read, and whether rec's campaign is new
// among them. A bounce of another policy counts nothing.
func (s *syncer) repeats(ctx context.Context, rec *ledger.InboxMessage) (inbox.Repeats, bool, error) {
	if inbox.SuppressionPolicy(inbox.Reason(rec.Reason), rec.Permanent) != inbox.SuppressRepeated {
		return inbox.Repeats{}, true, nil
	}
	var reasons []string
	for _, r := range inbox.RepeatReasons() {
		reasons = append(reasons, string(r))
	}
	by, err := s.l.RepeatBounces(ctx, rec.Address, reasons)
	if err != nil {
		return inbox.Repeats{}, false, err
	}
	for k, n := range s.tempBounces {
		if k[1] == rec.Address {
			by[k[0]] += n
		}
	}
	var r inbox.Repeats
	for _, n := range by {
		r.Bounces += n
		r.Campaigns++
	}
	_, known := by[rec.Campaign]
	s.tempBounces[[2]string{rec.Campaign, rec.Address}]++
	return r, !known, nil
}

// unsubscribe puts the sender of an unsubscribe request (mail to the
// instance's unsubscribe_mailto, or with the subject "unsubscribe") on the
// suppression list.
func (s *syncer) unsubscribe(ctx context.Context, rec *ledger.InboxMessage, v inbox.Verdict) error {
	if !v.Unsubscribe || rec.Address == "" {
		return nil
	}
	already, err := s.l.IsSuppressed(ctx, rec.Address)
	if err != nil || already {
		return err
	}
	id := "<" + rec.MessageID + ">"
	if rec.MessageID == "" {
		id = "of " + rec.Date.UTC().Format(time.RFC3339)
	}
	reason := fmt.Sprintf("asked to unsubscribe by mail %s", id)
	if err := s.l.Suppress(ctx, rec.Address, reason, "unsubscribe"); err != nil {
		return err
	}
	rec.Suppressed = true
	s.res.Suppressed = append(s.res.Suppressed, Suppression{Address: rec.Address, Reason: reason, Permanent: true})
	return nil
}

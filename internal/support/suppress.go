package support

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/openfoodfoundation/announce/internal/inbox"
	"github.com/openfoodfoundation/announce/internal/ledger"
)

// suppression is what the suppression policy (inbox.DecideSuppression, by
// the bounce's reason) makes of one recorded bounce or complaint of a
// delivery of ours, with before its address's earlier repeats and isNew
// whether its campaign is new among them: whether to suppress, the reason
// the suppression list keeps, and its source (bounce or complaint). It
// reads nothing and writes nothing.
func suppression(rec *ledger.InboxMessage, before inbox.Repeats, isNew bool) (d inbox.Decision, reason, source string) {
	id := "<" + rec.MessageID + ">"
	if rec.MessageID == "" {
		id = "without Message-ID of " + rec.Date.UTC().Format(time.RFC3339)
	}
	d = inbox.DecideSuppression(inbox.Reason(rec.Reason), rec.Permanent || rec.Kind == ledger.InboxComplaint, before, isNew, statusText(rec))
	source = "bounce"
	if rec.Kind == ledger.InboxComplaint {
		source = "complaint"
	}
	return d, fmt.Sprintf("%s %s: %s", source, id, d.Why), source
}

func statusText(rec *ledger.InboxMessage) string {
	t := rec.Status
	if d := rec.Diagnostic; d != "" {
		if len(d) > 200 {
			d = d[:200] + "…"
		}
		t += " " + d
	}
	return strings.TrimSpace(t)
}

// suppress puts a bounced or complaining address on the suppression list
// as the policy says: at once for the recipient's permanent reasons and
// complaints, after repeats across campaigns for soft ones, never for ours.
// It runs before the bounce is recorded, and suppressing twice is harmless,
// so a Sync that dies in between loses nothing.
func (s *syncer) suppress(ctx context.Context, rec *ledger.InboxMessage) error {
	before, isNew, err := s.repeats(ctx, rec)
	if err != nil {
		return err
	}
	d, reason, source := suppression(rec, before, isNew)
	if !d.Suppress {
		return nil
	}
	already, err := s.l.IsSuppressed(ctx, rec.Address)
	if err != nil || already {
		return err
	}
	if err := s.l.Suppress(ctx, rec.Address, reason, source); err != nil {
		return err
	}
	rec.Suppressed = true
	s.res.Suppressed = append(s.res.Suppressed, Suppression{Address: rec.Address, Reason: reason, Permanent: d.Policy == inbox.SuppressNow})
	return nil
}

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

// PolicyHelp says, for the digest's --help, what the suppression policy does
// with what the digest reads; its counts are inbox's own.
var PolicyHelp = fmt.Sprintf(`A bounce suppresses its
address by its reason: at once for an unknown user or domain or a disabled mailbox, after
%d bounces in %d campaigns for a full mailbox and other soft reasons, never for a reason of
ours (SPF, DKIM, DMARC, a block list, content judged spam), which the digest shows first
as a problem of ours, with the server's reply. A spam complaint (ARF) and a mail to the
unsubscribe_mailto suppress the sender. Mail from people that answers no notice is
listed under "also in the inbox".`, inbox.RepeatBounces, inbox.RepeatCampaigns)

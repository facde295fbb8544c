package support

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/openfoodfoundation/announce/internal/ledger"
)

// Bounce is what the suppression policy knows of one bounce of a delivery
// of ours.
type Bounce struct {
	Address   string // the failed recipient
	Campaign  string
	MessageID string    // the bounce's own, without angle brackets; may be empty
	Date      time.Time // the bounce's
	Permanent bool
	// Status and Diagnostic are the RFC 3463 status and the server's words.
	Status, Diagnostic string
	// TempBounces, for a temporary bounce, is how many temporary bounces of
	// Address in Campaign were read so far, this one included (zero for a
	// permanent one: not counted).
	TempBounces int
}

// suppressionPolicy decides whether a bounce puts its address on the
// suppression list, and with what reason: a permanent bounce at once; a
// temporary one when it is the limit-th of the address in the campaign. It
// is the one place that rule lives: it reads nothing and writes nothing.
func suppressionPolicy(b Bounce, limit int) (reason string, suppress bool) {
	id := "<" + b.MessageID + ">"
	if b.MessageID == "" {
		id = "without Message-ID of " + b.Date.UTC().Format(time.RFC3339)
	}
	if b.Permanent {
		return fmt.Sprintf("bounce %s: %s", id, b.statusText()), true
	}
	if b.TempBounces < limit {
		return "", false
	}
	return fmt.Sprintf("%d temporary bounces in %s, the last %s: %s", b.TempBounces, b.Campaign, id, b.statusText()), true
}

func (b Bounce) statusText() string {
	t := b.Status
	if d := b.Diagnostic; d != "" {
		if len(d) > 200 {
			d = d[:200] + "…"
		}
		t += " " + d
	}
	return strings.TrimSpace(t)
}

// suppress applies the suppression policy to a bounce about to be recorded.
// It runs before the bounce is recorded, and suppressing twice is harmless,
// so a Sync that dies in between loses nothing.
func (s *syncer) suppress(ctx context.Context, rec *ledger.InboxMessage) error {
	b := Bounce{Address: rec.Address, Campaign: rec.Campaign, MessageID: rec.MessageID, Date: rec.Date,
		Permanent: rec.Permanent, Status: rec.Status, Diagnostic: rec.Diagnostic}
	if !rec.Permanent {
		k := [2]string{rec.Campaign, rec.Address}
		s.tempBounces[k]++
		n, err := s.l.TempBounces(ctx, rec.Campaign, rec.Address)
		if err != nil {
			return err
		}
		b.TempBounces = n + s.tempBounces[k]
	}
	reason, ok := suppressionPolicy(b, s.opts.TempBounceLimit)
	if !ok {
		return nil
	}
	already, err := s.l.IsSuppressed(ctx, rec.Address)
	if err != nil || already {
		return err
	}
	if err := s.l.Suppress(ctx, rec.Address, reason, "bounce"); err != nil {
		return err
	}
	rec.Suppressed = true
	s.res.Suppressed = append(s.res.Suppressed, Suppression{Address: rec.Address, Reason: reason, Permanent: rec.Permanent})
	return nil
}

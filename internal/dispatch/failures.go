package dispatch

import (
	"context"

	"github.com/openfoodfoundation/announce/internal/ledger"
)

// Scope names the deliveries of a campaign a command looks at: one
// instance ("" or "all": every one) and one notice key ("": every one).
type Scope struct {
	Campaign, Instance, Notice string
}

func (s Scope) ledger() ledger.Scope {
	ls := ledger.Scope{Campaign: s.Campaign, Notice: s.Notice}
	if s.Instance != "all" {
		ls.Instance = s.Instance
	}
	return ls
}

// Failures lists the failed deliveries in s with the server's last reply
// (status --failed): temporary ones the next run retries, permanent ones
// only after RetryFailed.
func Failures(ctx context.Context, l *ledger.Ledger, s Scope) ([]ledger.Failure, error) {
	if l == nil {
		return nil, nil // no ledger: nothing was sent, nothing failed
	}
	return l.Failures(ctx, s.ledger())
}

// UncertainMessages lists the messages held as uncertain in s: sent in full with
// no reply to their end, or in flight at repeated crashes (ledger.HoldAfter).
// A send sends them again only with ExecOptions.ResendUncertain.
func UncertainMessages(ctx context.Context, l *ledger.Ledger, s Scope) ([]ledger.Failure, error) {
	if l == nil {
		return nil, nil
	}
	return l.Uncertain(ctx, s.ledger())
}

// RetryFailed makes the permanent failures in s sendable again, keeping
// their Message-IDs (retry --failed: the cause was fixed), and returns how
// many. Nothing is sent: the next send of the notice tries them.
func RetryFailed(ctx context.Context, l *ledger.Ledger, s Scope) (int, error) {
	return l.RetryFailed(ctx, s.ledger())
}

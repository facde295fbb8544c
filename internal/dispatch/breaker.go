package dispatch

import (
	"context"
	"errors"
	"sync"

	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailer"
)

// errHeld: the breaker holds the outcome back until it knows whether the
// failure was the recipient's or the server's.
var errHeld = errors.New("outcome held by the circuit breaker")

// breaker is the circuit breaker of one Send: the same refusal (its Shape:
// code and text, addresses aside) for BreakAfter recipients in a row, across
// workers, is the server refusing everyone (a relay that refuses every
// RCPT), not that many bad addresses. It stops the run as server-wide.
//
// Each failure of a streak is recorded at once as temporary, so that a crash
// leaves it to be retried, never marked permanent for the server's fault;
// its verdict (and its count in the summary) follows when the streak ends
// with another reply or a success. A trip gives every row of the streak
// back as pending. Replies that name the mailbox itself (user unknown,
// mailbox full) never count: a block of dead addresses is just that.
type breaker struct {
	n      int // 0: off
	l      *ledger.Ledger
	server string
	record func(Outcome)

	mu      sync.Mutex
	shape   string
	held    []heldFailure
	tripped *ServerError
}

type heldFailure struct {
	key       ledger.Key
	out       Outcome
	permanent bool
}

func newBreaker(o SendOptions) *breaker {
	n := o.BreakAfter
	switch {
	case n == 0:
		n = DefaultBreakAfter
	case n < 0:
		n = 0
	}
	return &breaker{n: n, l: o.Ledger, server: o.Server}
}

// failed deals with one recipient's failure: it returns the outcome to
// record now, errHeld when the breaker keeps it for later, or the
// *ServerError that stops the run.
func (b *breaker) failed(ctx context.Context, k ledger.Key, out Outcome, se *mailer.SendError) (Outcome, error) {
	counts := b.n > 0 && se.Code != 0 && !se.AboutMailbox()
	// Temporary for now, whatever the reply: see the type's comment.
	if err := b.l.MarkFailed(ctx, k, se.Permanent && !counts, out.Reply); err != nil && !errors.Is(err, ledger.ErrAlreadySent) {
		return Outcome{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tripped != nil && se.Shape() == b.tripped.Err.Shape() {
		// A worker's message in flight when the breaker tripped.
		return Outcome{}, errors.Join(errHeld, b.l.Unfail(ctx, []ledger.Key{k}))
	}
	if !counts {
		if err := b.flush(ctx); err != nil {
			return Outcome{}, err
		}
		return out, nil
	}
	if se.Shape() != b.shape {
		if err := b.flush(ctx); err != nil {
			return Outcome{}, err
		}
		b.shape = se.Shape()
	}
	b.held = append(b.held, heldFailure{key: k, out: out, permanent: se.Permanent})
	if len(b.held) < b.n {
		return Outcome{}, errHeld
	}
	keys := make([]ledger.Key, len(b.held))
	for i, h := range b.held {
		keys[i] = h.key
	}
	b.tripped = &ServerError{Server: b.server, Err: se, Consecutive: len(b.held)}
	b.held, b.shape = nil, ""
	if err := b.l.Unfail(ctx, keys); err != nil {
		return Outcome{}, errors.Join(b.tripped, err)
	}
	return Outcome{}, b.tripped
}

// reset ends a streak: a recipient was accepted.
func (b *breaker) reset(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.held) == 0 {
		return nil
	}
	return b.flush(ctx)
}

// finish gives the verdicts of a streak the run ended in without tripping.
func (b *breaker) finish(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tripped != nil {
		return nil
	}
	return b.flush(ctx)
}

func (b *breaker) recordNow(out Outcome) { b.record(out) }

// flush records the held failures as what they were. b.mu is held.
func (b *breaker) flush(ctx context.Context) error {
	held := b.held
	b.held, b.shape = nil, ""
	for _, h := range held {
		if h.permanent {
			if err := b.l.MarkFailed(ctx, h.key, true, h.out.Reply); err != nil && !errors.Is(err, ledger.ErrAlreadySent) {
				return err
			}
		}
		b.record(h.out)
	}
	return nil
}

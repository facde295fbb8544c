package ledger

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
)

// TestClaimConcurrent races two Ledgers on one file, each with its own
// connection as two processes would have, and many goroutines per Ledger
// over the same keys: every key must be claimed exactly once.
func TestClaimConcurrent(t *testing.T) {
	const (
		nKeys     = 500
		perLedger = 8
	)
	ctx := context.Background()
	l1, path := openTest(t)
	l2 := reopen(t, path)
	keys := testKeys(nKeys)
	enqueue(t, l1, keys...)

	var claims [nKeys]atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 2*perLedger)
	for li, l := range []*Ledger{l1, l2} {
		o := newOwner(t) // one run per "process"
		for g := range perLedger {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(li), uint64(g)))
				for _, i := range r.Perm(nKeys) {
					_, err := l.Claim(ctx, keys[i], o)
					switch {
					case err == nil:
						claims[i].Add(1)
						// Half are finished, half left in flight: both
						// must keep the others off.
						if i%2 == 0 {
							if err := l.MarkSent(ctx, keys[i], "250 ok"); err != nil {
								errs <- err
								return
							}
						}
					case errors.Is(err, ErrClaimedByOther), errors.Is(err, ErrAlreadySent):
					default:
						errs <- err
						return
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := range claims {
		if n := claims[i].Load(); n != 1 {
			t.Errorf("%s claimed %d times, want 1", keys[i], n)
		}
	}
	c, err := l2.Counts(ctx, Scope{})
	if want := (Counts{Sending: nKeys / 2, Sent: nKeys / 2}); err != nil || c != want {
		t.Errorf("Counts = %+v, %v, want %+v", c, err, want)
	}
}

// Package backoff holds the retry wait shared by the SMTP and Discourse
// clients: exponential with full jitter, and a sleep that ends with ctx.
package backoff

import (
	"context"
	"time"
)

// FullJitter is the wait after the n-th failed attempt (n ≥ 1): uniform in
// [0, min(max, base·2^(n-1))], so that clients that failed together (a
// server restart) do not come back together. randN(k) returns a number in
// [0, k).
func FullJitter(n int, base, max time.Duration, randN func(int64) int64) time.Duration {
	ceiling := max
	if n-1 < 62 && base <= max>>(n-1) {
		ceiling = base << (n - 1)
	}
	return time.Duration(randN(int64(ceiling) + 1))
}

// Sleep waits d or until ctx is done, whichever is first.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

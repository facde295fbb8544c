package mailer

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter caps how fast one instance's messages go out, across all the
// workers that share it: relays such as Gmail or SES limit messages per
// second and per hour. Each attempt takes one slot, retries included, so the
// relay never sees more than the caps, whatever it counts.
//
// Per second it is a token bucket (golang.org/x/time/rate) holding one
// token: messages are evenly spaced, 1/perSecond apart, so no rolling second
// has more than perSecond of them.
//
// Per hour it is a sliding log of the last perHour release times: a message
// is released no sooner than an hour after the one perHour places before it.
// So no rolling hour ever holds more than perHour messages, and yet a
// campaign can use the whole allowance at once and then the full hourly rate.
// (A token bucket of burst b refilling (perHour−b)/hour would have to give
// up one or the other.) The log costs 24 bytes per message of perHour.
//
// A Wait cut short by its context keeps its slot: the limiter errs on the
// side of sending less.
type Limiter struct {
	second  *rate.Limiter // nil: no per-second cap
	perHour int           // 0: no hourly cap

	mu   sync.Mutex
	log  []time.Time // release times, a ring once it holds perHour
	next int         // the oldest entry once the ring is full

	// Injected by tests.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// NewLimiter caps messages per second and per hour; zero (or less) means no
// cap of that kind. A nil *Limiter does not limit.
func NewLimiter(perSecond float64, perHour int) *Limiter {
	l := &Limiter{perHour: max(perHour, 0), now: time.Now, sleep: sleep}
	if perSecond > 0 {
		l.second = rate.NewLimiter(rate.Limit(perSecond), 1)
	}
	return l
}

// Wait blocks until the next message may go, or ctx is done.
func (l *Limiter) Wait(ctx context.Context) error {
	if l == nil || (l.second == nil && l.perHour == 0) {
		return nil
	}
	l.mu.Lock()
	now := l.now()
	at := now
	if l.perHour > 0 && len(l.log) == l.perHour {
		if t := l.log[l.next].Add(time.Hour); t.After(at) {
			at = t
		}
	}
	if l.second != nil {
		// The times given to the bucket never go back: now does not, and
		// neither do the hourly log's entries.
		at = at.Add(l.second.ReserveN(at, 1).DelayFrom(at))
	}
	if l.perHour > 0 {
		if len(l.log) < l.perHour {
			l.log = append(l.log, at)
		} else {
			l.log[l.next] = at
			l.next = (l.next + 1) % l.perHour
		}
	}
	l.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return l.sleep(ctx, d)
	}
	return nil
}

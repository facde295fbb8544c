package mailer

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

// fakeClock stands still until someone sleeps on it; a sleep moves it on.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func fakeLimiter(perSecond float64, perHour int) (*Limiter, *fakeClock) {
	clock := &fakeClock{now: time.Date(2019, 5, 7, 9, 0, 0, 0, time.UTC)}
	l := NewLimiter(perSecond, perHour)
	l.now, l.sleep = clock.Now, clock.Sleep
	return l, clock
}

// maxInWindow is the most of times (sorted) that fall in any half-open
// window [t, t+w).
func maxInWindow(times []time.Time, w time.Duration) int {
	most := 0
	for i := range times {
		j := i
		for j < len(times) && times[j].Sub(times[i]) < w {
			j++
		}
		most = max(most, j-i)
	}
	return most
}

// One worker waits over and over: the release times keep to both caps, and
// use them fully.
func TestLimiterAlone(t *testing.T) {
	tests := []struct {
		name      string
		perSecond float64
		perHour   int
		n         int
		// The last release, counted from the first.
		lastAfter time.Duration
	}{
		{name: "10 per second", perSecond: 10, n: 25, lastAfter: 2400 * time.Millisecond},
		{name: "half a message per second", perSecond: 0.5, n: 4, lastAfter: 6 * time.Second},
		{name: "5 per hour: a burst of 5 each hour", perHour: 5, n: 12, lastAfter: 2 * time.Hour},
		{name: "both", perSecond: 2, perHour: 5, n: 11, lastAfter: 2 * time.Hour},
		{name: "no caps", n: 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, clock := fakeLimiter(tt.perSecond, tt.perHour)
			var times []time.Time
			for range tt.n {
				if err := l.Wait(t.Context()); err != nil {
					t.Fatal(err)
				}
				times = append(times, clock.Now())
			}
			if got := times[len(times)-1].Sub(times[0]); got != tt.lastAfter {
				t.Errorf("last release %s after the first, want %s", got, tt.lastAfter)
			}
			if tt.perSecond >= 1 {
				if got := maxInWindow(times, time.Second); got > int(tt.perSecond) {
					t.Errorf("%d releases in one second, cap %v", got, tt.perSecond)
				}
			}
			if tt.perHour > 0 {
				if got := maxInWindow(times, time.Hour); got != tt.perHour {
					t.Errorf("at most %d releases in an hour, want exactly the cap %d", got, tt.perHour)
				}
			}
		})
	}
}

// Workers share one Limiter: between them they keep to the caps. Here the
// clock stands still and each Wait reports the time it would release at.
func TestLimiterShared(t *testing.T) {
	const workers, each, perSecond, perHour = 4, 30, 5, 40
	l, clock := fakeLimiter(perSecond, perHour)
	var mu sync.Mutex
	var times []time.Time
	l.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		times = append(times, clock.Now().Add(d))
		mu.Unlock()
		return nil
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				if err := l.Wait(t.Context()); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	// The first release does not sleep.
	times = append(times, clock.Now())
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	if len(times) != workers*each {
		t.Fatalf("%d releases, want %d", len(times), workers*each)
	}
	if got := maxInWindow(times, time.Second); got > perSecond {
		t.Errorf("%d releases in one second, cap %d", got, perSecond)
	}
	if got := maxInWindow(times, time.Hour); got > perHour {
		t.Errorf("%d releases in one hour, cap %d", got, perHour)
	}
}

func TestLimiterContext(t *testing.T) {
	l := NewLimiter(0, 1) // the real clock: the second Wait would take an hour
	if err := l.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Millisecond)
	defer cancel()
	if err := l.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v, want the context's error", err)
	}
	var none *Limiter
	if err := none.Wait(t.Context()); err != nil {
		t.Errorf("nil Limiter: Wait = %v", err)
	}
}

// Every attempt, retries included, waits for the Limiter.
func TestClientWaitsForLimiter(t *testing.T) {
	opts := mailertest.Options{TLS: mailertest.NoTLS, RcptTempFailures: 1}
	srv := mailertest.Start(t, opts)
	l, clock := fakeLimiter(2, 0)
	start := clock.Now()
	h := &harness{}
	c := NewClient(serverConfig(srv, opts), h.options(), WithLimiter(l))
	defer c.Close()
	for i := range 3 {
		rcpt, m := notice(t, i)
		if _, err := c.Send(t.Context(), "", rcpt, m); err != nil {
			t.Fatal(err)
		}
	}
	// 4 attempts at 2 per second: released at 0, 0.5, 1 and 1.5s.
	if got := clock.Now().Sub(start); got != 1500*time.Millisecond {
		t.Errorf("limiter time passed = %s, want 1.5s", got)
	}
}

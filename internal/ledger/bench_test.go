package ledger

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// benchSenders is the SMTP pool size the sender is specified for.
const benchSenders = 4

// BenchmarkClaimMarkSent is the ledger's cost per message: benchSenders
// goroutines each Claim and MarkSent one message after another.
// Run with -benchtime=10000x for the 10,000 keys of the target.
func BenchmarkClaimMarkSent(b *testing.B) {
	ctx := context.Background()
	l, _ := openTest(b)
	o := newOwner(b)
	keys := testKeys(b.N)
	enqueue(b, l, keys...)

	b.ResetTimer()
	runSenders(b, len(keys), func(i int) error {
		if _, err := l.Claim(ctx, keys[i], o); err != nil {
			return err
		}
		return l.MarkSent(ctx, keys[i], "250 2.0.0 Ok: queued as 4F2B81C0A2")
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkClaimSent is the cost of a rerun skipping what is already sent.
func BenchmarkClaimSent(b *testing.B) {
	ctx := context.Background()
	l, _ := openTest(b)
	o := newOwner(b)
	keys := testKeys(b.N)
	enqueue(b, l, keys...)
	for _, k := range keys {
		mustDoB(b, l.MarkSent(ctx, k, "250 ok"))
	}

	b.ResetTimer()
	runSenders(b, len(keys), func(i int) error {
		if _, err := l.Claim(ctx, keys[i], o); !errors.Is(err, ErrAlreadySent) {
			return fmt.Errorf("Claim of a sent key: %v, want ErrAlreadySent", err)
		}
		return nil
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "keys/s")
}

// BenchmarkEnqueue is the cost of recording a campaign's deliveries.
func BenchmarkEnqueue(b *testing.B) {
	l, _ := openTest(b)
	keys := testKeys(b.N)
	items := make([]Item, len(keys))
	for i, k := range keys {
		items[i] = Item{Key: k, Locale: "en", MessageID: messageID(k)}
	}
	b.ResetTimer()
	if _, err := l.Enqueue(context.Background(), items); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// runSenders calls f for 0..n-1 from benchSenders goroutines.
func runSenders(b *testing.B, n int, f func(i int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	for range benchSenders {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { b.Error(err) })
					return
				}
			}
		})
	}
	wg.Wait()
}

func mustDoB(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

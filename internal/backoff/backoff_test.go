package backoff

import (
	"context"
	"testing"
	"time"
)

func TestFullJitterCeiling(t *testing.T) {
	top := func(k int64) int64 { return k - 1 } // always the largest wait
	tests := []struct {
		n    int
		want time.Duration
	}{
		{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {7, time.Minute}, {100, time.Minute},
	}
	for _, tt := range tests {
		if got := FullJitter(tt.n, time.Second, time.Minute, top); got != tt.want {
			t.Errorf("FullJitter(%d) ceiling = %v, want %v", tt.n, got, tt.want)
		}
	}
	if got := FullJitter(3, time.Second, time.Minute, func(int64) int64 { return 0 }); got != 0 {
		t.Errorf("FullJitter floor = %v, want 0", got)
	}
}

func TestSleepEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); err != context.Canceled {
		t.Errorf("Sleep on a done ctx = %v, want context.Canceled", err)
	}
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Sleep = %v", err)
	}
}

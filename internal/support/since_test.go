package support

import (
	"testing"
	"time"
)

func TestParseSince(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "90m": 90 * time.Minute} {
		if got, err := ParseSince(in); err != nil || got != want {
			t.Errorf("ParseSince(%q) = %v, %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0d", "-1h", "d", "1w"} {
		if _, err := ParseSince(in); err == nil {
			t.Errorf("ParseSince(%q) succeeded", in)
		}
	}
}

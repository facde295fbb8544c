package config

import (
	"strings"
	"testing"
	"time"
)

// data_timeout and break_after: defaults, and what is refused.
func TestSMTPDeliveryKeys(t *testing.T) {
	in, err := LoadInstances(write(t, "instances.toml", goodInstances))
	if err != nil {
		t.Fatal(err)
	}
	if s := in.Instances["katuma"].SMTP; s.DataTimeout.Duration != 10*time.Minute || s.BreakAfter != 10 {
		t.Errorf("defaults: data_timeout %s, break_after %d; want 10m and 10", s.DataTimeout.Duration, s.BreakAfter)
	}
	for _, tt := range []struct{ add, want string }{
		{"data_timeout = \"10ms\"", "data_timeout: 10ms is too short"},
		{"data_timeout = \"-5s\"", "data_timeout: negative duration"},
		{"break_after = -2", "break_after: must be at least 1, or -1 for never"},
		{"break_after = -1", ""},
		{"data_timeout = \"15m\"\nbreak_after = 3", ""},
	} {
		_, err := LoadInstances(write(t, "instances.toml", goodInstances+tt.add+"\n"))
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%q: err = %v, want %q", tt.add, err, tt.want)
		}
	}
}

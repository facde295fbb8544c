package progress

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/dispatch"
)

// Without a terminal a send logs a line every 5 seconds, with the counts,
// the rate and what remains.
func TestLogLines(t *testing.T) {
	var logs bytes.Buffer
	at := time.Date(2019, 5, 7, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	p := New(io.Discard, false, 4, "katuma", "start", slog.New(slog.NewTextHandler(&logs, nil)), now)
	for i, r := range []dispatch.Result{dispatch.Sent, dispatch.FailedTemp, dispatch.Sent, dispatch.Sent} {
		at = at.Add(2 * time.Second)
		p.Add(dispatch.Outcome{Result: r})
		if i == 1 && logs.Len() != 0 {
			t.Errorf("logged after 4 s: %s", logs.String())
		}
	}
	p.Finish()
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("log lines:\n%s\nwant one (6 s of 8)", logs.String())
	}
	for _, want := range []string{"msg=sending", "instance=katuma", "notice=start", "sent=2", "failed=1", "remaining=1", "rate_per_s=0.3", "eta=3s"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("log line %q lacks %s", lines[0], want)
		}
	}
}

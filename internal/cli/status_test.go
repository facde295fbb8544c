package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

func TestStatus(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS, Reject: []string{"tom@example.test"}})
	state := dueSandbox(t, srv)
	if code, out, errs := runCLI(t, "due", "--now", "2019-05-06T12:00:00Z", "--state", state, "--instance", "katuma"); code != 1 {
		t.Fatalf("due: exit %d (want 1: one permanent failure)\n%s%s", code, out, errs)
	}
	code, stdout, stderr := runCLI(t, "status", "--now", "2019-05-06T12:00:00Z", "--state", state, "--instance", "katuma", "--format", "json")
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, stderr)
	}
	got := map[string]dispatch.NoticeStatus{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var s dispatch.NoticeStatus
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			t.Fatalf("status line %q: %v", line, err)
		}
		got[s.Notice] = s
	}
	tests := []struct {
		notice, state, dueLocal string
		sent, failed            int
	}{
		{"announce", "expired", "Tue 2019-04-30 09:00 CEST", 0, 0},
		{"reminder", "sent", "Mon 2019-05-06 09:00 CEST", 12, 1},
		{"start", "waiting", "Tue 2019-05-07 09:00 CEST", 0, 0},
		{"done", "waiting", "Tue 2019-05-07 12:00 CEST", 0, 0},
	}
	for _, tt := range tests {
		s := got[tt.notice]
		if s.State != tt.state || s.DueLocal != tt.dueLocal || s.Sent != tt.sent || s.Failed != tt.failed {
			t.Errorf("%s = %+v, want state %s, due %s, %d sent, %d failed", tt.notice, s, tt.state, tt.dueLocal, tt.sent, tt.failed)
		}
	}
	if got["reminder"].DueUTC.Format("15:04") != "07:00" {
		t.Errorf("reminder due UTC = %v, want 07:00Z", got["reminder"].DueUTC)
	}
	code, text, _ := runCLI(t, "status", "--now", "2019-05-06T12:00:00Z", "--state", state, "--instance", "katuma")
	if code != 0 || !strings.Contains(text, "katuma    reminder  Mon 2019-05-06 09:00 CEST  2019-05-06 07:00Z  sent") {
		t.Errorf("text status:\n%s", text)
	}
}

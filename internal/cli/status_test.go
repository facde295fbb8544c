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

// Secrets come from the environment or a file; errors name the variable or
// file, and the value never shows.
func TestSecrets(t *testing.T) {
	dir := t.TempDir()
	env := &Env{Getenv: func(k string) string {
		if k == "SET" {
			return "s3cret-value"
		}
		return ""
	}}
	tests := []struct {
		name    string
		env     string
		file    string
		content string
		want    string
		wantErr string
	}{
		{"from env", "SET", "", "", "s3cret-value", ""},
		{"env unset", "UNSET", "", "", "", "katuma smtp password: environment variable UNSET is not set"},
		{"from file, newline trimmed", "", dir + "/pw", "s3cret-file\n", "s3cret-file", ""},
		{"file missing", "", dir + "/nope", "", "", "katuma smtp password: read " + dir + "/nope: no such file or directory"},
		{"file empty", "", dir + "/empty", "\n", "", "katuma smtp password: " + dir + "/empty is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.content != "" {
				writeFile(t, tt.file, tt.content)
			}
			got, err := resolveSecret(env, "katuma smtp password", secretOf(tt.env, tt.file))
			if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && err.Error() != tt.wantErr) {
				t.Errorf("resolveSecret = %q, %v; want %q, %q", got, err, tt.want, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}
}

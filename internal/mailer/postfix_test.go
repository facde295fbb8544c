package mailer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openfoodfoundation/announce/internal/mailstack"
)

// Real Postfix refuses a sender the way relays do — at RCPT TO (its
// default, smtpd_delay_reject = yes) and at DATA — and SendError calls both
// server-wide. testdata/mailstack/main.cf refuses the two senders used here.
func TestPostfixSenderRefusals(t *testing.T) {
	st := mailstack.Load(t)
	cf, err := os.ReadFile(filepath.Join(st.Dir, "postfix", "main.cf"))
	if err != nil || !strings.Contains(string(cf), "refused-sender@katuma.test") {
		msg := "the running mail stack was started before testdata/mailstack/main.cf refused test senders; restart it"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	c := NewClient(Config{Host: st.SMTPHost, Port: st.SMTPPlainPort, TLS: "none", HELO: "client.test"})
	defer c.Close()
	rcpt, m := notice(t, 1)
	rcpt = st.UniqueAddress(t, "example.test")
	tests := []struct {
		from, stage, reply string
		code               int
	}{
		{"refused-sender@katuma.test", "RCPT TO", "553 5.7.1 <refused-sender@katuma.test>: Sender address rejected: not owned by user", 553},
		{"refused-at-data@katuma.test", "DATA", "sender refused at DATA", 550},
	}
	for _, tt := range tests {
		_, err := c.Send(t.Context(), tt.from, rcpt, m)
		var se *SendError
		if !errors.As(err, &se) || se.Stage != tt.stage || se.Code != tt.code || !strings.Contains(se.Reply, tt.reply) || !se.ServerWide() {
			t.Errorf("Send from %s = %v (%+v); want a server-wide %d at %s with %q", tt.from, err, se, tt.code, tt.stage, tt.reply)
		}
	}
	if _, err := c.Send(t.Context(), "bounces@katuma.test", rcpt, m); err != nil {
		t.Errorf("Send from an allowed sender: %v", err)
	}
}

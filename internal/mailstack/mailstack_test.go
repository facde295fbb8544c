package mailstack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/textproto"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wneessen/go-mail"
)

func TestParseEnv(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want map[string]string
	}{
		{"plain", "A=1\nB=two\n", map[string]string{"A": "1", "B": "two"}},
		{"comments and blanks", "# start.sh\n\nA=1\n  # indented\n", map[string]string{"A": "1"}},
		{"single quotes", "SEP='*'\nCMD='doveadm -c /x/dovecot.conf'\n", map[string]string{"SEP": "*", "CMD": "doveadm -c /x/dovecot.conf"}},
		{"empty value", "A=\n", map[string]string{"A": ""}},
		{"equals in value", "A=b=c\n", map[string]string{"A": "b=c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseEnv(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("parseEnv(%q): %v", tt.in, err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("parseEnv(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseEnvRejectsLineWithoutKey(t *testing.T) {
	for _, in := range []string{"no equals sign\n", "=value\n"} {
		if got, err := parseEnv(strings.NewReader(in)); err == nil {
			t.Errorf("parseEnv(%q) = %v, want error", in, got)
		}
	}
}

func TestFromEnvReportsEveryMissingKey(t *testing.T) {
	_, err := fromEnv(map[string]string{"ANNOUNCE_TEST_SMTP_PORT": "x"})
	if err == nil {
		t.Fatal("fromEnv(almost empty) succeeded, want error")
	}
	for _, want := range []string{"ANNOUNCE_TEST_SMTP_HOST is missing", `ANNOUNCE_TEST_SMTP_PORT="x" is not a port`, "ANNOUNCE_TEST_CA_FILE is missing"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("fromEnv(almost empty) error = %q, want it to contain %q", err, want)
		}
	}
}

// newSubmissionClient returns a go-mail client for the submission port that
// insists on STARTTLS verified against the stack's CA, then AUTH PLAIN.
func newSubmissionClient(t *testing.T, s *Stack, password string) *mail.Client {
	t.Helper()
	c, err := mail.NewClient(s.SMTPHost,
		mail.WithPort(s.SMTPPort),
		mail.WithTLSPolicy(mail.TLSMandatory),
		mail.WithTLSConfig(s.TLSConfig()),
		mail.WithSMTPAuth(mail.SMTPAuthPlain),
		mail.WithUsername(s.SMTPUser),
		mail.WithPassword(password),
		mail.WithTimeout(10*time.Second),
	)
	if err != nil {
		t.Fatalf("mail.NewClient: %v", err)
	}
	return c
}

func TestSubmissionDeliversToIMAP(t *testing.T) {
	s := Load(t)
	const rcpt = "someone@katuma.test"
	// The mailbox keeps earlier runs' mail: look for this run's token.
	token := fmt.Sprintf("token-%d", time.Now().UnixNano())

	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := m.From(s.SMTPUser); err != nil {
		t.Fatal(err)
	}
	if err := m.To(rcpt); err != nil {
		t.Fatal(err)
	}
	m.Subject("mailstack self-test " + token)
	m.SetBodyString(mail.TypeTextPlain, "Maintenance tonight. "+token+"\n")

	c := newSubmissionClient(t, s, s.SMTPPassword)
	if err := c.DialAndSendWithContext(t.Context(), m); err != nil {
		t.Fatalf("send to %s via %s: %v", rcpt, s.SubmissionAddr(), err)
	}

	raw := s.WaitForMessage(t, rcpt, func(raw []byte) bool { return bytes.Contains(raw, []byte(token)) })
	if !bytes.Contains(raw, []byte("Maintenance tonight. "+token)) {
		t.Errorf("delivered message lacks the body %q:\n%s", "Maintenance tonight. "+token, raw)
	}

	msgs, err := s.Messages(t.Context(), rcpt)
	if err != nil {
		t.Fatalf("Messages(%s): %v", rcpt, err)
	}
	if !slices.ContainsFunc(msgs, func(m []byte) bool { return bytes.Equal(m, raw) }) {
		t.Errorf("Messages(%s) = %d messages, want one equal to the delivered message", rcpt, len(msgs))
	}
}

func TestWaitForMessageGivesUpWhenNothingArrives(t *testing.T) {
	s := Load(t)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	raw, err := s.waitForMessage(ctx, s.UniqueAddress(t, "katuma.test"), func([]byte) bool { return true })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waitForMessage(empty mailbox) = %q, %v; want context.DeadlineExceeded", raw, err)
	}
}

func TestSubmissionRejectsWrongPassword(t *testing.T) {
	s := Load(t)
	c := newSubmissionClient(t, s, "not-"+s.SMTPPassword)
	err := c.DialWithContext(t.Context())
	if err == nil {
		c.Close()
		t.Fatal("SMTP AUTH with a wrong password succeeded, want 535")
	}
	var perr *textproto.Error
	if !errors.As(err, &perr) || perr.Code != 535 {
		t.Errorf("SMTP AUTH with a wrong password: error %v, want a 535 *textproto.Error", err)
	}
}

func TestPlainPortRoutesOnlyTestDomains(t *testing.T) {
	s := Load(t)
	c, err := mail.NewClient(s.SMTPHost,
		mail.WithPort(s.SMTPPlainPort),
		mail.WithTLSPolicy(mail.NoTLS),
		mail.WithTimeout(10*time.Second),
	)
	if err != nil {
		t.Fatalf("mail.NewClient: %v", err)
	}
	tests := []struct {
		domain    string
		delivered bool
	}{
		{"katuma.test", true},
		{"example.test", true},
		{"deep.sub.test", true},
		{"foo.example", true},
		{"example.com", false},
		{"localhost", false},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			rcpt := s.UniqueAddress(t, tt.domain)
			m := mail.NewMsg(mail.WithNoDefaultUserAgent())
			if err := m.From(s.SMTPUser); err != nil {
				t.Fatal(err)
			}
			if err := m.To(rcpt); err != nil {
				t.Fatal(err)
			}
			m.Subject("routing " + rcpt)
			m.SetBodyString(mail.TypeTextPlain, "routing test\n")
			err := c.DialAndSendWithContext(t.Context(), m)
			if !tt.delivered {
				// Refused at RCPT, permanently: nothing leaves the machine.
				var serr *mail.SendError
				if !errors.As(err, &serr) || serr.Reason != mail.ErrSMTPRcptTo || serr.IsTemp() {
					t.Fatalf("send to %s: error %v, want a permanent RCPT TO SendError", rcpt, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("send to %s: %v", rcpt, err)
			}
			s.WaitForMessage(t, rcpt, func([]byte) bool { return true })
		})
	}
}

func TestIMAPLogins(t *testing.T) {
	s := Load(t)
	masterUser, masterPassword := s.MasterLogin("nobody-yet@example.test")
	tests := []struct {
		name, user, password string
		wantErr              bool
	}{
		{"support user", s.IMAPUser, s.IMAPPassword, false},
		{"master user for any address", masterUser, masterPassword, false},
		{"wrong password", s.IMAPUser, "not-" + s.IMAPPassword, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := s.DialIMAP(t.Context(), tt.user, tt.password)
			if err == nil {
				c.Close()
			}
			if (err != nil) != tt.wantErr {
				t.Errorf("DialIMAP(%s) error = %v, want error %t", tt.user, err, tt.wantErr)
			}
		})
	}
}

package mailer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

// Whether a refusal is the run's or the recipient's is SendError's to say.
func TestServerWide(t *testing.T) {
	tests := []struct {
		name string
		err  SendError
		want bool
	}{
		{"greeting", SendError{Stage: "connect", Code: 421}, true},
		{"no connection", SendError{Stage: "connect"}, true},
		{"config", SendError{Stage: "config"}, true},
		{"our sender's syntax", SendError{Stage: "envelope"}, true},
		{"the recipient's syntax", SendError{Stage: "recipient", Permanent: true}, false},
		{"MAIL FROM", SendError{Stage: "MAIL FROM", Code: 550, Reply: "550 5.1.0 <a@b>: Sender rejected"}, true},
		{"user unknown", SendError{Stage: "RCPT TO", Code: 550, Enhanced: "5.1.1", Reply: "550 5.1.1 <x@y.test>: Recipient address rejected: User unknown"}, false},
		{"mailbox full", SendError{Stage: "RCPT TO", Code: 452, Enhanced: "4.2.2", Reply: "452 4.2.2 <x@y.test>: Mailbox full"}, false},
		{"Postfix sender restriction at RCPT", SendError{Stage: "RCPT TO", Code: 553, Enhanced: "5.7.1",
			Reply: "553 5.7.1 <noreply@katuma.test>: Sender address rejected: not owned by user noreply@katuma.test"}, true},
		{"temporary sender restriction at RCPT", SendError{Stage: "RCPT TO", Code: 450, Enhanced: "4.1.8",
			Reply: "450 4.1.8 <noreply@katuma.test>: Sender address rejected: Domain not found"}, true},
		{"relay denied", SendError{Stage: "RCPT TO", Code: 554, Enhanced: "5.7.1", Reply: "554 5.7.1 <x@y.test>: Relay access denied"}, true},
		{"DMARC at the end of data", SendError{Stage: "end of data", Code: 550, Enhanced: "5.7.26",
			Reply: "550 5.7.26 Unauthenticated email from katuma.test is not accepted due to domain's DMARC policy"}, true},
		{"SPF at RCPT", SendError{Stage: "RCPT TO", Code: 550, Enhanced: "5.7.23", Reply: "550 5.7.23 SPF validation failed"}, true},
		{"DATA refused", SendError{Stage: "DATA", Code: 554, Reply: "554 5.5.1 Error: no valid recipients"}, true},
		{"one message refused at its end", SendError{Stage: "end of data", Code: 552, Enhanced: "5.2.2", Reply: "552 5.2.2 Mailbox full"}, false},
		{"uncertain", SendError{Stage: "end of data", Uncertain: true}, false},
		{"the recipient lacks SMTPUTF8", SendError{Stage: "RCPT TO", Permanent: true, Err: errNoSMTPUTF8}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.ServerWide(); got != tt.want {
				t.Errorf("%+v.ServerWide() = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestShape(t *testing.T) {
	a := &SendError{Reply: "554 5.7.1 <ana@example.test>: Relay access denied"}
	b := &SendError{Reply: "554 5.7.1 <joan@example.test>: Relay access denied"}
	c := &SendError{Reply: "550 5.1.1 <joan@example.test>: User unknown"}
	if a.Shape() != b.Shape() || a.Shape() == c.Shape() || !strings.Contains(a.Shape(), "Relay access denied") {
		t.Errorf("Shape: %q, %q, %q; want the first two equal, the third apart", a.Shape(), b.Shape(), c.Shape())
	}
	if (&SendError{}).Shape() != "" {
		t.Errorf("Shape without a reply is not empty")
	}
}

// The in-process server's sender refusal at RCPT is seen as server-wide.
func TestSenderRefusedAtRcpt(t *testing.T) {
	opts := mailertest.Options{TLS: mailertest.NoTLS, RejectSender: "noreply@katuma.test"}
	srv := mailertest.Start(t, opts)
	c := NewClient(serverConfig(srv, opts), WithRetry(RetryPolicy{Attempts: 2, Base: time.Millisecond}))
	defer c.Close()
	rcpt, m := notice(t, 1)
	_, err := c.Send(t.Context(), "noreply@katuma.test", rcpt, m)
	var se *SendError
	if !errors.As(err, &se) || !se.ServerWide() || se.Code != 553 || !strings.Contains(se.Reply, "Sender address rejected") {
		t.Fatalf("Send = %v, want a server-wide 553 sender refusal", err)
	}
}

// No reply to the end of data within DataTimeout: the message is uncertain
// and never sent again in the same Send, however many attempts are left.
func TestNoReplyToEndOfData(t *testing.T) {
	opts := mailertest.Options{TLS: mailertest.NoTLS, SlowAt: mailertest.EndOfData, SlowFor: 10 * time.Second}
	srv := mailertest.Start(t, opts)
	cfg := serverConfig(srv, opts)
	cfg.DataTimeout = 300 * time.Millisecond
	h := &harness{}
	c := NewClient(cfg, h.options(), WithRetry(RetryPolicy{Attempts: 5, Base: time.Millisecond}))
	defer c.Close()
	rcpt, m := notice(t, 1)
	_, err := c.Send(t.Context(), "bounces@katuma.test", rcpt, m)
	var se *SendError
	if !errors.As(err, &se) || !se.Uncertain || se.Attempts != 1 || se.Stage != "end of data" || se.Permanent || se.ServerWide() {
		t.Fatalf("Send = %v (%+v), want one uncertain attempt at the end of data", err, se)
	}
	if got := len(srv.Messages()); got != 1 {
		t.Errorf("server holds %d copies, want 1", got)
	}
	if st := srv.Stats(); st.Data != 1 {
		t.Errorf("server saw %d DATA, want 1: an uncertain message was retried", st.Data)
	}
}

// The wait for the reply to the end of data is DataTimeout, not Timeout.
func TestDataTimeoutDefault(t *testing.T) {
	if c := NewClient(Config{Host: "127.0.0.1", TLS: "none"}); c.cfg.DataTimeout != 10*time.Minute {
		t.Errorf("default DataTimeout = %s, want 10m (RFC 5321 §4.5.3.2.6)", c.cfg.DataTimeout)
	}
	opts := mailertest.Options{TLS: mailertest.NoTLS, SlowAt: mailertest.EndOfData, SlowFor: 600 * time.Millisecond, SlowTimes: 1}
	srv := mailertest.Start(t, opts)
	cfg := serverConfig(srv, opts)
	cfg.Timeout, cfg.DataTimeout = 200*time.Millisecond, 5*time.Second
	c := NewClient(cfg)
	defer c.Close()
	rcpt, m := notice(t, 1)
	if res, err := c.Send(t.Context(), "bounces@katuma.test", rcpt, m); err != nil || res.Attempts != 1 {
		t.Fatalf("Send = %+v, %v; want the slow reply awaited", res, err)
	}
}

// ctx ends Send at once wherever it waits; a message cut before its end is
// not delivered, one cut while its reply is awaited is uncertain.
func TestSendStops(t *testing.T) {
	tests := []struct {
		name      string
		opts      mailertest.Options
		uncertain bool
	}{
		{"stall after the greeting", mailertest.Options{StallAfterGreeting: true}, false},
		{"stall before the greeting", mailertest.Options{SlowAt: mailertest.Greeting, SlowFor: time.Minute}, false},
		{"stall at RCPT", mailertest.Options{SlowAt: mailertest.Rcpt, SlowFor: time.Minute}, false},
		{"backing off after 451", mailertest.Options{TempFail: []string{"user1@example.test"}}, false},
		{"no reply to the end of data", mailertest.Options{SlowAt: mailertest.EndOfData, SlowFor: time.Minute}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.TLS = mailertest.NoTLS
			srv := mailertest.Start(t, tt.opts)
			cfg := serverConfig(srv, tt.opts)
			cfg.Timeout = time.Minute
			c := NewClient(cfg, WithRetry(RetryPolicy{Attempts: 5, Base: time.Minute, Max: time.Minute}),
				func(c *Client) { c.randN = func(n int64) int64 { return n - 1 } })
			defer c.Close()
			ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
			defer cancel()
			rcpt, m := notice(t, 1)
			start := time.Now()
			_, err := c.Send(ctx, "bounces@katuma.test", rcpt, m)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("Send took %s after ctx ended", took)
			}
			var se *SendError
			if tt.uncertain {
				if !errors.As(err, &se) || !se.Uncertain || !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("Send = %v, want an uncertain SendError wrapping ctx's error", err)
				}
				return
			}
			if !errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &se) && se.Uncertain) {
				t.Errorf("Send = %v, want ctx's error, not uncertain", err)
			}
		})
	}
}

// Without SMTPUTF8 a non-ASCII recipient fails alone, permanently, and
// nothing is sent for it; with it, it goes out with the SMTPUTF8 parameter.
func TestSMTPUTF8(t *testing.T) {
	opts := mailertest.Options{TLS: mailertest.NoTLS, SMTPUTF8: true}
	srv := mailertest.Start(t, opts)
	c := NewClient(serverConfig(srv, opts))
	defer c.Close()
	_, m := notice(t, 1)
	if _, err := c.Send(t.Context(), "bounces@katuma.test", "josé@exemple.test", m); err != nil {
		t.Fatalf("Send to a non-ASCII address with SMTPUTF8 offered: %v", err)
	}
	if got := srv.Messages(); len(got) != 1 || got[0].To[0] != "josé@exemple.test" {
		t.Fatalf("server got %+v", got)
	}
	opts.SMTPUTF8 = false
	srv = mailertest.Start(t, opts)
	c = NewClient(serverConfig(srv, opts))
	defer c.Close()
	before := srv.Stats()
	_, err := c.Send(t.Context(), "bounces@katuma.test", "maría@exemple.test", m)
	var se *SendError
	if !errors.As(err, &se) || !se.Permanent || se.ServerWide() || !errors.Is(err, errNoSMTPUTF8) || !strings.Contains(se.Error(), "SMTPUTF8") {
		t.Fatalf("Send = %v, want a permanent per-recipient SMTPUTF8 failure", err)
	}
	if after := srv.Stats(); after.Mail != before.Mail {
		t.Errorf("MAIL FROM was sent for a recipient the server cannot take")
	}
	if _, err := c.Send(t.Context(), "bounces@katuma.test", "next@example.test", m); err != nil {
		t.Errorf("next Send: %v", err)
	}
}

func TestAddressLength(t *testing.T) {
	long := strings.Repeat("a", 65) + "@example.test"
	_, m := notice(t, 1)
	c := NewClient(Config{Host: "127.0.0.1", TLS: "none"})
	_, err := c.Send(t.Context(), "bounces@katuma.test", long, m)
	var se *SendError
	if !errors.As(err, &se) || !se.Permanent || se.ServerWide() || !strings.Contains(err.Error(), "local part of 65 octets") {
		t.Errorf("Send to a 65-octet local part = %v, want a permanent recipient failure", err)
	}
	for _, tt := range []struct {
		addr string
		ok   bool
	}{
		{strings.Repeat("a", 64) + "@example.test", true},
		{"a@" + strings.Repeat("b", 247) + ".test", true},                           // path 256
		{"a@" + strings.Repeat("b", 251) + ".test", false},                          // domain 256
		{strings.Repeat("a", 64) + "@" + strings.Repeat("b", 184) + ".test", true},  // 254 + 2 = 256
		{strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".test", false}, // 257
	} {
		if err := CheckAddressLength(tt.addr); (err == nil) != tt.ok {
			t.Errorf("CheckAddressLength(%d octets) = %v, want ok %v", len(tt.addr), err, tt.ok)
		}
	}
}

package mailer

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

// notice builds a realistic message to the i-th test recipient.
func notice(tb testing.TB, i int) (rcpt string, m *gomail.Msg) {
	tb.Helper()
	rcpt = fmt.Sprintf("user%d@example.test", i)
	m, err := Build(&Email{
		From:      &mail.Address{Name: "Katuma", Address: "noreply@katuma.test"},
		To:        &mail.Address{Name: fmt.Sprintf("Usuària %d", i), Address: rcpt},
		ReplyTo:   &mail.Address{Address: "info@katuma.test"},
		Subject:   "Manteniment programat de Katuma",
		Text:      strings.Repeat("Katuma no estarà disponible dimarts de 9:00 a 11:00.\n", 30),
		HTML:      strings.Repeat("<p>Katuma no estarà disponible dimarts de 9:00 a 11:00.</p>\n", 30),
		Language:  "ca",
		MessageID: noticeID(rcpt),
		Date:      time.Date(2019, 4, 30, 10, 0, 0, 0, time.UTC),
		ListID:    "c.katuma.katuma.test",
	})
	if err != nil {
		tb.Fatal(err)
	}
	return rcpt, m
}

func wire(tb testing.TB, m *gomail.Msg) []byte {
	tb.Helper()
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// harness records what a Client does that a server cannot see: how many
// connections it holds at once, and the backoffs it asked for.
type harness struct {
	mu      sync.Mutex
	open    int
	maxOpen int
	dials   int
	sleeps  []time.Duration
	// redirect, if set, is dialed whatever the address: a host name the
	// test server's certificate does not cover, without DNS.
	redirect string
}

type trackedConn struct {
	net.Conn
	h    *harness
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.h.mu.Lock()
		c.h.open--
		c.h.mu.Unlock()
	})
	return c.Conn.Close()
}

func (h *harness) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if h.redirect != "" {
		addr = h.redirect
	}
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dials++
	h.open++
	h.maxOpen = max(h.maxOpen, h.open)
	return &trackedConn{Conn: c, h: h}, nil
}

// sleep returns at once (tests do not wait for backoffs), or with ctx's error.
func (h *harness) sleep(ctx context.Context, d time.Duration) error {
	h.mu.Lock()
	h.sleeps = append(h.sleeps, d)
	h.mu.Unlock()
	return ctx.Err()
}

func (h *harness) stats() (open, maxOpen, dials int, sleeps []time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.open, h.maxOpen, h.dials, append([]time.Duration(nil), h.sleeps...)
}

func (h *harness) options() ClientOption {
	return func(c *Client) {
		c.dial, c.sleep = h.dial, h.sleep
	}
}

// serverConfig is a Config for srv: STARTTLS with its CA, AUTH PLAIN when
// it has a user.
func serverConfig(srv *mailertest.Server, opts mailertest.Options) Config {
	cfg := Config{Host: srv.Host, Port: srv.Port, RootCAs: srv.RootCAs(), HELO: "client.test", Timeout: 10 * time.Second}
	switch opts.TLS {
	case mailertest.NoTLS:
		cfg.TLS = "none"
	case mailertest.ImplicitTLS:
		cfg.TLS = "tls"
	}
	if opts.Username != "" {
		cfg.Auth, cfg.Username, cfg.Password = "plain", opts.Username, opts.Password
	}
	return cfg
}

const (
	testUser     = "noreply@katuma.test"
	testPassword = "s3cret-Pa55word"
)

// Many messages, one connection, one MAIL/RCPT/DATA per message and no RSET
// or NOOP between good ones; what the server got is what Build wrote, with
// the envelope sender apart from From.
func TestSendManyOverOneConnection(t *testing.T) {
	opts := mailertest.Options{Username: testUser, Password: testPassword}
	srv := mailertest.Start(t, opts)
	h := &harness{}
	c := NewClient(serverConfig(srv, opts), h.options())
	const n = 50
	var replies []string
	var want [][]byte
	for i := range n {
		rcpt, m := notice(t, i)
		res, err := c.Send(t.Context(), "bounces@katuma.test", rcpt, m)
		if err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
		if res.Attempts != 1 {
			t.Errorf("Send %d = %+v, want 1 attempt", i, res)
		}
		replies = append(replies, res.Reply)
		want = append(want, wire(t, m))
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	st := srv.Stats()
	if st.Connections != 1 || st.MaxOpen != 1 || st.Mail != n || st.Rcpt != n || st.Data != n || st.Rset != 0 || st.AuthOK != 1 {
		t.Errorf("server stats = %+v, want 1 connection, %d MAIL/RCPT/DATA, no RSET, 1 AUTH", st, n)
	}
	msgs := srv.Messages()
	if len(msgs) != n {
		t.Fatalf("server accepted %d messages, want %d", len(msgs), n)
	}
	for i, m := range msgs {
		if m.From != "bounces@katuma.test" || len(m.To) != 1 || m.To[0] != fmt.Sprintf("user%d@example.test", i) {
			t.Errorf("message %d envelope = %s → %v, want bounces@katuma.test → user%d@example.test", i, m.From, m.To, i)
		}
		if wantReply := "250 2.0.0 OK: queued as " + m.QueueID; replies[i] != wantReply {
			t.Errorf("Send %d reply = %q, want %q", i, replies[i], wantReply)
		}
		if !bytes.Equal(m.Data, want[i]) {
			t.Errorf("message %d: server got\n%s\nwant\n%s", i, m.Data, want[i])
		}
		if !bytes.Contains(m.Data, []byte("From: \"Katuma\" <noreply@katuma.test>")) {
			t.Errorf("message %d lost its From header", i)
		}
	}
	if open, maxOpen, dials, _ := h.stats(); open != 0 || maxOpen != 1 || dials != 1 {
		t.Errorf("client connections: open %d, max %d, dials %d; want 0, 1, 1", open, maxOpen, dials)
	}
}

// With no envelope sender given, go-mail's EnvelopeFrom is MAIL FROM, else From.
func TestEnvelopeSenderFromMessage(t *testing.T) {
	opts := mailertest.Options{TLS: mailertest.NoTLS}
	srv := mailertest.Start(t, opts)
	c := NewClient(serverConfig(srv, opts))
	defer c.Close()
	rcpt, m := notice(t, 1)
	if _, err := c.Send(t.Context(), "", rcpt, m); err != nil {
		t.Fatal(err)
	}
	if err := m.EnvelopeFrom("bounces@katuma.test"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(t.Context(), "", rcpt, m); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 || msgs[0].From != "noreply@katuma.test" || msgs[1].From != "bounces@katuma.test" {
		t.Errorf("MAIL FROM = %+v, want noreply@katuma.test then bounces@katuma.test", msgs)
	}
	if bytes.Contains(msgs[1].Data, []byte("bounces@")) {
		t.Errorf("the envelope sender leaked into the headers:\n%s", msgs[1].Data)
	}
}

// Several workers, each with its own Client: never more connections than
// workers, every message accepted once.
func TestWorkersShareNothingButTheServer(t *testing.T) {
	opts := mailertest.Options{}
	srv := mailertest.Start(t, opts)
	const workers, each = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			c := NewClient(serverConfig(srv, opts))
			defer c.Close()
			for i := range each {
				rcpt, m := notice(t, w*each+i)
				if _, err := c.Send(t.Context(), "bounces@katuma.test", rcpt, m); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if st := srv.Stats(); st.Connections != workers || st.MaxOpen > workers || len(srv.Messages()) != workers*each {
		t.Errorf("server stats = %+v with %d messages, want %d connections and %d messages", st, len(srv.Messages()), workers, workers*each)
	}
}

// Each fault the server can throw, and what Send makes of it.
func TestSendFaults(t *testing.T) {
	const rejected = "nobody@example.test"
	tests := []struct {
		name     string
		opts     mailertest.Options
		rcpt     string
		attempts int // Result.Attempts or SendError.Attempts
		// uncertainOK: the whole message may fit in the socket's buffer
		// before the server hangs up, and then no reply to its end comes:
		// an uncertain last attempt, nothing accepted, is right too.
		uncertainOK bool
		// On failure:
		wantErr   bool
		permanent bool
		code      int
		reply     string
		stage     string // alternatives separated by "|"
		// What the server saw:
		connections, rcpts, rsets int
	}{
		{name: "421 at greeting: reconnect", opts: mailertest.Options{GreetingFailures: 2},
			attempts: 3, connections: 3, rcpts: 1},
		{name: "451 after RCPT: retried on the same connection", opts: mailertest.Options{RcptTempFailures: 2},
			attempts: 3, connections: 1, rcpts: 3, rsets: 2},
		{name: "550: permanent, verbatim, once", opts: mailertest.Options{Reject: []string{rejected}}, rcpt: rejected,
			attempts: 1, wantErr: true, permanent: true, code: 550, stage: "RCPT TO",
			reply:       "550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown",
			connections: 1, rcpts: 1},
		{name: "451 every time: temporary after all attempts", opts: mailertest.Options{TempFail: []string{rejected}}, rcpt: rejected,
			attempts: 3, wantErr: true, code: 451, stage: "RCPT TO",
			reply:       "451 4.3.0 <nobody@example.test>: Temporary lookup failure",
			connections: 1, rcpts: 3, rsets: 2},
		{name: "dropped during DATA: a new connection", opts: mailertest.Options{DropInData: 1},
			attempts: 2, uncertainOK: true, connections: 2, rcpts: 2},
		{name: "dropped during DATA every time", opts: mailertest.Options{DropInData: 99},
			attempts: 3, wantErr: true, stage: "message", uncertainOK: true, connections: 3, rcpts: 3},
		{name: "421 at greeting, then STARTTLS and AUTH", opts: mailertest.Options{GreetingFailures: 1, Username: testUser, Password: testPassword},
			attempts: 2, connections: 2, rcpts: 1},
	}
	for _, tt := range tests {
		for _, pipelining := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/pipelining=%v", tt.name, pipelining), func(t *testing.T) {
				srv := mailertest.Start(t, tt.opts)
				h := &harness{}
				policy := RetryPolicy{Attempts: 3, Base: 100 * time.Millisecond, Max: time.Second}
				c := NewClient(serverConfig(srv, tt.opts), h.options(), WithRetry(policy), func(c *Client) { c.noPipelining = !pipelining })
				rcpt, m := notice(t, 1)
				if tt.rcpt != "" {
					rcpt = tt.rcpt
				}
				res, err := c.Send(t.Context(), "bounces@katuma.test", rcpt, m)

				var se *SendError
				if tt.uncertainOK && errors.As(err, &se) && se.Uncertain {
					// Earlier attempts may have failed while writing (not
					// delivered, so retried); the uncertain one is the last.
					if se.Attempts < 1 || se.Attempts > tt.attempts || se.Stage != "end of data" || se.Code != 0 || len(srv.Messages()) != 0 {
						t.Errorf("SendError = %+v with %d messages accepted, want an uncertain last attempt at the end of data", se, len(srv.Messages()))
					}
					return
				}
				switch {
				case !tt.wantErr && err != nil:
					t.Fatalf("Send: %v", err)
				case tt.wantErr && !errors.As(err, &se):
					t.Fatalf("Send = %+v, %v; want a *SendError", res, err)
				case tt.wantErr:
					if se.Permanent != tt.permanent || se.Code != tt.code || se.Reply != tt.reply || se.Attempts != tt.attempts ||
						!slices.Contains(strings.Split(tt.stage, "|"), se.Stage) {
						t.Errorf("SendError = %+v, want permanent %v, code %d, reply %q, %d attempts, stage %s",
							se, tt.permanent, tt.code, tt.reply, tt.attempts, tt.stage)
					}
					if tt.reply != "" && !strings.Contains(se.Error(), tt.reply) {
						t.Errorf("Error() = %q, want the reply %q in it", se.Error(), tt.reply)
					}
				default:
					if res.Attempts != tt.attempts {
						t.Errorf("Send = %+v, want %d attempts", res, tt.attempts)
					}
				}

				// What the server accepted is what Send reported.
				msgs := srv.Messages()
				if tt.wantErr {
					if len(msgs) != 0 {
						t.Errorf("server accepted %d messages after a failed Send", len(msgs))
					}
				} else if len(msgs) != 1 || res.Reply != "250 2.0.0 OK: queued as "+msgs[0].QueueID || !bytes.Equal(msgs[0].Data, wire(t, m)) {
					t.Errorf("server accepted %d messages, want exactly the one Send reported (%q)", len(msgs), res.Reply)
				}
				st := srv.Stats()
				if st.Connections != tt.connections || st.Rcpt != tt.rcpts || st.Rset != tt.rsets {
					t.Errorf("server stats = %+v, want %d connections, %d RCPT, %d RSET", st, tt.connections, tt.rcpts, tt.rsets)
				}

				_, maxOpen, _, sleeps := h.stats()
				if maxOpen > 1 {
					t.Errorf("client held %d connections at once", maxOpen)
				}
				if len(sleeps) != tt.attempts-1 {
					t.Errorf("backoffs = %v, want %d", sleeps, tt.attempts-1)
				}
				for i, d := range sleeps {
					if ceiling := policy.Base << i; d < 0 || d > ceiling {
						t.Errorf("backoff %d = %s, want within [0, %s]", i+1, d, ceiling)
					}
				}

				// The client is still good for the next message.
				srv2 := srv.Stats()
				if _, err := c.Send(t.Context(), "bounces@katuma.test", "next@example.test", m); err != nil && !tt.wantErr {
					t.Errorf("next Send: %v", err)
				} else if err == nil && tt.permanent && srv.Stats().Connections != srv2.Connections {
					t.Errorf("a 5xx reply cost the connection")
				}
				c.Close()
			})
		}
	}
}

// A server slower than Timeout before the end of data: the attempt times out
// (temporary) and a new connection is made. (After it: TestNoReplyToEndOfData.)
func TestSlowServer(t *testing.T) {
	tests := []struct {
		name        string
		opts        mailertest.Options
		wantErr     bool
		attempts    int
		accepted    int
		connections int
	}{
		{name: "slow once at RCPT", opts: mailertest.Options{SlowAt: mailertest.Rcpt, SlowTimes: 1},
			attempts: 2, accepted: 1, connections: 2},
		{name: "slow at greeting", opts: mailertest.Options{SlowAt: mailertest.Greeting, SlowTimes: 1},
			attempts: 2, accepted: 1, connections: 2},
		{name: "slow every time", opts: mailertest.Options{SlowAt: mailertest.Mail},
			wantErr: true, attempts: 2, connections: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.TLS = mailertest.NoTLS // no handshake to fit in the short timeout
			tt.opts.SlowFor = 10 * time.Second
			srv := mailertest.Start(t, tt.opts)
			h := &harness{}
			cfg := serverConfig(srv, tt.opts)
			cfg.Timeout = 150 * time.Millisecond
			c := NewClient(cfg, h.options(), WithRetry(RetryPolicy{Attempts: 2}))
			defer c.Close()
			rcpt, m := notice(t, 1)
			start := time.Now()
			res, err := c.Send(t.Context(), "bounces@katuma.test", rcpt, m)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("Send took %s: the timeout did not bound it", took)
			}
			var se *SendError
			var ne net.Error
			switch {
			case !tt.wantErr:
				if err != nil || res.Attempts != tt.attempts {
					t.Errorf("Send = %+v, %v; want %d attempts", res, err, tt.attempts)
				}
			case !errors.As(err, &se):
				t.Fatalf("Send = %v, want a *SendError", err)
			default:
				if se.Permanent || se.Code != 0 || se.Attempts != tt.attempts || !errors.As(err, &ne) || !ne.Timeout() {
					t.Errorf("SendError = %+v (%v), want a temporary timeout after %d attempts", se, err, tt.attempts)
				}
			}
			if got := len(srv.Messages()); got != tt.accepted {
				t.Errorf("server accepted %d copies, want %d", got, tt.accepted)
			}
			if st := srv.Stats(); st.Connections != tt.connections {
				t.Errorf("server saw %d connections, want %d", st.Connections, tt.connections)
			}
			if _, maxOpen, _, _ := h.stats(); maxOpen != 1 {
				t.Errorf("client held %d connections at once, want 1", maxOpen)
			}
		})
	}
}

// A server that hangs up on an idle client: the next Send redials without
// counting a failed attempt or waiting.
func TestIdleConnectionClosedByServer(t *testing.T) {
	opts := mailertest.Options{TLS: mailertest.NoTLS, IdleTimeout: 50 * time.Millisecond}
	srv := mailertest.Start(t, opts)
	h := &harness{}
	c := NewClient(serverConfig(srv, opts), h.options())
	defer c.Close()
	rcpt, m := notice(t, 1)
	if _, err := c.Send(t.Context(), "", rcpt, m); err != nil {
		t.Fatal(err)
	}
	for srv.Stats().Open != 0 { // wait for the server to give up on us
		time.Sleep(5 * time.Millisecond)
	}
	res, err := c.Send(t.Context(), "", rcpt, m)
	if err != nil || res.Attempts != 1 {
		t.Fatalf("Send after idle = %+v, %v; want success at the first attempt", res, err)
	}
	if _, _, dials, sleeps := h.stats(); dials != 2 || len(sleeps) != 0 {
		t.Errorf("dials %d, backoffs %v; want 2 dials, no backoff", dials, sleeps)
	}
}

// ctx stops new attempts and backoffs at once; a reply to the end of data is
// awaited StopGrace more (TestSendStops has the rest).
func TestContext(t *testing.T) {
	t.Run("cancelled before Send: nothing sent", func(t *testing.T) {
		opts := mailertest.Options{TLS: mailertest.NoTLS}
		srv := mailertest.Start(t, opts)
		c := NewClient(serverConfig(srv, opts))
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		rcpt, m := notice(t, 1)
		res, err := c.Send(ctx, "", rcpt, m)
		if !errors.Is(err, context.Canceled) || res.Attempts != 0 {
			t.Errorf("Send = %+v, %v; want context.Canceled and no attempt", res, err)
		}
		if st := srv.Stats(); st.Connections != 0 {
			t.Errorf("server saw %d connections", st.Connections)
		}
	})
	t.Run("cancelled during a backoff: stops, with the last failure", func(t *testing.T) {
		opts := mailertest.Options{TLS: mailertest.NoTLS, RcptTempFailures: 99}
		srv := mailertest.Start(t, opts)
		ctx, cancel := context.WithCancel(t.Context())
		c := NewClient(serverConfig(srv, opts), func(c *Client) {
			c.sleep = func(ctx context.Context, d time.Duration) error {
				cancel() // Ctrl-C while waiting to retry
				return sleep(ctx, d)
			}
		}, WithRetry(RetryPolicy{Attempts: 5, Base: time.Hour}))
		defer c.Close()
		rcpt, m := notice(t, 1)
		res, err := c.Send(ctx, "", rcpt, m)
		var se *SendError
		if !errors.Is(err, context.Canceled) || !errors.As(err, &se) || se.Code != 451 || res.Attempts != 1 {
			t.Errorf("Send = %+v, %v; want context.Canceled wrapping the 451, after 1 attempt", res, err)
		}
	})
	t.Run("cancelled while the reply to the end of data is awaited: it is read", func(t *testing.T) {
		opts := mailertest.Options{TLS: mailertest.NoTLS, SlowAt: mailertest.EndOfData, SlowFor: 100 * time.Millisecond}
		srv := mailertest.Start(t, opts)
		c := NewClient(serverConfig(srv, opts))
		defer c.Close()
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			for srv.Stats().Accepted == 0 { // the whole message is in
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		rcpt, m := notice(t, 1)
		res, err := c.Send(ctx, "", rcpt, m)
		if err != nil || res.Attempts != 1 || len(srv.Messages()) != 1 {
			t.Errorf("Send = %+v, %v; want the message in flight accepted", res, err)
		}
		if ctx.Err() == nil {
			t.Error("ctx was not cancelled during the transaction; the test proves nothing")
		}
	})
}

func isErr(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

func asErr[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

func TestTLS(t *testing.T) {
	other := mailertest.Start(t, mailertest.Options{})
	tests := []struct {
		name  string
		opts  mailertest.Options
		cfg   func(*Config)
		check func(error) bool // nil: success; else a permanent failure at connect
	}{
		{name: "starttls", opts: mailertest.Options{}},
		{name: "implicit tls", opts: mailertest.Options{TLS: mailertest.ImplicitTLS}},
		{name: "none to loopback", opts: mailertest.Options{TLS: mailertest.NoTLS}},
		{name: "none to localhost with AUTH", opts: mailertest.Options{TLS: mailertest.NoTLS, Username: testUser, Password: testPassword},
			cfg: func(c *Config) { c.Host = "localhost" }},
		{name: "starttls by default", opts: mailertest.Options{}, cfg: func(c *Config) { c.TLS = "" }},
		{name: "starttls required but not offered", opts: mailertest.Options{TLS: mailertest.NoTLS},
			cfg: func(c *Config) { c.TLS = "starttls" }, check: isErr(errNoSTARTTLS)},
		{name: "system roots do not know the test CA", opts: mailertest.Options{},
			cfg: func(c *Config) { c.RootCAs = nil }, check: asErr[*tls.CertificateVerificationError]},
		{name: "another CA, implicit tls", opts: mailertest.Options{TLS: mailertest.ImplicitTLS},
			cfg: func(c *Config) { c.RootCAs = other.RootCAs() }, check: asErr[*tls.CertificateVerificationError]},
		{name: "a name the certificate does not cover", opts: mailertest.Options{},
			cfg: func(c *Config) { c.Host = "smtp.katuma.test" }, check: asErr[*tls.CertificateVerificationError]},
		{name: "tls on a plain port", opts: mailertest.Options{TLS: mailertest.NoTLS},
			cfg: func(c *Config) { c.TLS = "tls" }, check: asErr[tls.RecordHeaderError]},
		{name: "auth the server does not offer", opts: mailertest.Options{},
			cfg: func(c *Config) { c.Auth, c.Username, c.Password = "plain", testUser, testPassword }, check: isErr(errNoAuth)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailertest.Start(t, tt.opts)
			cfg := serverConfig(srv, tt.opts)
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			h := &harness{redirect: srv.Addr}
			c := NewClient(cfg, h.options())
			defer c.Close()
			rcpt, m := notice(t, 1)
			res, err := c.Send(t.Context(), "", rcpt, m)
			if tt.check == nil {
				if err != nil || len(srv.Messages()) != 1 {
					t.Fatalf("Send = %+v, %v; want success", res, err)
				}
				return
			}
			var se *SendError
			if !errors.As(err, &se) || !se.Permanent || se.Attempts != 1 || se.Stage != "connect" || !tt.check(err) {
				t.Fatalf("Send = %v, want a permanent *SendError of the right kind at connect, after 1 attempt", err)
			}
			if len(srv.Messages()) != 0 {
				t.Error("a message went through")
			}
			if open, _, _, _ := h.stats(); open != 0 {
				t.Errorf("%d connections left open after the failure", open)
			}
		})
	}
}

// A wrong password is a permanent 535, and the password is nowhere: not in
// the error (however printed), not in the logs, not in the Config's
// printouts, even when the server quotes it back.
func TestPasswordNeverShows(t *testing.T) {
	const wrong = "wr0ng-Pa55word"
	secrets := []string{wrong, testPassword,
		base64.StdEncoding.EncodeToString([]byte(wrong)),
		base64.StdEncoding.EncodeToString([]byte("\x00" + testUser + "\x00" + wrong))}
	tests := []struct {
		name string
		opts mailertest.Options
		tls  string
	}{
		{name: "starttls", opts: mailertest.Options{Username: testUser, Password: testPassword}},
		{name: "server quotes the password", opts: mailertest.Options{Username: testUser, Password: testPassword, EchoCredentials: true}},
		{name: "no tls, loopback", opts: mailertest.Options{TLS: mailertest.NoTLS, Username: testUser, Password: testPassword, EchoCredentials: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailertest.Start(t, tt.opts)
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			cfg := serverConfig(srv, tt.opts)
			cfg.Password = wrong
			h := &harness{}
			c := NewClient(cfg, h.options(), WithLogger(log))
			defer c.Close()
			rcpt, m := notice(t, 1)
			_, err := c.Send(t.Context(), "", rcpt, m)

			var se *SendError
			if !errors.As(err, &se) || !se.Permanent || se.Code != 535 || se.Enhanced != "5.7.8" || se.Attempts != 1 {
				t.Fatalf("Send = %v, want a permanent 535 5.7.8 after 1 attempt", err)
			}
			if st := srv.Stats(); st.AuthFailed != 1 || st.Mail != 0 {
				t.Errorf("server stats = %+v, want 1 failed AUTH and no MAIL", st)
			}
			if tt.opts.EchoCredentials && !strings.Contains(se.Reply, "[redacted]") {
				t.Errorf("reply %q: the server's echo was not redacted (or not sent)", se.Reply)
			}
			log.Info("config", "smtp", cfg)
			shown := []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", se),
				se.Reply, se.Err.Error(), logs.String(),
				cfg.String(), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprint(&cfg)}
			for _, s := range shown {
				for _, secret := range secrets {
					if strings.Contains(s, secret) {
						t.Errorf("%q shows the secret %q", s, secret)
					}
				}
			}
			if _, _, _, sleeps := h.stats(); len(sleeps) != 0 {
				t.Errorf("a wrong password was retried %d times", len(sleeps))
			}
		})
	}
}

// The right password, every mechanism go-mail offers that the test server
// speaks; the others are refused before they are tried.
func TestAuthMechanisms(t *testing.T) {
	opts := mailertest.Options{Username: testUser, Password: testPassword}
	srv := mailertest.Start(t, opts)
	for _, mech := range []string{"plain", "PLAIN", "login", "cram-md5", "xoauth2", "scram-sha-256"} {
		t.Run(mech, func(t *testing.T) {
			cfg := serverConfig(srv, opts)
			cfg.Auth = mech
			c := NewClient(cfg)
			defer c.Close()
			rcpt, m := notice(t, 1)
			_, err := c.Send(t.Context(), "", rcpt, m)
			if strings.EqualFold(mech, "plain") {
				if err != nil {
					t.Fatalf("Send: %v", err)
				}
				return
			}
			if !errors.Is(err, errNoAuth) {
				t.Fatalf("Send = %v, want %v", err, errNoAuth)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // "" for valid; else a part of the error
	}{
		{"starttls with plain", Config{Host: "smtp.katuma.test", Auth: "plain", Username: "u", Password: "p"}, ""},
		{"implicit tls, no auth", Config{Host: "smtp.katuma.test", TLS: "tls"}, ""},
		{"none to 127.0.0.1", Config{Host: "127.0.0.1", TLS: "none"}, ""},
		{"none to ::1", Config{Host: "::1", TLS: "none"}, ""},
		{"none to localhost", Config{Host: "localhost", TLS: "NONE"}, ""},
		{"none to a remote host", Config{Host: "smtp.katuma.test", TLS: "none"}, "loopback"},
		{"none to a private address", Config{Host: "10.0.0.1", TLS: "none"}, "loopback"},
		{"unknown tls", Config{Host: "h", TLS: "ssl"}, `smtp tls: unknown TLS mode "ssl"`},
		{"tls in upper case", Config{Host: "h", TLS: "STARTTLS"}, ""},
		{"unknown auth", Config{Host: "h", Auth: "ntlm", Username: "u"}, `smtp auth: unknown mechanism "ntlm"`},
		{"auth without user", Config{Host: "h", Auth: "login"}, "smtp username: is required for auth login"},
		{"user with auth none", Config{Host: "h", Auth: "none", Username: "u"}, "auth is none"},
		{"user, auth unset: plain", Config{Host: "h", Username: "u"}, ""},
		{"plus over tls", Config{Host: "h", Auth: "SCRAM-SHA-256-PLUS", Username: "u"}, ""},
		{"plus without tls", Config{Host: "::1", TLS: "none", Auth: "scram-sha-256-plus", Username: "u"}, "needs TLS"},
		{"no host", Config{}, "smtp host: is required"},
		{"bad port", Config{Host: "h", Port: 70000}, "out of range"},
		{"negative timeout", Config{Host: "h", Timeout: -time.Second}, "negative"},
		{"negative data timeout", Config{Host: "h", DataTimeout: -time.Second}, "smtp data_timeout: -1s is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
	// An invalid Config fails every Send before any I/O.
	c := NewClient(Config{Host: "smtp.katuma.test", TLS: "none"})
	rcpt, m := notice(t, 1)
	var se *SendError
	if _, err := c.Send(t.Context(), "", rcpt, m); !errors.As(err, &se) || !se.Permanent || se.Stage != "config" {
		t.Errorf("Send with a bad config = %v, want a permanent config error", err)
	}
}

func TestPortByTLS(t *testing.T) {
	for _, tt := range []struct {
		cfg  Config
		want int
	}{
		{Config{}, 587}, {Config{TLS: "starttls"}, 587}, {Config{TLS: "tls"}, 465}, {Config{TLS: "none"}, 25}, {Config{TLS: "tls", Port: 2465}, 2465},
	} {
		if got := tt.cfg.port(); got != tt.want {
			t.Errorf("Config{TLS: %q, Port: %d}.port() = %d, want %d", tt.cfg.TLS, tt.cfg.Port, got, tt.want)
		}
	}
}

func TestLoadCA(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{})
	dir := t.TempDir()
	good := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(good, srv.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	pool, err := LoadCA(good)
	if err != nil {
		t.Fatalf("LoadCA: %v", err)
	}
	cfg := serverConfig(srv, mailertest.Options{})
	cfg.RootCAs = pool
	c := NewClient(cfg)
	defer c.Close()
	rcpt, m := notice(t, 1)
	if _, err := c.Send(t.Context(), "", rcpt, m); err != nil {
		t.Errorf("Send with the loaded CA: %v", err)
	}

	bad := filepath.Join(dir, "bad.pem")
	if err := os.WriteFile(bad, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{bad, filepath.Join(dir, "missing.pem")} {
		if _, err := LoadCA(p); err == nil {
			t.Errorf("LoadCA(%q) = nil error", p)
		}
	}
}

// BenchmarkSend sends over one connection to mailertest; set
// ANNOUNCE_SMTP_SINK=127.0.0.1:PORT to also send to Postfix's smtp-sink there
// (`smtp-sink -c 127.0.0.1:PORT 1024`), over 1 and 4 connections.
func BenchmarkSend(b *testing.B) {
	type target struct {
		name        string
		cfg         func(b *testing.B) Config
		connections int
	}
	mailertestCfg := func(opts mailertest.Options) func(b *testing.B) Config {
		return func(b *testing.B) Config {
			opts.Discard = true
			return serverConfig(mailertest.Start(b, opts), opts)
		}
	}
	targets := []target{
		{"mailertest/none", mailertestCfg(mailertest.Options{TLS: mailertest.NoTLS}), 1},
		{"mailertest/starttls+auth", mailertestCfg(mailertest.Options{Username: testUser, Password: testPassword}), 1},
	}
	if addr := os.Getenv("ANNOUNCE_SMTP_SINK"); addr != "" {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			b.Fatalf("ANNOUNCE_SMTP_SINK: %v", err)
		}
		sink := func(*testing.B) Config {
			p, _ := strconv.Atoi(port)
			return Config{Host: host, Port: p, TLS: "none", HELO: "client.test"}
		}
		targets = append(targets, target{"smtp-sink/1", sink, 1}, target{"smtp-sink/4", sink, 4})
	}
	const distinct = 64
	type msg struct {
		rcpt string
		m    *gomail.Msg
	}
	msgs := make([]msg, distinct)
	for i := range msgs {
		msgs[i].rcpt, msgs[i].m = notice(b, i)
	}
	for _, tg := range targets {
		b.Run(tg.name, func(b *testing.B) {
			cfg := tg.cfg(b)
			clients := make([]*Client, tg.connections)
			for i := range clients {
				clients[i] = NewClient(cfg)
				defer clients[i].Close()
				if _, err := clients[i].Send(b.Context(), "bounces@katuma.test", msgs[0].rcpt, msgs[0].m); err != nil {
					b.Fatal(err) // dial outside the timing
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			var wg sync.WaitGroup
			for w, c := range clients {
				wg.Go(func() {
					for i := w; i < b.N; i += len(clients) {
						x := msgs[i%distinct]
						if _, err := c.Send(b.Context(), "bounces@katuma.test", x.rcpt, x.m); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			perSec := float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(perSec, "msgs/s")
			b.ReportMetric(perSec/float64(len(clients)), "msgs/s/conn")
		})
	}
}

// step is one exchange of a scripted server: it reads a line starting with
// expect ("" reads nothing; "<message>" reads up to the lone dot), then
// writes reply (CRLF added to each "\n"-separated line; "" writes nothing).
type step struct{ expect, reply string }

// scripted serves one connection by script and reports the first deviation.
func scripted(t *testing.T, script []step) (port int, done <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	errc := make(chan error, 1)
	go func() {
		errc <- func() error {
			conn, err := ln.Accept()
			if err != nil {
				return err
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			r := textproto.NewReader(bufio.NewReader(conn))
			for _, st := range script {
				switch st.expect {
				case "":
				case "<message>":
					if _, err := r.ReadDotBytes(); err != nil {
						return fmt.Errorf("reading the message: %w", err)
					}
				default:
					line, err := r.ReadLine()
					if err != nil {
						return fmt.Errorf("want %q: %w", st.expect, err)
					}
					if !strings.HasPrefix(line, st.expect) {
						return fmt.Errorf("client sent %q, want %q", line, st.expect)
					}
				}
				if st.reply != "" {
					if _, err := io.WriteString(conn, strings.ReplaceAll(st.reply, "\n", "\r\n")+"\r\n"); err != nil {
						return err
					}
				}
			}
			return nil
		}()
	}()
	return ln.Addr().(*net.TCPAddr).Port, errc
}

// A server that wrongly accepts DATA after refusing the only RCPT of a
// pipelined group gets an empty message (no recipient), the 550 is what Send
// reports, and the connection stays in step for the next message.
func TestPipelinedDataAfterRejectedRcpt(t *testing.T) {
	port, done := scripted(t, []step{
		{"", "220 scripted ESMTP"},
		{"EHLO client.test", "250-scripted\n250 PIPELINING"},
		{"MAIL FROM:<bounces@katuma.test>", "250 2.1.0 Ok"},
		{"RCPT TO:<nobody@example.test>", "550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown"},
		{"DATA", "354 End data with <CR><LF>.<CR><LF>"},
		{"<message>", "554 5.5.1 Error: no valid recipients"},
		{"RSET", "250 2.0.0 Ok"},
		{"MAIL FROM:<bounces@katuma.test>", "250 2.1.0 Ok"},
		{"RCPT TO:<user1@example.test>", "250 2.1.5 Ok"},
		{"DATA", "354 End data with <CR><LF>.<CR><LF>"},
		{"<message>", "250-2.0.0 Ok: queued\n250 2.0.0 as 4ABC"},
		{"QUIT", "221 2.0.0 Bye"},
	})
	c := NewClient(Config{Host: "127.0.0.1", Port: port, TLS: "none", HELO: "client.test", Timeout: 5 * time.Second})
	rcpt, m := notice(t, 1)
	_, err := c.Send(t.Context(), "bounces@katuma.test", "nobody@example.test", m)
	var se *SendError
	if !errors.As(err, &se) || !se.Permanent || se.Reply != "550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown" {
		t.Fatalf("Send = %v, want the 550", err)
	}
	res, err := c.Send(t.Context(), "bounces@katuma.test", rcpt, m)
	if err != nil || res.Reply != "250-2.0.0 Ok: queued\n250 2.0.0 as 4ABC" {
		t.Fatalf("next Send = %+v, %v; want the multi-line 250", res, err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := <-done; err != nil {
		t.Error(err)
	}
}

// dotWriter writes what textproto's DotWriter writes, whatever the chunks.
// (They differ on "\r\r\n", which go-mail never writes: textproto makes it
// "\r\r\r\n", dotWriter leaves it.)
func TestDotWriter(t *testing.T) {
	inputs := []string{
		"a", ".", "..", "a\r\n", ".a\r\n.b\n", "a\r", "\n.\n", "x\r\n.\r\n..\r\n", "a\rb\n", "héllo\n.wörld",
		"Subject: x\r\n\r\n.leading dot\r\nend\r\n",
	}
	for _, in := range inputs {
		var want bytes.Buffer
		ww := bufio.NewWriter(&want)
		tw := textproto.NewWriter(ww).DotWriter()
		io.WriteString(tw, in)
		tw.Close()
		for _, size := range []int{1, 2, 3, len(in)} {
			var got bytes.Buffer
			gw := bufio.NewWriter(&got)
			dw := dotWriter{w: gw, bol: true}
			for rest := in; len(rest) > 0; {
				n := min(size, len(rest))
				dw.Write([]byte(rest[:n]))
				rest = rest[n:]
			}
			dw.end()
			gw.Flush()
			if got.String() != want.String() {
				t.Errorf("dotWriter(%q in chunks of %d) = %q, want %q", in, size, got.String(), want.String())
			}
		}
	}
}

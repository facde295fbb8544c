package mailer

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/mail"
	"net/textproto"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// Config is how to reach one instance's SMTP server.
type Config struct {
	Host string
	Port int    // 0: by TLS, starttls 587, tls 465, none 25
	TLS  string // "starttls" (default; fails if the server does not offer it), "tls" (implicit), "none" (loopback only)
	// Auth is the SASL mechanism: "plain", "login", "cram-md5", "xoauth2",
	// "scram-sha-1", "scram-sha-256", "scram-sha-1-plus", "scram-sha-256-plus",
	// or "none" (the default).
	Auth     string
	Username string
	Password string         // never in an error, log line or String()
	RootCAs  *x509.CertPool // nil: the system's; see LoadCA
	HELO     string         // default: this machine's host name
	// Timeout bounds the dial with its TLS handshake, then each exchange
	// with the server: a command (or a pipelined MAIL/RCPT/DATA group) and
	// its replies, and the writing of the message (default 30s); the reply
	// to its end has DataTimeout.
	// A timeout is a temporary failure.
	Timeout time.Duration
	// DataTimeout bounds the wait for the reply to the end of data
	// (default 10 minutes, as RFC 5321 §4.5.3.2.6 asks): a server may scan
	// a message for that long. No reply in that time makes the message
	// uncertain, never retried (see SendError.Uncertain).
	DataTimeout time.Duration
}

// DefaultTimeout is Config.Timeout when zero.
const DefaultTimeout = 30 * time.Second

// DefaultDataTimeout is Config.DataTimeout when zero.
const DefaultDataTimeout = 10 * time.Minute

// String describes c without its password.
func (c Config) String() string {
	pw := ""
	if c.Password != "" {
		pw = " password=[redacted]"
	}
	return fmt.Sprintf("smtp://%s tls=%s auth=%s user=%q%s", net.JoinHostPort(c.Host, strconv.Itoa(c.port())), c.tlsMode(), c.authMech(), c.Username, pw)
}

// GoString keeps %#v from printing the password.
func (c Config) GoString() string { return "mailer.Config{" + c.String() + "}" }

// LogValue keeps slog from printing the password.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

func (c Config) tlsMode() string {
	if c.TLS == "" {
		return "starttls"
	}
	return strings.ToLower(c.TLS)
}

// authMech is Auth lower-cased; unset, it is plain when a username is
// given, else none (see WithDefaults).
func (c Config) authMech() string {
	switch {
	case c.Auth != "":
		return strings.ToLower(c.Auth)
	case c.Username != "":
		return "plain"
	}
	return "none"
}

func (c Config) port() int {
	switch {
	case c.Port != 0:
		return c.Port
	case c.tlsMode() == "tls":
		return 465
	case c.tlsMode() == "none":
		return 25
	}
	return 587
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// LoadCA returns the system's roots plus the certificates in the PEM file at
// path: for a test server with a CA of its own. Certificates are always
// verified; there is no other way around them.
func LoadCA(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s: no PEM certificate in it", path)
	}
	return pool, nil
}

// Result is what the server said to a message it accepted.
type Result struct {
	Reply    string // the reply to the end of data, e.g. "250 2.0.0 Ok: queued as 4ABC"
	Attempts int    // transactions tried, this one included
}

// SendError is why a message was not accepted.
type SendError struct {
	Permanent bool   // a 5xx reply, or a setting the server refused: retrying cannot help
	Code      int    // the reply's code; 0 when there was no reply (network, TLS, timeout)
	Enhanced  string // the enhanced status code, e.g. "5.1.1", when the reply had one
	Reply     string // the server's reply, verbatim (lines joined with "\n"); "" without one
	Attempts  int    // transactions tried
	Stage     string // where the last attempt failed: config, envelope, connect, RSET, MAIL FROM, RCPT TO, DATA, message, end of data
	// Uncertain: the whole message went out and no reply to its end came
	// (DataTimeout passed, the connection was lost, or the run was
	// stopped), so the server may have queued it: "maybe delivered". Send
	// never retries such a message: one notice not known to be delivered is
	// better than copies of it.
	Uncertain bool
	Err       error // the cause, with any secret removed
}

func (e *SendError) Error() string {
	what := e.Reply
	if what == "" && e.Err != nil {
		what = e.Err.Error()
	}
	kind := "temporary"
	switch {
	case e.Permanent:
		kind = "permanent"
	case e.Uncertain:
		kind = "uncertain, not retried"
	}
	s := fmt.Sprintf("smtp %s: %s (%s, %d attempt", e.Stage, what, kind, e.Attempts)
	if e.Attempts != 1 {
		s += "s"
	}
	if e.Uncertain {
		s += ", maybe delivered"
	}
	return s + ")"
}

func (e *SendError) Unwrap() error { return e.Err }

// stage names where in a transaction an attempt failed.
type stage string

const (
	stageConfig    stage = "config"
	stageEnvelope  stage = "envelope"  // our envelope sender
	stageRecipient stage = "recipient" // the recipient's address, before it was sent
	stageConnect   stage = "connect"   // dial, TLS, greeting, EHLO, STARTTLS, AUTH
	stageRset      stage = "RSET"
	stageMail      stage = "MAIL FROM"
	stageRcpt      stage = "RCPT TO"
	stageData      stage = "DATA"
	stageMessage   stage = "message" // writing the message
	stageEndOfData stage = "end of data"
)

// ClientOption configures a Client.
type ClientOption func(*Client)

// WithRetry sets the retry policy (default DefaultRetry; zero fields take
// its values).
func WithRetry(p RetryPolicy) ClientOption { return func(c *Client) { c.retry = p.withDefaults() } }

// WithLimiter makes every attempt wait for l first. Give every worker's
// Client of one instance the same Limiter.
func WithLimiter(l *Limiter) ClientOption { return func(c *Client) { c.limiter = l } }

// WithLogger logs retries and reconnections (default: nothing).
func WithLogger(l *slog.Logger) ClientOption { return func(c *Client) { c.log = l } }

// Client sends messages over at most one SMTP connection, dialed when first
// needed and kept for the next message. It is safe for concurrent use, but
// sends one message at a time: run one Client per worker.
//
// Each message is one transaction: MAIL FROM, RCPT TO and DATA (in one
// write when the server offers PIPELINING), then the message. After a
// transaction ends with the server's reply to the end of data — accepted or
// not — the next MAIL FROM follows directly, as RFC 5321 §4.1.1.4 allows;
// RSET comes first only after a transaction that failed part-way. There is no
// NOOP per message: a connection the server closed while it sat idle shows
// at the next MAIL FROM (421, EOF or a reset), and Send then redials once
// without counting an attempt. Each NOOP or RSET per message would cost a
// round trip, about a fifth of the throughput on loopback.
type Client struct {
	cfg     Config
	cfgErr  error
	tlsConf *tls.Config
	auth    func(*smtp.Client) (smtp.Auth, error)
	secrets []string // what must never appear in an error: the password and its encodings
	retry   RetryPolicy
	limiter *Limiter
	log     *slog.Logger
	// Injected by tests.
	dial         func(ctx context.Context, network, addr string) (net.Conn, error)
	sleep        func(ctx context.Context, d time.Duration) error
	randN        func(int64) int64
	noPipelining bool

	cur         atomic.Pointer[abortable] // raw, for Send's ctx to cut
	awaitingEnd atomic.Bool               // the message is out; its reply is awaited

	mu    sync.Mutex
	raw   net.Conn     // the TCP connection, under any TLS
	smtp  *smtp.Client // go-mail's client on it
	dirty bool         // a transaction failed part-way: RSET before the next
	// What the server offers, from its EHLO reply.
	pipelining bool
	smtpUTF8   bool
	mailParams string // " BODY=8BITMIME" when offered
}

// NewClient returns a Client for cfg. It does not dial. A cfg that does not
// Validate makes every Send fail permanently; call Validate first to report
// it before sending.
func NewClient(cfg Config, opts ...ClientOption) *Client {
	c := &Client{
		cfg:    cfg,
		cfgErr: cfg.Validate(),
		retry:  DefaultRetry,
		log:    slog.New(slog.DiscardHandler),
		dial:   (&net.Dialer{}).DialContext,
		sleep:  sleep,
		randN:  rand.Int64N,
	}
	c.cfg.TLS, c.cfg.Auth, c.cfg.Port = cfg.tlsMode(), cfg.authMech(), cfg.port()
	if c.cfg.Timeout == 0 {
		c.cfg.Timeout = DefaultTimeout
	}
	if c.cfg.DataTimeout == 0 {
		c.cfg.DataTimeout = DefaultDataTimeout
	}
	if c.cfg.HELO == "" {
		c.cfg.HELO = defaultHELO()
	}
	c.tlsConf = &tls.Config{
		ServerName:         cfg.Host,
		RootCAs:            cfg.RootCAs,
		MinVersion:         tls.VersionTLS12,
		ClientSessionCache: tls.NewLRUClientSessionCache(1), // cheap reconnects
	}
	c.auth = c.authFor()
	if pw := cfg.Password; pw != "" {
		b64 := base64.StdEncoding.EncodeToString
		c.secrets = []string{pw, b64([]byte(pw)),
			b64([]byte("\x00" + cfg.Username + "\x00" + pw)),                           // PLAIN
			b64([]byte("user=" + cfg.Username + "\x01auth=Bearer " + pw + "\x01\x01")), // XOAUTH2
		}
	}
	for _, o := range opts {
		o(c)
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c
}

func defaultHELO() string {
	h, err := os.Hostname()
	if err != nil || h == "" || strings.ContainsAny(h, " \r\n") {
		return "localhost"
	}
	return h
}

// authFor maps Config.Auth to go-mail's mechanism. Plain-text mechanisms
// over tls = none are allowed because Validate admits none for loopback only.
func (c *Client) authFor() func(*smtp.Client) (smtp.Auth, error) {
	u, p, h, plainOK := c.cfg.Username, c.cfg.Password, c.cfg.Host, c.cfg.TLS == "none"
	switch c.cfg.Auth {
	case "plain":
		return func(*smtp.Client) (smtp.Auth, error) { return smtp.PlainAuth("", u, p, h, plainOK), nil }
	case "login":
		return func(*smtp.Client) (smtp.Auth, error) { return smtp.LoginAuth(u, p, h, plainOK), nil }
	case "cram-md5":
		return func(*smtp.Client) (smtp.Auth, error) { return smtp.CRAMMD5Auth(u, p), nil }
	case "xoauth2":
		return func(*smtp.Client) (smtp.Auth, error) { return smtp.XOAuth2Auth(u, p), nil }
	case "scram-sha-1":
		return func(*smtp.Client) (smtp.Auth, error) { return smtp.ScramSHA1Auth(u, p), nil }
	case "scram-sha-256":
		return func(*smtp.Client) (smtp.Auth, error) { return smtp.ScramSHA256Auth(u, p), nil }
	case "scram-sha-1-plus", "scram-sha-256-plus":
		plus := smtp.ScramSHA256PlusAuth
		if c.cfg.Auth == "scram-sha-1-plus" {
			plus = smtp.ScramSHA1PlusAuth
		}
		return func(cl *smtp.Client) (smtp.Auth, error) {
			st, err := cl.GetTLSConnectionState()
			if err != nil {
				return nil, err
			}
			return plus(u, p, st), nil
		}
	}
	return nil
}

// Send delivers m to rcpt with envelopeFrom as MAIL FROM (bounces go there);
// an empty envelopeFrom takes m's go-mail EnvelopeFrom, else its From. The
// headers are m's: rcpt need not be in them.
//
// A temporary failure is retried under the RetryPolicy with a fresh
// connection when the old one is unusable; a permanent one is returned at
// once. The error is a *SendError, or ctx's error (wrapping the last
// *SendError, if any) when ctx ended before a first or next attempt.
//
// ctx ends Send at once in any state — a wait for the Limiter, a dial, the
// greeting, a command, a backoff — by cutting the connection. A message cut
// before its end went out was not delivered: Send returns ctx's error. Once
// its end went out, Send waits up to StopGrace more for the reply; without
// one the message is uncertain: a *SendError with Uncertain set.
func (c *Client) Send(ctx context.Context, envelopeFrom, rcpt string, m *gomail.Msg) (Result, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cfgErr != nil {
		return Result{}, &SendError{Permanent: true, Stage: string(stageConfig), Err: c.cfgErr}
	}
	from, to, err := envelope(envelopeFrom, rcpt, m)
	if err != nil {
		at := stageEnvelope
		var re *recipientError
		if errors.As(err, &re) {
			at = stageRecipient
		}
		return Result{}, &SendError{Permanent: true, Stage: string(at), Err: err}
	}
	// Cut the connection the moment ctx ends: every read and write then
	// fails at once, whatever it waits for.
	defer context.AfterFunc(ctx, func() {
		if a := c.cur.Load(); a != nil {
			a.abort(c.awaitingEnd.Load())
		}
	})()
	var (
		res  Result
		last *SendError
	)
	stopped := func(err error) (Result, error) {
		if last == nil {
			return res, err
		}
		return res, fmt.Errorf("%w before attempt %d: %w", err, res.Attempts+1, last)
	}
	for {
		if err := ctx.Err(); err != nil {
			return stopped(err)
		}
		if err := c.limiter.Wait(ctx); err != nil {
			return stopped(err)
		}
		reply, at, err := c.attempt(ctx, from, to, m)
		if err == nil {
			res.Attempts++
			res.Reply = reply
			return res, nil
		}
		f := classify(err, at)
		uncertain := at == stageEndOfData && f.code == 0
		if ctx.Err() != nil && !uncertain {
			c.drop()
			return stopped(ctx.Err()) // cut short before the end of data: not delivered
		}
		res.Attempts++
		last = &SendError{Permanent: f.permanent, Code: f.code, Enhanced: f.enhanced,
			Reply: c.redact(f.reply), Attempts: res.Attempts, Stage: string(at), Uncertain: uncertain, Err: c.redactErr(err)}
		if uncertain && ctx.Err() != nil {
			last.Err = fmt.Errorf("%w: %w", ctx.Err(), last.Err)
		}
		if f.permanent || uncertain || res.Attempts >= c.retry.Attempts {
			return res, last
		}
		wait := c.retry.backoff(res.Attempts, c.randN)
		c.log.Warn("smtp attempt failed; retrying", "attempt", res.Attempts, "wait", wait, "error", last.Error())
		if err := c.sleep(ctx, wait); err != nil {
			return stopped(err)
		}
	}
}

// attempt makes one transaction, dialing first if there is no connection.
func (c *Client) attempt(ctx context.Context, from, to string, m *gomail.Msg) (string, stage, error) {
	if a := c.cur.Load(); c.smtp != nil && a != nil && a.isAborted() {
		c.drop() // cut by an earlier Send's context as that Send ended
	}
	reused := c.smtp != nil
	if !reused {
		if err := c.connect(ctx); err != nil {
			return "", stageConnect, err
		}
	}
	reply, at, err := c.transact(from, to, m)
	if err != nil && reused && (at == stageRset || at == stageMail) && stale(err) {
		// The server closed the connection while it sat idle; that says
		// nothing about this message, so redial once without counting it.
		c.log.Debug("smtp connection went stale; redialing", "error", c.redact(err.Error()))
		c.drop()
		if err := c.connect(ctx); err != nil {
			return "", stageConnect, err
		}
		reply, at, err = c.transact(from, to, m)
	}
	if err != nil && !classify(err, at).keepConn {
		c.drop()
	}
	return reply, at, err
}

// connect dials and readies a connection: greeting, EHLO, STARTTLS, AUTH.
// On any failure the connection is closed (go-mail's own dialer leaves it
// open when EHLO, STARTTLS or AUTH fails).
func (c *Client) connect(ctx context.Context) (err error) {
	timeout := c.cfg.Timeout
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dialed, err := c.dial(dctx, "tcp", net.JoinHostPort(c.cfg.Host, strconv.Itoa(c.cfg.Port)))
	if err != nil {
		return err
	}
	raw := &abortable{Conn: dialed}
	c.cur.Store(raw)
	if ctx.Err() != nil {
		raw.abort(false) // ended between the dial and the Store
	}
	defer func() {
		if err != nil {
			raw.Close()
		}
	}()
	var conn net.Conn = raw
	if c.cfg.TLS == "tls" {
		tc := tls.Client(raw, c.tlsConf)
		if err := tc.HandshakeContext(dctx); err != nil {
			return err
		}
		conn = tc
	}
	if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	cl, err := smtp.NewClient(conn, c.cfg.Host) // reads the greeting
	if err != nil {
		return err
	}
	if err := cl.Hello(c.cfg.HELO); err != nil {
		return err
	}
	if c.cfg.TLS == "starttls" {
		if ok, _ := cl.Extension("STARTTLS"); !ok {
			return errNoSTARTTLS
		}
		cl.UpdateDeadline(timeout)
		if err := cl.StartTLS(c.tlsConf); err != nil {
			return err
		}
	}
	if c.auth != nil {
		_, mechs := cl.Extension("AUTH")
		want := strings.ToUpper(c.cfg.Auth)
		if !slices.Contains(strings.Fields(strings.ToUpper(mechs)), want) {
			return fmt.Errorf("%w: %s (offered: %q)", errNoAuth, want, mechs)
		}
		a, err := c.auth(cl)
		if err != nil {
			return err
		}
		cl.UpdateDeadline(timeout)
		if err := cl.Auth(a); err != nil {
			return err
		}
	}
	c.raw, c.smtp, c.dirty = raw, cl, false
	c.pipelining, _ = cl.Extension("PIPELINING")
	c.pipelining = c.pipelining && !c.noPipelining
	c.smtpUTF8, _ = cl.Extension("SMTPUTF8")
	c.mailParams = ""
	if ok, _ := cl.Extension("8BITMIME"); ok {
		c.mailParams = " BODY=8BITMIME"
	}
	c.log.Debug("smtp connected", "server", c.cfg.Host, "port", c.cfg.Port, "tls", c.cfg.TLS)
	return nil
}

// transact runs one mail transaction on the open connection and returns the
// reply to the end of data. It speaks on go-mail's textproto connection
// itself, for speed: MAIL, RCPT and DATA go out in one write when the server
// offers PIPELINING (RFC 2920), and the message is dot-stuffed a line at a
// time rather than a byte at a time. That halves the client's CPU per
// message and the round trips from four to two.
func (c *Client) transact(from, to string, m *gomail.Msg) (string, stage, error) {
	if c.dirty {
		c.smtp.UpdateDeadline(c.cfg.Timeout)
		if err := c.smtp.Reset(); err != nil {
			return "", stageRset, err
		}
		c.dirty = false
	}
	c.dirty = true // until the reply to the end of data
	t := c.smtp.Text
	c.raw.SetDeadline(time.Now().Add(c.cfg.Timeout))
	params := c.mailParams
	if nonASCII(from) || nonASCII(to) {
		if !c.smtpUTF8 {
			// RFC 6531 §3.4: without SMTPUTF8 such a path cannot be sent.
			c.dirty = false
			if nonASCII(from) {
				return "", stageMail, fmt.Errorf("%w: envelope sender %s", errNoSMTPUTF8, from)
			}
			return "", stageRcpt, fmt.Errorf("%w: recipient %s", errNoSMTPUTF8, to)
		}
		params += " SMTPUTF8"
	}
	steps := [...]struct {
		cmd    [3]string
		expect int
		at     stage
	}{
		{[3]string{"MAIL FROM:", from, params}, 250, stageMail},
		{[3]string{"RCPT TO:", to}, 25, stageRcpt},
		{[3]string{"DATA"}, 354, stageData},
	}
	write := func(cmd [3]string) {
		for _, s := range cmd {
			t.W.WriteString(s)
		}
		t.W.WriteString("\r\n")
	}
	if !c.pipelining {
		for _, st := range steps {
			write(st.cmd)
			if err := t.W.Flush(); err != nil {
				return "", st.at, err
			}
			if _, _, err := t.ReadResponse(st.expect); err != nil {
				return "", st.at, err
			}
		}
	} else {
		for _, st := range steps {
			write(st.cmd)
		}
		if err := t.W.Flush(); err != nil {
			return "", stageMail, err
		}
		var (
			failed   error
			failedAt stage
			dataCode int
		)
		for _, st := range steps {
			code, _, err := t.ReadResponse(st.expect)
			if err != nil && (!isReply(err) || code == 421) {
				// The connection is gone, or going. A verdict given before
				// (say, 550 to RCPT) still stands.
				if failed == nil {
					failed, failedAt = err, st.at
				}
				c.drop()
				return "", failedAt, failed
			}
			if err != nil && failed == nil {
				failed, failedAt = err, st.at
			}
			dataCode = code
		}
		if failed != nil {
			if failedAt != stageData && dataCode == 354 {
				// A server must refuse DATA after the only RCPT failed
				// (RFC 2920 §3.1); to one that did not, send an empty
				// message, which has no recipient.
				t.W.WriteString(".\r\n")
				if err := t.W.Flush(); err != nil {
					c.drop()
				} else if _, _, err := t.ReadResponse(0); err != nil && !isReply(err) {
					c.drop()
				}
			}
			return "", failedAt, failed
		}
	}
	c.raw.SetDeadline(time.Now().Add(c.cfg.Timeout))
	dw := dotWriter{w: t.W, bol: true}
	if _, err := m.WriteTo(&dw); err != nil {
		// dotWriter never fails (bufio keeps its error for Flush): this is
		// go-mail unable to write the message, which no retry will change.
		c.drop() // half a message is on the wire
		return "", stageMessage, fmt.Errorf("%w: %w", errBadMessage, err)
	}
	dw.end()
	if err := t.W.Flush(); err != nil {
		return "", stageMessage, err
	}
	// The whole message is out: from here on, no reply means "maybe
	// delivered". Wait for it as long as RFC 5321 §4.5.3.2.6 asks.
	c.raw.SetReadDeadline(time.Now().Add(c.cfg.DataTimeout))
	c.awaitingEnd.Store(true)
	_, msg, err := t.ReadResponse(250)
	c.awaitingEnd.Store(false)
	c.dirty = false
	if err != nil {
		return "", stageEndOfData, err
	}
	return replyText(250, msg), "", nil
}

func isReply(err error) bool {
	var tp *textproto.Error
	return errors.As(err, &tp)
}

func nonASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// dotWriter writes a message as DATA wants it (RFC 5321 §4.5.2): a dot at
// the start of a line is doubled, a bare LF becomes CRLF, and end adds the
// final ".\r\n". It does what textproto's DotWriter does, but a line at a
// time.
type dotWriter struct {
	w   *bufio.Writer
	bol bool // at the beginning of a line
	cr  bool // the last byte written was CR
}

func (d *dotWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if d.bol && p[0] == '.' {
			d.w.WriteByte('.')
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			d.w.Write(p)
			d.bol, d.cr = false, p[len(p)-1] == '\r'
			break
		}
		if i > 0 {
			d.w.Write(p[:i])
			d.cr = p[i-1] == '\r'
		}
		if !d.cr {
			d.w.WriteByte('\r')
		}
		d.w.WriteByte('\n')
		d.bol, d.cr = true, false
		p = p[i+1:]
	}
	// bufio.Writer's error sticks; Flush reports it.
	return n, nil
}

func (d *dotWriter) end() {
	if !d.bol {
		if !d.cr {
			d.w.WriteByte('\r')
		}
		d.w.WriteByte('\n')
	}
	d.w.WriteString(".\r\n")
}

// drop closes the connection without QUIT: it is broken or out of step.
func (c *Client) drop() {
	if c.raw != nil {
		c.raw.Close()
	}
	c.raw, c.smtp, c.dirty = nil, nil, false
	c.cur.Store(nil)
}

// Close says QUIT and closes the connection, if there is one. A later Send
// dials again.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.smtp == nil {
		return nil
	}
	c.smtp.UpdateDeadline(min(c.cfg.Timeout, 5*time.Second))
	err := c.smtp.Quit()
	c.drop()
	if err != nil {
		return fmt.Errorf("smtp QUIT: %w", c.redactErr(err))
	}
	return nil
}

// envelope returns the MAIL FROM and RCPT TO paths, "<addr>".
func envelope(envelopeFrom, rcpt string, m *gomail.Msg) (from, to string, err error) {
	if m == nil {
		return "", "", errors.New("no message")
	}
	if envelopeFrom == "" {
		if from, err = m.GetSender(false); err != nil {
			return "", "", fmt.Errorf("envelope sender: %w", err)
		}
	} else if from, err = smtpPath(envelopeFrom); err != nil {
		return "", "", fmt.Errorf("envelope sender: %w", err)
	}
	if to, err = smtpPath(rcpt); err != nil {
		return "", "", &recipientError{fmt.Errorf("recipient: %w", err)}
	}
	return from, to, nil
}

// recipientError is an envelope problem of the recipient's, not the run's.
type recipientError struct{ error }

func (e *recipientError) Unwrap() error { return e.error }

func smtpPath(addr string) (string, error) {
	a, err := mail.ParseAddress(addr)
	if err != nil {
		return "", fmt.Errorf("%q: %w", truncate(addr, 80), err)
	}
	if err := CheckAddressLength(a.Address); err != nil {
		return "", err
	}
	return (&mail.Address{Address: a.Address}).String(), nil
}

// redact removes the password, in clear or in any encoding an AUTH exchange
// sends it, from s: a server may quote what it was sent.
func (c *Client) redact(s string) string {
	for _, secret := range c.secrets {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	return s
}

func (c *Client) redactErr(err error) error {
	if len(c.secrets) == 0 {
		return err
	}
	if s := err.Error(); c.redact(s) != s {
		return errors.New(c.redact(s))
	}
	return err
}

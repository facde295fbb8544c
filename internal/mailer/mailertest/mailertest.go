// Package mailertest runs an SMTP server on loopback for tests: it records
// every message it accepts and fails on demand (421 at greeting, 451 or 550 at
// RCPT, a sender refused at RCPT, one reply to every RCPT or to every end of
// data, 421 after N messages, a connection dropped during DATA, a stall after
// the greeting, a reply slower than the client's timeout or none at all). It offers STARTTLS (or implicit TLS) with a certificate made at
// start-up, and AUTH PLAIN when given a user. It counts connections, so a
// test can assert that a client never held more than it should.
package mailertest

import (
	"cmp"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TLSMode is how the server offers TLS.
type TLSMode int

// TLS modes.
const (
	StartTLS    TLSMode = iota // plain text, STARTTLS offered (the default)
	NoTLS                      // plain text only: no STARTTLS
	ImplicitTLS                // TLS from the first byte, as on port 465
)

// Stage is where a slow server waits before it replies.
type Stage int

// Stages at which Options.SlowAt makes the server wait.
const (
	Never     Stage = iota
	Greeting        // before the 220 greeting
	Mail            // before the reply to MAIL FROM
	Rcpt            // before the reply to RCPT TO
	EndOfData       // after the whole message was received and recorded, before the reply
)

// Options configure a Server. The zero value offers STARTTLS, no AUTH, and
// accepts everything.
type Options struct {
	TLS TLSMode
	// Username and Password, when set, offer AUTH PLAIN (over TLS, or in
	// NoTLS mode) and require it before MAIL.
	Username, Password string
	// EchoCredentials makes a failed AUTH reply with the username and
	// password the client sent, as a careless server might: a client must
	// keep them out of its errors and logs all the same.
	EchoCredentials bool

	// GreetingFailures: the first N connections are greeted with 421 and
	// closed.
	GreetingFailures int
	// RcptTempFailures: the first N RCPT commands (any recipient) get 451.
	RcptTempFailures int
	// TempFail lists recipients that always get 451.
	TempFail []string
	// Reject lists recipients that always get
	// "550 5.1.1 <addr>: Recipient address rejected: User unknown".
	Reject []string
	// DropInData: the first N DATA transfers end with the server closing the
	// connection after reading part of the message (nothing is recorded).
	DropInData int
	// SlowAt, SlowFor and SlowTimes: the first SlowTimes times (0: every time)
	// the server reaches SlowAt it waits SlowFor before replying, or until
	// the client hangs up.
	SlowAt    Stage
	SlowFor   time.Duration
	SlowTimes int
	// RejectSender: RCPT TO (any recipient) after MAIL FROM this address
	// gets "553 5.7.1 <addr>: Sender address rejected: not owned by user",
	// as Postfix answers its sender restrictions at RCPT by default.
	RejectSender string
	// RcptReply, when set, is the reply to every RCPT TO, as "550 5.7.1
	// text"; "%s" in the text stands for the recipient (a relay that
	// refuses every recipient).
	RcptReply string
	// DataReply, when set, is the reply to the end of every message (which
	// is then not recorded), as "550 5.7.26 text".
	DataReply string
	// GoneAfter: once this many messages were accepted, MAIL FROM gets
	// "421 4.3.2 service shutting down" and the connection is closed, and
	// every new connection is greeted with 421 (0: never).
	GoneAfter int
	// StallAfterGreeting: the server greets with 220 and then says nothing
	// more until the client hangs up (SlowFor, or forever when 0).
	StallAfterGreeting bool
	// SMTPUTF8 offers the extension (RFC 6531).
	SMTPUTF8 bool
	// IdleTimeout, when set, makes the server say 421 and hang up on a
	// client that sends nothing for that long (default 30s).
	IdleTimeout time.Duration
	// Discard keeps no message, only the counts: for benchmarks.
	Discard bool
}

// Message is one accepted message.
type Message struct {
	From    string   // MAIL FROM, without angle brackets
	To      []string // RCPT TO, without angle brackets
	Data    []byte   // the message as received, dot-unstuffed, CRLF line ends
	QueueID string   // as in the reply: "250 2.0.0 OK: queued as <QueueID>"
}

// Stats counts what the server saw.
type Stats struct {
	Connections int // accepted, including those greeted with 421
	Open        int // open now
	MaxOpen     int // the most open at once
	Mail        int // MAIL commands
	Rcpt        int // RCPT commands
	Data        int // DATA transfers begun (354 sent)
	Accepted    int // messages kept (the 250 may not reach a client that hung up)
	Rset        int // RSET commands (and EHLOs after the first, which reset too)
	AuthOK      int
	AuthFailed  int
}

// Server is a running test server. Its methods are safe for concurrent use.
type Server struct {
	Addr string // host:port
	Host string // 127.0.0.1
	Port int

	opts    Options
	ca      *authority
	tlsConf *tls.Config
	ln      net.Listener
	srv     *smtp.Server
	handoff *chanListener
	pending chan net.Conn
	done    chan struct{}
	wg      sync.WaitGroup

	mu       sync.Mutex
	live     map[*countedConn]struct{}
	stats    Stats
	msgs     []Message
	greetBad int
	rcptBad  int
	drops    int
	slows    int
}

// Start starts a server on 127.0.0.1 and stops it when the test ends.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s, err := New(opts)
	if err != nil {
		tb.Fatalf("mailertest: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// New starts a server on 127.0.0.1; Close stops it.
func New(opts Options) (*Server, error) {
	ca, err := newAuthority()
	if err != nil {
		return nil, fmt.Errorf("make certificate: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:     opts,
		ca:       ca,
		tlsConf:  &tls.Config{Certificates: []tls.Certificate{ca.server}, MinVersion: tls.VersionTLS12},
		ln:       ln,
		pending:  make(chan net.Conn),
		done:     make(chan struct{}),
		live:     make(map[*countedConn]struct{}),
		greetBad: opts.GreetingFailures,
		rcptBad:  opts.RcptTempFailures,
		drops:    opts.DropInData,
		slows:    opts.SlowTimes,
	}
	s.Addr = ln.Addr().String()
	host, port, _ := net.SplitHostPort(s.Addr)
	s.Host = host
	s.Port, _ = strconv.Atoi(port)

	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	s.srv.Domain = "mailertest.localhost"
	s.srv.ReadTimeout = cmp.Or(opts.IdleTimeout, 30*time.Second)
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.ErrorLog = log.New(io.Discard, "", 0) // dropped connections are the point
	if opts.TLS == StartTLS {
		s.srv.TLSConfig = s.tlsConf
	}
	s.srv.AllowInsecureAuth = opts.TLS == NoTLS
	s.srv.EnableSMTPUTF8 = opts.SMTPUTF8

	s.handoff = &chanListener{addr: ln.Addr(), conns: s.pending, done: make(chan struct{})}
	s.wg.Add(2)
	go func() { defer s.wg.Done(); s.srv.Serve(s.handoff) }()
	go func() { defer s.wg.Done(); s.accept() }()
	return s, nil
}

// RootCAs returns a pool holding only the CA that signed the server's
// certificate (valid for 127.0.0.1, ::1 and localhost).
func (s *Server) RootCAs() *x509.CertPool { return s.ca.pool }

// CAPEM returns that CA certificate in PEM, as a ca_file would hold it.
func (s *Server) CAPEM() []byte { return slices.Clone(s.ca.pem) }

// Messages returns a copy of every accepted message, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.msgs))
	for i, m := range s.msgs {
		out[i] = Message{From: m.From, To: slices.Clone(m.To), Data: slices.Clone(m.Data), QueueID: m.QueueID}
	}
	return out
}

// Stats returns the counts so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Close stops the server and closes every connection.
func (s *Server) Close() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	close(s.done)
	err := s.ln.Close()
	s.handoff.Close() // go-smtp closes it too, unless Serve had not begun yet
	s.srv.Close()
	s.mu.Lock()
	live := make([]*countedConn, 0, len(s.live))
	for c := range s.live {
		live = append(live, c)
	}
	s.mu.Unlock()
	for _, c := range live { // those still in accept's hands
		c.Close()
	}
	s.wg.Wait()
	return err
}

// accept counts each connection and hands it to go-smtp, unless a fault
// says to answer it here first.
func (s *Server) accept() {
	for {
		raw, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.stats.Connections++
		s.stats.Open++
		s.stats.MaxOpen = max(s.stats.MaxOpen, s.stats.Open)
		reject := take(&s.greetBad) || (s.opts.GoneAfter > 0 && s.stats.Accepted >= s.opts.GoneAfter)
		c := &countedConn{Conn: raw, s: s}
		s.live[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serve(c, reject)
		}()
	}
}

func (s *Server) serve(c *countedConn, reject bool) {
	var conn net.Conn = c
	if s.opts.TLS == ImplicitTLS {
		tc := tls.Server(c, s.tlsConf)
		tc.SetDeadline(time.Now().Add(10 * time.Second))
		if err := tc.Handshake(); err != nil {
			c.Close()
			return
		}
		tc.SetDeadline(time.Time{})
		conn = tc
	}
	if reject {
		// Stop counting before the client can read the reply and redial.
		c.release()
		fmt.Fprintf(conn, "421 4.3.2 mailertest: service not available, closing connection\r\n")
		c.Close()
		return
	}
	if s.opts.StallAfterGreeting {
		fmt.Fprintf(conn, "220 mailertest.localhost ESMTP stalling\r\n")
		d := s.opts.SlowFor
		if d == 0 {
			d = 24 * time.Hour
		}
		// Read and ignore what the client says until it hangs up.
		conn.SetReadDeadline(time.Now().Add(d))
		io.Copy(io.Discard, conn)
		c.Close()
		return
	}
	if s.slow(Greeting) && !stall(conn, s.opts.SlowFor) {
		c.Close()
		return
	}
	select {
	case s.pending <- conn:
	case <-s.done:
		c.Close()
	}
}

// slow reports whether the server should stall now at stage.
func (s *Server) slow(at Stage) bool {
	if s.opts.SlowAt != at || at == Never {
		return false
	}
	if s.opts.SlowTimes == 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return take(&s.slows)
}

// stall waits d before the server replies, and reports false if the client
// hung up meanwhile (it sends nothing while it waits for a reply, so any
// read that does not time out means it is gone).
func stall(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	var b [1]byte
	_, err := c.Read(b[:])
	c.SetReadDeadline(time.Time{})
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func take(n *int) bool {
	if *n <= 0 {
		return false
	}
	*n--
	return true
}

// countedConn keeps Stats.Open right: release runs once, when the server
// decides to end the connection (before it closes it) or when go-smtp closes
// it.
type countedConn struct {
	net.Conn
	s    *Server
	once sync.Once
}

func (c *countedConn) release() {
	c.once.Do(func() {
		c.s.mu.Lock()
		c.s.stats.Open--
		delete(c.s.live, c)
		c.s.mu.Unlock()
	})
}

func (c *countedConn) Close() error {
	c.release()
	return c.Conn.Close()
}

// chanListener feeds go-smtp the connections accept let through.
type chanListener struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return l.addr }

// parseReply turns "550 5.7.1 text" into go-smtp's error, with %s in the
// text replaced by arg.
func parseReply(reply, arg string) *smtp.SMTPError {
	code, rest, _ := strings.Cut(reply, " ")
	e := &smtp.SMTPError{Message: rest}
	e.Code, _ = strconv.Atoi(code)
	if word, text, ok := strings.Cut(rest, " "); ok {
		var ec smtp.EnhancedCode
		if n, _ := fmt.Sscanf(word, "%d.%d.%d", &ec[0], &ec[1], &ec[2]); n == 3 {
			e.EnhancedCode, e.Message = ec, text
		}
	}
	if strings.Contains(e.Message, "%s") {
		e.Message = fmt.Sprintf(e.Message, arg)
	}
	return e
}

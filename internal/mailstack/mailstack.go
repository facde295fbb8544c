// Package mailstack connects integration tests to the real Postfix + Dovecot
// stack that testdata/mailstack/start.sh runs on loopback.
//
// Start the stack once, then point ANNOUNCE_MAILSTACK at the env file it
// writes:
//
//	testdata/mailstack/install.sh
//	testdata/mailstack/start.sh /tmp/announce-mailstack
//	ANNOUNCE_MAILSTACK=/tmp/announce-mailstack/env go test ./...
//
// Postfix takes mail for any address in katuma.test, example.test, *.test and
// *.example and delivers it to Dovecot, where every address has a mailbox of
// its own. The stack is shared by every test that runs against it, and its
// mailboxes keep what earlier runs delivered: send to UniqueAddress, or pick
// your message out with WaitForMessage.
package mailstack

import (
	"bufio"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// EnvVar names the environment variable that holds the path of the env file
// start.sh writes (DIR/env).
const EnvVar = "ANNOUNCE_MAILSTACK"

const startHint = "start it with `testdata/mailstack/install.sh && testdata/mailstack/start.sh /tmp/announce-mailstack` " +
	"and set " + EnvVar + "=/tmp/announce-mailstack/env"

// Stack describes a running test mail stack. All addresses are on loopback
// and every TLS port presents a certificate signed by RootCAs for
// ServerName, "localhost", and for 127.0.0.1.
type Stack struct {
	Dir string // the DIR given to start.sh

	SMTPHost      string
	SMTPPort      int // submission: STARTTLS required, then SMTP AUTH PLAIN or LOGIN
	SMTPPlainPort int // MX-like: no STARTTLS, no AUTH, takes mail for the test domains
	SMTPUser      string
	SMTPPassword  string

	IMAPHost     string
	IMAPPort     int // STARTTLS required before LOGIN
	IMAPSPort    int // implicit TLS
	IMAPUser     string
	IMAPPassword string

	// A master user logs in as any address: user "addr" + MasterSeparator +
	// MasterUser, with MasterPassword. See MasterLogin.
	MasterUser      string
	MasterPassword  string
	MasterSeparator string

	CAFile     string
	RootCAs    *x509.CertPool
	ServerName string

	Doveadm    []string // doveadm with -c for this stack's Dovecot
	PostfixLog string
	DovecotLog string
}

// Load returns the stack that ANNOUNCE_MAILSTACK describes. Without it, the
// test is skipped, or fails when CI=true, because CI must run these tests.
func Load(t testing.TB) *Stack {
	t.Helper()
	path := os.Getenv(EnvVar)
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is unset, and CI must run the mail stack tests: %s", EnvVar, startHint)
		}
		t.Skipf("%s is unset, so no mail stack to test against: %s", EnvVar, startHint)
	}
	s, err := loadFile(path)
	if err != nil {
		// start.sh removes the env file when it stops the stack.
		t.Fatalf("load mail stack from %s=%s: %v (is the stack running? %s)", EnvVar, path, err, startHint)
	}
	// A stack that was stopped or whose machine rebooted fails every test
	// with "connection refused"; say what to do instead, once.
	conn, err := net.DialTimeout("tcp", s.SubmissionAddr(), 2*time.Second)
	if err != nil {
		t.Fatalf("mail stack in %s is not answering (%v): run testdata/mailstack/start.sh %s", s.Dir, err, s.Dir)
	}
	conn.Close()
	return s
}

// loadFile reads the env file at path and the password and CA files it names.
func loadFile(path string) (*Stack, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	env, err := parseEnv(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s, err := fromEnv(env)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// parseEnv reads shell "KEY=value" lines as start.sh writes them: blank lines
// and # comments are skipped, and a value may be wrapped in single quotes.
func parseEnv(r io.Reader) (map[string]string, error) {
	env := make(map[string]string)
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok || key == "" {
			return nil, fmt.Errorf("line %d: want KEY=value, got %q", n, line)
		}
		if len(value) >= 2 && value[0] == '\'' && value[len(value)-1] == '\'' {
			value = value[1 : len(value)-1]
		}
		env[key] = value
	}
	return env, sc.Err()
}

// fromEnv builds a Stack from the env file's keys, reading the files they
// name. It reports every missing or bad key at once.
func fromEnv(env map[string]string) (*Stack, error) {
	var errs []error
	str := func(key string) string {
		v, ok := env[key]
		if !ok || v == "" {
			errs = append(errs, fmt.Errorf("%s is missing", key))
		}
		return v
	}
	port := func(key string) int {
		v := str(key)
		if v == "" {
			return 0
		}
		p, err := strconv.Atoi(v)
		if err != nil || p <= 0 || p > 65535 {
			errs = append(errs, fmt.Errorf("%s=%q is not a port", key, v))
		}
		return p
	}
	secret := func(key string) string {
		name := str(key)
		if name == "" {
			return ""
		}
		b, err := os.ReadFile(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
		}
		return strings.TrimSpace(string(b))
	}

	s := &Stack{
		Dir:             str("ANNOUNCE_TEST_MAILSTACK_DIR"),
		SMTPHost:        str("ANNOUNCE_TEST_SMTP_HOST"),
		SMTPPort:        port("ANNOUNCE_TEST_SMTP_PORT"),
		SMTPPlainPort:   port("ANNOUNCE_TEST_SMTP_PLAIN_PORT"),
		SMTPUser:        str("ANNOUNCE_TEST_SMTP_USER"),
		SMTPPassword:    secret("ANNOUNCE_TEST_SMTP_PASSWORD_FILE"),
		IMAPHost:        str("ANNOUNCE_TEST_IMAP_HOST"),
		IMAPPort:        port("ANNOUNCE_TEST_IMAP_PORT"),
		IMAPSPort:       port("ANNOUNCE_TEST_IMAPS_PORT"),
		IMAPUser:        str("ANNOUNCE_TEST_IMAP_USER"),
		IMAPPassword:    secret("ANNOUNCE_TEST_IMAP_PASSWORD_FILE"),
		MasterUser:      str("ANNOUNCE_TEST_IMAP_MASTER_USER"),
		MasterPassword:  secret("ANNOUNCE_TEST_IMAP_MASTER_PASSWORD_FILE"),
		MasterSeparator: str("ANNOUNCE_TEST_IMAP_MASTER_SEPARATOR"),
		CAFile:          str("ANNOUNCE_TEST_CA_FILE"),
		ServerName:      str("ANNOUNCE_TEST_TLS_SERVER_NAME"),
		Doveadm:         strings.Fields(str("ANNOUNCE_TEST_DOVEADM")),
		PostfixLog:      str("ANNOUNCE_TEST_POSTFIX_LOG"),
		DovecotLog:      str("ANNOUNCE_TEST_DOVECOT_LOG"),
	}
	if s.CAFile != "" {
		pem, err := os.ReadFile(s.CAFile)
		if err != nil {
			errs = append(errs, fmt.Errorf("ANNOUNCE_TEST_CA_FILE: %w", err))
		} else {
			s.RootCAs = x509.NewCertPool()
			if !s.RootCAs.AppendCertsFromPEM(pem) {
				errs = append(errs, fmt.Errorf("ANNOUNCE_TEST_CA_FILE: no certificate in %s", s.CAFile))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// SubmissionAddr is host:port of the submission service.
func (s *Stack) SubmissionAddr() string {
	return net.JoinHostPort(s.SMTPHost, strconv.Itoa(s.SMTPPort))
}

// PlainSMTPAddr is host:port of the plain (no TLS, no AUTH) SMTP service.
func (s *Stack) PlainSMTPAddr() string {
	return net.JoinHostPort(s.SMTPHost, strconv.Itoa(s.SMTPPlainPort))
}

// IMAPAddr is host:port of the IMAP service (STARTTLS).
func (s *Stack) IMAPAddr() string {
	return net.JoinHostPort(s.IMAPHost, strconv.Itoa(s.IMAPPort))
}

// IMAPSAddr is host:port of the IMAPS service (implicit TLS).
func (s *Stack) IMAPSAddr() string {
	return net.JoinHostPort(s.IMAPHost, strconv.Itoa(s.IMAPSPort))
}

// TLSConfig returns a client configuration that trusts only the stack's CA.
func (s *Stack) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.RootCAs, ServerName: s.ServerName, MinVersion: tls.VersionTLS12}
}

// MasterLogin returns the IMAP user name and password that open address's
// mailbox through the master user.
func (s *Stack) MasterLogin(address string) (user, password string) {
	return address + s.MasterSeparator + s.MasterUser, s.MasterPassword
}

var unique atomic.Uint64

// UniqueAddress returns an address in domain that no other test, run or
// process has used, so its mailbox holds only what this test sends.
func (s *Stack) UniqueAddress(t testing.TB, domain string) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r - 'A' + 'a'
		}
		return '-'
	}, t.Name())
	if len(name) > 40 {
		name = name[:40]
	}
	return fmt.Sprintf("%s-%d-%d-%d@%s", name, time.Now().UnixNano(), os.Getpid(), unique.Add(1), domain)
}

// DialIMAP connects to the IMAP port, upgrades with STARTTLS verified against
// the stack's CA and logs in. The connection is closed when ctx is done, since
// go-imap takes no context; the caller closes it otherwise.
func (s *Stack) DialIMAP(ctx context.Context, user, password string) (*imapclient.Client, error) {
	c, err := imapclient.DialStartTLS(s.IMAPAddr(), &imapclient.Options{
		TLSConfig: s.TLSConfig(),
		Dialer:    &net.Dialer{Timeout: 5 * time.Second},
	})
	if err != nil {
		return nil, fmt.Errorf("dial imap %s: %w", s.IMAPAddr(), err)
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	go func() {
		<-c.Closed()
		stop()
	}()
	if err := c.Login(user, password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("imap login as %s: %w", user, err)
	}
	return c, nil
}

// Messages returns the raw messages in address's INBOX, oldest first.
func (s *Stack) Messages(ctx context.Context, address string) ([][]byte, error) {
	c, err := s.openInbox(ctx, address)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	msgs, _, err := fetchSince(c, 0)
	if err != nil {
		return nil, fmt.Errorf("fetch INBOX of %s: %w", address, err)
	}
	return msgs, nil
}

// openInbox logs in to address's mailbox as the master user and selects its
// INBOX read-only, so that reading leaves no \Seen flags behind.
func (s *Stack) openInbox(ctx context.Context, address string) (*imapclient.Client, error) {
	user, password := s.MasterLogin(address)
	c, err := s.DialIMAP(ctx, user, password)
	if err != nil {
		return nil, err
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("select INBOX of %s: %w", address, err)
	}
	return c, nil
}

// WaitForMessage polls address's INBOX until a message for which match
// returns true arrives, and returns it raw. Delivery is asynchronous
// (Postfix queues, then hands over to Dovecot), so tests wait rather than
// look once. It fails the test after 15 s.
func (s *Stack) WaitForMessage(t testing.TB, address string, match func(raw []byte) bool) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	raw, err := s.waitForMessage(ctx, address, match)
	if err != nil {
		t.Fatalf("wait for message to %s: %v (see %s and %s)", address, err, s.PostfixLog, s.DovecotLog)
	}
	return raw
}

func (s *Stack) waitForMessage(ctx context.Context, address string, match func([]byte) bool) ([]byte, error) {
	c, err := s.openInbox(ctx, address)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var seen imap.UID
	for {
		msgs, last, err := fetchSince(c, seen)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("no matching message: %w", ctx.Err())
			}
			return nil, err
		}
		if i := slices.IndexFunc(msgs, match); i >= 0 {
			return msgs[i], nil
		}
		seen = last
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no matching message: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
		// NOOP lets Dovecot report new messages (EXISTS).
		if err := c.Noop().Wait(); err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("no matching message: %w", ctx.Err())
			}
			return nil, fmt.Errorf("noop: %w", err)
		}
	}
}

// fetchSince returns the raw messages with a UID above after, oldest first,
// and the highest UID seen. The mailbox must be selected.
//
// It asks the server even when the mailbox looks empty: in go-imap
// v2.0.0-beta.8, Select(...).Wait() can return before Client.Mailbox()
// reflects the new mailbox.
func fetchSince(c *imapclient.Client, after imap.UID) ([][]byte, imap.UID, error) {
	var uids imap.UIDSet
	uids.AddRange(after+1, 0) // after+1:*
	section := &imap.FetchItemBodySection{Peek: true}
	bufs, err := c.Fetch(uids, &imap.FetchOptions{
		UID:         true,
		BodySection: []*imap.FetchItemBodySection{section},
	}).Collect()
	if err != nil {
		return nil, after, err
	}
	slices.SortFunc(bufs, func(a, b *imapclient.FetchMessageBuffer) int { return cmp.Compare(a.UID, b.UID) })
	var msgs [][]byte
	last := after
	for _, buf := range bufs {
		// "n:*" always includes the highest UID, even below n.
		if buf.UID <= after {
			continue
		}
		msgs = append(msgs, buf.FindBodySection(section))
		last = buf.UID
	}
	return msgs, last, nil
}

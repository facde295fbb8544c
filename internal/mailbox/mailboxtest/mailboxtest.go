// Package mailboxtest is the test kit of the support inbox: an IMAP server to
// read from — go-imap's in-memory server (imapmemserver) anywhere, and the
// loopback Dovecot of internal/mailstack when it is up — with a mailbox of
// each test's own in it, and a realistic support inbox to put there: the
// classifier's corpus, plus replies and bounces to deliveries it seeds in a
// ledger.
//
// Tests run against every server ForEach names (go-imap's own pattern:
// imapmemserver by default, Dovecot when asked): the in-memory one always,
// Dovecot when ANNOUNCE_MAILSTACK is set, and with CI=true Dovecot must run
// (mailstack.Load fails the test when it cannot).
package mailboxtest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/openfoodfoundation/announce/internal/mailbox"
	"github.com/openfoodfoundation/announce/internal/mailstack"
)

// Server is an IMAP server on loopback that tests read from. Both of its
// ports present a certificate for ServerName (and 127.0.0.1) signed by
// RootCAs.
type Server struct {
	Name         string // "memory" or "dovecot", the subtest's name
	Host         string
	TLSPort      int // implicit TLS
	StartTLSPort int // STARTTLS required before LOGIN
	RootCAs      *x509.CertPool
	ServerName   string
	// Stack is the mail stack of the Dovecot server; nil for the in-memory one.
	Stack *mailstack.Stack

	caPEM   []byte // the in-memory server's CA
	newUser func(t testing.TB, addr string) (user, password string)
}

// Dovecot is the mail stack's Dovecot. Without a stack the test is skipped,
// or fails when CI=true (see mailstack.Load).
func Dovecot(t testing.TB) *Server {
	t.Helper()
	st := mailstack.Load(t)
	return &Server{Name: "dovecot", Host: st.IMAPHost, TLSPort: st.IMAPSPort, StartTLSPort: st.IMAPPort, RootCAs: st.RootCAs,
		ServerName: st.ServerName, Stack: st,
		newUser: func(_ testing.TB, addr string) (string, string) { return st.MasterLogin(addr) }}
}

// WithDovecot reports whether tests run against Dovecot too: when the mail
// stack is named, and always in CI.
func WithDovecot() bool {
	return os.Getenv(mailstack.EnvVar) != "" || os.Getenv("CI") == "true"
}

// ForEach runs f as a subtest against the in-memory server and, when
// WithDovecot, against Dovecot.
func ForEach(t *testing.T, f func(t *testing.T, srv *Server)) {
	t.Helper()
	t.Run("memory", func(t *testing.T) { f(t, Memory(t)) })
	if WithDovecot() {
		t.Run("dovecot", func(t *testing.T) { f(t, Dovecot(t)) })
	}
}

// CAFile writes the server's CA certificate to a file and returns its path,
// for a configuration's ca_file.
func (s *Server) CAFile(t testing.TB) string {
	t.Helper()
	if s.Stack != nil {
		return s.Stack.CAFile
	}
	p := filepath.Join(t.TempDir(), "imap-ca.pem")
	if err := os.WriteFile(p, s.caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Box is one mailbox of an address no other test uses.
type Box struct {
	Server   *Server
	Address  string
	Name     string // the mailbox, e.g. INBOX or Support
	User     string // the login that opens Address's mailboxes
	Password string
}

// NewBox makes a Box for a new address in katuma.test; a Name other than
// INBOX is created.
func (s *Server) NewBox(t testing.TB, name string) *Box {
	t.Helper()
	addr := uniqueAddress(t, "katuma.test")
	user, pw := s.newUser(t, addr)
	b := &Box{Server: s, Address: addr, Name: name, User: user, Password: pw}
	if !strings.EqualFold(name, "INBOX") {
		c := b.dial(t)
		defer c.Close()
		if err := c.Create(name, nil).Wait(); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
	return b
}

// Config is how announce reaches the Box: implicit TLS, the server's CA.
func (b *Box) Config() mailbox.Config {
	s := b.Server
	return mailbox.Config{Host: s.Host, Port: s.TLSPort, TLS: "tls", RootCAs: s.RootCAs,
		ServerName: s.ServerName, Username: b.User, Password: b.Password}
}

// dial logs in to the Box's server over implicit TLS, as the kit's own
// client (not announce's).
func (b *Box) dial(t testing.TB) *imapclient.Client {
	t.Helper()
	s := b.Server
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.TLSPort))
	c, err := imapclient.DialTLS(addr, &imapclient.Options{
		TLSConfig: &tls.Config{RootCAs: s.RootCAs, ServerName: s.ServerName, MinVersion: tls.VersionTLS12},
		Dialer:    &net.Dialer{Timeout: 5 * time.Second},
	})
	if err != nil {
		t.Fatalf("dial %s imap %s: %v", s.Name, addr, err)
	}
	if err := c.Login(b.User, b.Password).Wait(); err != nil {
		c.Close()
		t.Fatalf("%s imap login as %s: %v", s.Name, b.User, err)
	}
	return c
}

// uniqueAddress is an address in domain that no other test, run or process
// has used, so its mailbox holds only what this test puts there.
func uniqueAddress(t testing.TB, domain string) string {
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

// Append puts msgs in the mailbox, in order, with pipelined APPENDs.
func (b *Box) Append(t testing.TB, msgs ...[]byte) {
	t.Helper()
	c := b.dial(t)
	defer c.Close()
	if err := AppendAll(c, b.Name, msgs); err != nil {
		t.Fatalf("append to %s of %s: %v", b.Name, b.Address, err)
	}
}

// AppendAll appends msgs to mailbox over c, up to 64 commands in flight.
func AppendAll(c *imapclient.Client, mailbox string, msgs [][]byte) error {
	var inflight []*imapclient.AppendCommand
	wait := func(n int) error {
		for len(inflight) > n {
			if _, err := inflight[0].Wait(); err != nil {
				return err
			}
			inflight = inflight[1:]
		}
		return nil
	}
	for _, m := range msgs {
		cmd := c.Append(mailbox, int64(len(m)), nil)
		if _, err := cmd.Write(m); err != nil {
			return err
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		inflight = append(inflight, cmd)
		if err := wait(64); err != nil {
			return err
		}
	}
	return wait(0)
}

// Recreate deletes the mailbox and creates it anew, empty, with a new
// UIDVALIDITY.
func (b *Box) Recreate(t testing.TB) {
	t.Helper()
	c := b.dial(t)
	defer c.Close()
	if err := c.Delete(b.Name).Wait(); err != nil {
		t.Fatalf("delete %s: %v", b.Name, err)
	}
	if err := c.Create(b.Name, nil).Wait(); err != nil {
		t.Fatalf("create %s: %v", b.Name, err)
	}
}

// Snapshot is the state of a mailbox a read must not change.
type Snapshot struct {
	UIDValidity, UIDNext, Messages uint32
	Flags                          map[uint32]string // UID → sorted flags
	Sizes                          map[uint32]int64
}

// Snapshot reads the mailbox's state without changing it (EXAMINE).
func (b *Box) Snapshot(t testing.TB) Snapshot {
	t.Helper()
	c := b.dial(t)
	defer c.Close()
	data, err := c.Select(b.Name, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	s := Snapshot{UIDValidity: data.UIDValidity, UIDNext: uint32(data.UIDNext), Messages: data.NumMessages,
		Flags: map[uint32]string{}, Sizes: map[uint32]int64{}}
	if data.NumMessages == 0 {
		return s
	}
	var all imap.UIDSet
	all.AddRange(1, 0)
	bufs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true, RFC822Size: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range bufs {
		var fs []string
		for _, f := range m.Flags {
			fs = append(fs, string(f))
		}
		slices.Sort(fs)
		s.Flags[uint32(m.UID)] = strings.Join(fs, " ")
		s.Sizes[uint32(m.UID)] = m.RFC822Size
	}
	return s
}

// Has reports whether message uid has flag; flags compare without case, as
// IMAP has them (go-imap's in-memory server keeps keywords in lower case).
func (s Snapshot) Has(uid uint32, flag string) bool {
	return slices.ContainsFunc(strings.Fields(s.Flags[uid]), func(f string) bool { return strings.EqualFold(f, flag) })
}

// Diff tells how two snapshots differ; "" when they do not.
func (s Snapshot) Diff(o Snapshot) string {
	var d []string
	if s.UIDValidity != o.UIDValidity || s.UIDNext != o.UIDNext || s.Messages != o.Messages {
		d = append(d, fmt.Sprintf("UIDVALIDITY %d → %d, UIDNEXT %d → %d, messages %d → %d",
			s.UIDValidity, o.UIDValidity, s.UIDNext, o.UIDNext, s.Messages, o.Messages))
	}
	for uid, f := range s.Flags {
		if o.Flags[uid] != f || o.Sizes[uid] != s.Sizes[uid] {
			d = append(d, fmt.Sprintf("UID %d: flags %q → %q, size %d → %d", uid, f, o.Flags[uid], s.Sizes[uid], o.Sizes[uid]))
		}
	}
	return strings.Join(d, "; ")
}

// Root is the repository's root directory.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Corpus returns the classifier's corpus (internal/inbox/testdata/corpus),
// by file name.
func Corpus(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(Root(), "internal", "inbox", "testdata", "corpus", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// Unrelated returns a message that has nothing to do with any notice, unique by n.
func Unrelated(n int) []byte {
	return crlf(fmt.Sprintf(`From: Proveidor %d <factures@proveidor.test>
To: info@katuma.test
Subject: Factura %d de maig
Date: Thu, 2 May 2019 10:%02d:00 +0200
Message-ID: <factura-%d-%d@proveidor.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Bon dia, adjuntem la factura %d.
`, n, n, n%60, n, time.Now().UnixNano(), n))
}

func crlf(s string) []byte {
	return bytes.ReplaceAll([]byte(s), []byte("\n"), []byte("\r\n"))
}

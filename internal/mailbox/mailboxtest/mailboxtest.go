// Package mailboxtest gives the tests of the support-inbox digest a mailbox of
// their own on the loopback Dovecot (internal/mailstack) and a realistic
// support inbox to put in it: the classifier's corpus, plus replies and
// bounces to deliveries it seeds in a ledger.
package mailboxtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/openfoodfoundation/announce/internal/mailbox"
	"github.com/openfoodfoundation/announce/internal/mailstack"
)

// Box is one mailbox of an address no other test uses, opened through the
// stack's master user.
type Box struct {
	Stack    *mailstack.Stack
	Address  string
	Name     string // the mailbox, e.g. INBOX or Support
	User     string // the master login that opens Address's mailboxes
	Password string
}

// New makes a Box for a new address in katuma.test; a Name other than INBOX
// is created.
func New(t testing.TB, st *mailstack.Stack, name string) *Box {
	t.Helper()
	addr := st.UniqueAddress(t, "katuma.test")
	user, pw := st.MasterLogin(addr)
	b := &Box{Stack: st, Address: addr, Name: name, User: user, Password: pw}
	if !strings.EqualFold(name, "INBOX") {
		c := b.dial(t)
		defer c.Close()
		if err := c.Create(name, nil).Wait(); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
	return b
}

// Config is how announce reaches the Box: implicit TLS, the stack's CA.
func (b *Box) Config() mailbox.Config {
	return mailbox.Config{Host: b.Stack.IMAPHost, Port: b.Stack.IMAPSPort, TLS: "tls", RootCAs: b.Stack.RootCAs,
		ServerName: b.Stack.ServerName, Username: b.User, Password: b.Password}
}

func (b *Box) dial(t testing.TB) *imapclient.Client {
	t.Helper()
	c, err := b.Stack.DialIMAP(context.Background(), b.User, b.Password)
	if err != nil {
		t.Fatal(err)
	}
	return c
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

// Equal reports whether two snapshots are the same, and how not.
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

package mailbox_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/openfoodfoundation/announce/internal/mailbox"
	"github.com/openfoodfoundation/announce/internal/mailbox/mailboxtest"
)

// Every test here runs against go-imap's in-memory server and, when the mail
// stack is up (always in CI), against Dovecot: see mailboxtest.ForEach.

func dial(t *testing.T, box *mailboxtest.Box) *mailbox.Conn {
	t.Helper()
	c, err := mailbox.Dial(t.Context(), box.Config())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func open(t *testing.T, c *mailbox.Conn, box *mailboxtest.Box, readOnly bool) *mailbox.Mailbox {
	t.Helper()
	m, err := c.Open(t.Context(), box.Name, readOnly)
	if err != nil {
		t.Fatalf("Open(%s, %v): %v", box.Name, readOnly, err)
	}
	return m
}

// Certificates are verified: a server whose CA is not given is refused, on
// either TLS mode; STARTTLS works with it given; a wrong password is an
// error that does not show it; an unknown TLS mode is refused before any
// connection.
func TestDial(t *testing.T) {
	mailboxtest.ForEach(t, func(t *testing.T, srv *mailboxtest.Server) {
		box := srv.NewBox(t, "INBOX")
		for _, mode := range []struct {
			tls  string
			port int
		}{{"tls", srv.TLSPort}, {"starttls", srv.StartTLSPort}} {
			cfg := box.Config()
			cfg.TLS, cfg.Port, cfg.RootCAs = mode.tls, mode.port, nil
			if c, err := mailbox.Dial(t.Context(), cfg); err == nil {
				c.Close()
				t.Errorf("Dial with %s trusted a certificate of an unknown CA", mode.tls)
			} else if !strings.Contains(err.Error(), "certificate") {
				t.Errorf("Dial with %s and an unknown CA: %v, want a certificate error", mode.tls, err)
			}
		}
		cfg := box.Config()
		cfg.TLS, cfg.Port = "starttls", srv.StartTLSPort
		c, err := mailbox.Dial(t.Context(), cfg)
		if err != nil {
			t.Fatalf("Dial with STARTTLS: %v", err)
		}
		c.Close()
		cfg.Password = "wrong-Pa55word"
		if c, err := mailbox.Dial(t.Context(), cfg); err == nil || strings.Contains(err.Error(), cfg.Password) || !strings.Contains(err.Error(), "login") {
			if c != nil {
				c.Close()
			}
			t.Errorf("Dial with a wrong password: %v, want a login error without the password", err)
		}
		cfg.TLS = "none"
		if _, err := mailbox.Dial(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "unknown TLS mode") {
			t.Errorf("Dial with tls = none: %v, want unknown TLS mode", err)
		}
	})
}

// EXAMINE opens read-only and refuses to store; SELECT stores a keyword on
// exactly the messages asked, and neither sets \Seen.
func TestOpenAndKeyword(t *testing.T) {
	mailboxtest.ForEach(t, func(t *testing.T, srv *mailboxtest.Server) {
		box := srv.NewBox(t, "Support")
		box.Append(t, mailboxtest.Unrelated(1), mailboxtest.Unrelated(2), mailboxtest.Unrelated(3))
		c := dial(t, box)

		m := open(t, c, box, true)
		if !m.ReadOnly || m.Name != box.Name || m.UIDValidity == 0 || m.Messages != 3 || m.UIDNext != 4 {
			t.Errorf("EXAMINE %s = %+v, want read-only, a UIDVALIDITY, 3 messages, UIDNEXT 4", box.Name, m)
		}
		if err := c.AddKeyword(t.Context(), []uint32{1}, "$AnnounceSeen"); err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("AddKeyword on a read-only mailbox: %v, want refused", err)
		}

		m = open(t, c, box, false)
		if m.ReadOnly || !m.CanKeep("$AnnounceSeen") {
			t.Errorf("SELECT %s = %+v, want read-write, keeping any keyword", box.Name, m)
		}
		if err := c.AddKeyword(t.Context(), []uint32{1, 3}, "$AnnounceSeen"); err != nil {
			t.Fatalf("AddKeyword: %v", err)
		}
		snap := box.Snapshot(t)
		for uid, want := range map[uint32]bool{1: true, 2: false, 3: true} {
			if got := snap.Has(uid, "$AnnounceSeen"); got != want {
				t.Errorf("UID %d flags %q: keyword %v, want %v", uid, snap.Flags[uid], got, want)
			}
			if snap.Has(uid, `\Seen`) {
				t.Errorf("UID %d is \\Seen: %q", uid, snap.Flags[uid])
			}
		}
		if _, err := c.Open(t.Context(), "Nowhere", true); err == nil || !strings.Contains(err.Error(), "examine Nowhere") {
			t.Errorf("Open of a missing mailbox: %v, want an error naming it", err)
		}
	})
}

func TestUIDsAfter(t *testing.T) {
	mailboxtest.ForEach(t, func(t *testing.T, srv *mailboxtest.Server) {
		box := srv.NewBox(t, "INBOX")
		for i := range 5 {
			box.Append(t, mailboxtest.Unrelated(10+i))
		}
		c := dial(t, box)
		open(t, c, box, true)
		for _, tc := range []struct {
			after uint32
			want  mailbox.UIDs
		}{
			{0, mailbox.UIDs{{1, 5}}},
			{3, mailbox.UIDs{{4, 5}}},
			{4, mailbox.UIDs{{5, 5}}},
			{5, nil},
			{9, nil},
		} {
			got, err := c.UIDsAfter(t.Context(), tc.after)
			if err != nil {
				t.Fatalf("UIDsAfter(%d): %v", tc.after, err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("UIDsAfter(%d) = %v, want %v", tc.after, got, tc.want)
			}
		}
	})
}

// A summary carries the envelope, the chosen header fields as written, and
// the body structure, without the body; fetching it leaves \Seen alone.
func TestSummaries(t *testing.T) {
	mailboxtest.ForEach(t, func(t *testing.T, srv *mailboxtest.Server) {
		box := srv.NewBox(t, "INBOX")
		reply := mailboxtest.Reply("sum", "ofn.announce.katuma.abc@katuma.test")
		bounce := mailboxtest.Bounce("bea@example.test", "ofn.announce.katuma.def@katuma.test", "sum", true)
		box.Append(t, reply, bounce)
		before := box.Snapshot(t)
		c := dial(t, box)
		open(t, c, box, true)
		sums, err := c.Summaries(t.Context(), []uint32{1, 2})
		if err != nil {
			t.Fatalf("Summaries: %v", err)
		}
		if len(sums) != 2 {
			t.Fatalf("Summaries returned %d, want 2", len(sums))
		}
		slices.SortFunc(sums, func(a, b mailbox.Summary) int { return int(a.UID) - int(b.UID) })
		r, b := sums[0], sums[1]
		if r.UID != 1 || r.MessageID != "reply-sum@mail.example.test" || r.From != "Ana Puig <ana@example.test>" ||
			!strings.HasPrefix(r.Subject, "Re: Manteniment programat") || r.Date.IsZero() || r.Arrived.IsZero() || r.Size != int64(len(reply)) {
			t.Errorf("reply summary = %+v", r)
		}
		for _, want := range []string{"In-Reply-To: <ofn.announce.katuma.abc@katuma.test>\r\n", "References: ", "From: Ana Puig"} {
			if !bytes.Contains(r.Header, []byte(want)) {
				t.Errorf("reply header lacks %q:\n%s", want, r.Header)
			}
		}
		for _, not := range []string{"Content-Transfer-Encoding", "Podem fer"} {
			if bytes.Contains(r.Header, []byte(not)) {
				t.Errorf("reply header has %q, which was not asked for:\n%s", not, r.Header)
			}
		}
		if !slices.Equal(r.Parts, []string{"text/plain"}) {
			t.Errorf("reply parts = %v, want [text/plain]", r.Parts)
		}
		wantParts := []string{"multipart/report", "text/plain", "message/delivery-status", "text/rfc822-headers"}
		if !slices.Equal(b.Parts, wantParts) || !strings.Contains(b.From, "MAILER-DAEMON@smtp.katuma.test") {
			t.Errorf("bounce summary: parts %v, from %q; want %v, MAILER-DAEMON@smtp.katuma.test", b.Parts, b.From, wantParts)
		}
		if diff := before.Diff(box.Snapshot(t)); diff != "" {
			t.Errorf("Summaries changed the mailbox: %s", diff)
		}
	})
}

// Bodies hands over each whole message, cut at the limit, one at a time;
// an error from the callback ends the fetch; nothing becomes \Seen.
func TestBodies(t *testing.T) {
	mailboxtest.ForEach(t, func(t *testing.T, srv *mailboxtest.Server) {
		box := srv.NewBox(t, "INBOX")
		msgs := [][]byte{mailboxtest.Unrelated(1), mailboxtest.Reply("body", "x@katuma.test"), mailboxtest.Unrelated(2)}
		box.Append(t, msgs...)
		before := box.Snapshot(t)
		c := dial(t, box)
		open(t, c, box, true)
		for _, limit := range []int64{100, 1 << 20} {
			got := map[uint32][]byte{}
			err := c.Bodies(t.Context(), []uint32{1, 2, 3}, limit, func(uid uint32, raw []byte) error {
				got[uid] = raw
				return nil
			})
			if err != nil {
				t.Fatalf("Bodies(limit %d): %v", limit, err)
			}
			for i, m := range msgs {
				want := m[:min(int64(len(m)), limit)]
				if !bytes.Equal(got[uint32(i+1)], want) {
					t.Errorf("Bodies(limit %d) of UID %d = %q, want %q", limit, i+1, got[uint32(i+1)], want)
				}
			}
		}
		if diff := before.Diff(box.Snapshot(t)); diff != "" {
			t.Errorf("Bodies changed the mailbox (no BODY.PEEK?): %s", diff)
		}
		stop := errors.New("stop here")
		calls := 0
		err := c.Bodies(t.Context(), []uint32{1, 2, 3}, 1<<20, func(uint32, []byte) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("Bodies with a failing callback: %v after %d calls, want %v after 1", err, calls, stop)
		}
		// The connection is closed, not left waiting on the fetch.
		if _, err := c.Flags(t.Context(), []uint32{1}); err == nil {
			t.Error("Flags after an aborted fetch succeeded, want the connection closed")
		}
	})
}

// Flags reads the flags as the server has them now.
func TestFlags(t *testing.T) {
	mailboxtest.ForEach(t, func(t *testing.T, srv *mailboxtest.Server) {
		box := srv.NewBox(t, "INBOX")
		box.Append(t, mailboxtest.Unrelated(1), mailboxtest.Unrelated(2))
		c := dial(t, box)
		open(t, c, box, false)
		if err := c.AddKeyword(t.Context(), []uint32{2}, `\Answered`); err != nil {
			t.Fatal(err)
		}
		flags, err := c.Flags(t.Context(), []uint32{1, 2})
		if err != nil {
			t.Fatalf("Flags: %v", err)
		}
		answered := func(uid uint32) bool {
			s := mailbox.Summary{Flags: flags[uid]}
			return s.Has(`\answered`)
		}
		if _, ok := flags[1]; !ok || answered(1) || !answered(2) {
			t.Errorf("Flags = %v, want UID 1 without and UID 2 with \\Answered", flags)
		}
	})
}

func TestBatches(t *testing.T) {
	u := mailbox.UIDs{{1, 3}, {7, 7}, {10, 12}}
	if u.Len() != 7 {
		t.Errorf("Len() = %d, want 7", u.Len())
	}
	var got []string
	err := u.Batches(2, func(b []uint32) error {
		got = append(got, fmt.Sprint(b))
		return nil
	})
	if want := []string{"[1 2]", "[3 7]", "[10 11]", "[12]"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("Batches(2) = %v, %v, want %v", got, err, want)
	}
	stop := errors.New("stop")
	n := 0
	if err := u.Batches(3, func([]uint32) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("Batches with a failing f: %v after %d calls, want stop after 1", err, n)
	}
}

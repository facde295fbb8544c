package mailer

import (
	"fmt"
	"net"
	"sync"
	"time"
	"unicode/utf8"
)

// abortable is a connection that Send's context can cut from another
// goroutine: abort brings its deadline forward, so that a read or write
// blocked on it (go-mail's greeting read, a reply that never comes) fails by
// then, and no later SetDeadline (go-mail sets one per command) undoes that.
type abortable struct {
	net.Conn
	mu    sync.Mutex
	until time.Time // zero: not aborted
}

var past = time.Unix(1, 0)

// StopGrace is how long a stopped Send still waits for the reply to the end
// of a message it sent in full: long enough for a server that was about to
// answer, so that a Ctrl-C leaves fewer messages uncertain, and short enough
// that a run stops within seconds.
const StopGrace = 2 * time.Second

// abort cuts the connection at once, or after StopGrace when the reply to
// the end of data is what it waits for.
func (a *abortable) abort(awaitingEnd bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.until = past
	if awaitingEnd {
		a.until = time.Now().Add(StopGrace)
	}
	a.Conn.SetDeadline(a.until)
}

func (a *abortable) isAborted() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return !a.until.IsZero()
}

func (a *abortable) SetDeadline(t time.Time) error      { return a.set(a.Conn.SetDeadline, t) }
func (a *abortable) SetReadDeadline(t time.Time) error  { return a.set(a.Conn.SetReadDeadline, t) }
func (a *abortable) SetWriteDeadline(t time.Time) error { return a.set(a.Conn.SetWriteDeadline, t) }

func (a *abortable) set(f func(time.Time) error, t time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.until.IsZero() && (t.IsZero() || t.After(a.until)) {
		t = a.until
	}
	return f(t)
}

// RFC 5321 §4.5.3.1 limits.
const (
	MaxLocalPart = 64
	MaxDomain    = 255
	MaxPath      = 256 // "<" local "@" domain ">"
)

// CheckAddressLength reports an address (local@domain) that no server need
// accept: a local part over 64 octets, a domain over 255, or a path over
// 256 with its angle brackets.
func CheckAddressLength(addr string) error {
	at := -1
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == '@' {
			at = i
			break
		}
	}
	switch {
	case at < 0:
		return fmt.Errorf("address %q has no @", truncate(addr, 80))
	case at > MaxLocalPart:
		return fmt.Errorf("address %q: local part of %d octets, the limit is %d (RFC 5321 §4.5.3.1.1)", truncate(addr, 80), at, MaxLocalPart)
	case len(addr)-at-1 > MaxDomain:
		return fmt.Errorf("address %q: domain of %d octets, the limit is %d (RFC 5321 §4.5.3.1.2)", truncate(addr, 80), len(addr)-at-1, MaxDomain)
	case len(addr)+2 > MaxPath:
		return fmt.Errorf("address %q: path of %d octets, the limit is %d (RFC 5321 §4.5.3.1.3)", truncate(addr, 80), len(addr)+2, MaxPath)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

package mailbox

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// DefaultDialTimeout bounds the TCP connection and the TLS handshake when
// Config.DialTimeout is 0.
const DefaultDialTimeout = 30 * time.Second

// Problem is one bad setting of a Config. Field is the setting's name as
// the instances file spells it (host, port, tls, username), so config can
// put the problem on that key's line.
type Problem struct {
	Field string
	Msg   string
}

func (p *Problem) Error() string { return "imap " + p.Field + ": " + p.Msg }

// WithDefaults returns c as Dial uses it: TLS lower-cased and tls when
// unset, Port by TLS when 0 (tls 993, starttls 143), DialTimeout
// DefaultDialTimeout when 0. Problems judges c so.
func (c Config) WithDefaults() Config {
	c.TLS = c.tlsMode()
	if c.Port == 0 {
		c.Port = map[string]int{"tls": 993, "starttls": 143}[c.TLS]
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	return c
}

// Problems lists every problem in c (with its defaults), before any network
// I/O. It is the one judge of IMAP settings: config reports these at the
// keys' lines, and Dial refuses a Config with any.
func (c Config) Problems() []*Problem {
	c = c.WithDefaults()
	var ps []*Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, &Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if c.Host == "" {
		add("host", "is required")
	}
	switch c.TLS {
	case "tls", "starttls":
		if c.Port < 1 || c.Port > 65535 {
			add("port", "%d is out of range 1–65535", c.Port)
		}
	default:
		add("tls", "unknown TLS mode %q (want tls or starttls; there is no plain text)", c.TLS)
	}
	if c.Username == "" {
		add("username", "is required")
	}
	if c.DialTimeout < 0 {
		add("timeout", "%s is negative", c.DialTimeout)
	}
	return ps
}

// Validate reports every problem in c, joined (see Problems).
func (c Config) Validate() error {
	ps := c.Problems()
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errors.Join(errs...)
}

func (c Config) tlsMode() string {
	if c.TLS == "" {
		return "tls"
	}
	return strings.ToLower(c.TLS)
}

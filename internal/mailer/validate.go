package mailer

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// AuthMechanisms are the SASL mechanisms Auth may name, besides "none".
var AuthMechanisms = []string{"plain", "login", "cram-md5", "xoauth2", "scram-sha-1", "scram-sha-256", "scram-sha-1-plus", "scram-sha-256-plus"}

// Problem is one bad setting of a Config. Field is the setting's name as
// the instances file spells it (host, port, tls, auth, username, timeout,
// data_timeout),
// so config can put the problem on that key's line.
type Problem struct {
	Field string
	Msg   string
}

func (p *Problem) Error() string { return "smtp " + p.Field + ": " + p.Msg }

// WithDefaults returns c as the client uses it: TLS and Auth lower-cased,
// TLS starttls when unset, Port by TLS when 0 (starttls 587, tls 465, none
// 25), Auth plain when unset and a username is given (none without one),
// Timeout DefaultTimeout and DataTimeout DefaultDataTimeout when 0.
// Problems and Validate judge c so.
func (c Config) WithDefaults() Config {
	c.TLS, c.Auth, c.Port = c.tlsMode(), c.authMech(), c.port()
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.DataTimeout == 0 {
		c.DataTimeout = DefaultDataTimeout
	}
	return c
}

// Problems lists every problem in c (with its defaults), before any
// network I/O. It is the one judge of SMTP settings: config reports these
// at the keys' lines, and a Client refuses to send with any.
func (c Config) Problems() []*Problem {
	c = c.WithDefaults()
	var ps []*Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, &Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if c.Host == "" {
		add("host", "is required")
	}
	if c.Port < 1 || c.Port > 65535 {
		add("port", "%d is out of range 1–65535", c.Port)
	}
	switch c.TLS {
	case "starttls", "tls":
	case "none":
		if !loopback(c.Host) {
			add("tls", "%q is accepted only for a loopback host, not %q", "none", c.Host)
		}
	default:
		add("tls", "unknown TLS mode %q (want starttls, tls or none)", c.TLS)
	}
	switch {
	case c.Auth == "none":
		if c.Username != "" {
			add("username", "%q is set but auth is none", c.Username)
		}
	case slices.Contains(AuthMechanisms, c.Auth):
		if c.Username == "" {
			add("username", "is required for auth %s", c.Auth)
		}
		if strings.HasSuffix(c.Auth, "-plus") && c.TLS == "none" {
			add("auth", "%s needs TLS (it binds the TLS channel)", c.Auth)
		}
	default:
		add("auth", "unknown mechanism %q (want none, %s)", c.Auth, strings.Join(AuthMechanisms, ", "))
	}
	if c.Timeout < 0 {
		add("timeout", "%s is negative", c.Timeout)
	}
	if c.DataTimeout < 0 {
		add("data_timeout", "%s is negative", c.DataTimeout)
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

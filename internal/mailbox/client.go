package mailbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Config is how to reach and log in to a support mailbox.
type Config struct {
	Host string
	Port int    // 993 for tls, 143 for starttls when 0
	TLS  string // "tls" (implicit, the default) or "starttls"; there is no plain text
	// ServerName is the name the certificate must hold (default Host).
	ServerName string
	// RootCAs verifies the server's certificate; nil means the system's.
	// Certificates are always verified.
	RootCAs  *x509.CertPool
	Username string
	Password string
	// DialTimeout bounds the TCP connection and the TLS handshake (default
	// 30 s). Everything after is bounded by the context.
	DialTimeout time.Duration
}

// String names the server without the password, for messages.
func (c Config) String() string {
	return fmt.Sprintf("imap %s@%s (%s)", c.Username, c.addr(), c.tlsMode())
}

func (c Config) addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.WithDefaults().Port))
}

// Conn is one logged-in IMAP connection. go-imap takes no context: Dial ties
// the connection to its ctx and closes it when ctx is done, which ends any
// command in flight with an error.
type Conn struct {
	c    *imapclient.Client
	cfg  Config
	stop func() bool
	box  *Mailbox // the mailbox opened last
}

// Dial connects with implicit TLS or STARTTLS, verifies the certificate, and
// logs in. A server that does not offer STARTTLS is refused: the password
// never travels in clear.
func Dial(ctx context.Context, cfg Config) (*Conn, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", cfg, err)
	}
	cfg = cfg.WithDefaults()
	mode, timeout := cfg.TLS, cfg.DialTimeout
	serverName := cfg.ServerName
	if serverName == "" {
		serverName = cfg.Host
	}
	tlsConfig := &tls.Config{RootCAs: cfg.RootCAs, ServerName: serverName, MinVersion: tls.VersionTLS12, NextProtos: []string{"imap"}}
	dialCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var c *imapclient.Client
	opts := &imapclient.Options{TLSConfig: tlsConfig}
	if mode == "tls" {
		d := &tls.Dialer{Config: tlsConfig}
		conn, err := d.DialContext(dialCtx, "tcp", cfg.addr())
		if err != nil {
			return nil, fmt.Errorf("connect to %s: %w", cfg, err)
		}
		c = imapclient.New(conn, opts)
	} else {
		var d net.Dialer
		conn, err := d.DialContext(dialCtx, "tcp", cfg.addr())
		if err != nil {
			return nil, fmt.Errorf("connect to %s: %w", cfg, err)
		}
		// NewStartTLS blocks on the greeting and the handshake: bound them.
		stop := context.AfterFunc(dialCtx, func() { conn.Close() })
		c, err = imapclient.NewStartTLS(conn, opts)
		stop()
		if err != nil {
			conn.Close()
			if ctx.Err() != nil {
				err = ctx.Err()
			}
			return nil, fmt.Errorf("connect to %s: starttls: %w", cfg, err)
		}
	}
	conn := &Conn{c: c, cfg: cfg, stop: context.AfterFunc(ctx, func() { c.Close() })}
	if err := c.WaitGreeting(); err != nil {
		conn.Close()
		return nil, conn.fail(ctx, "greeting", err)
	}
	if err := c.Login(cfg.Username, cfg.Password).Wait(); err != nil {
		conn.Close()
		return nil, conn.fail(ctx, "login", err)
	}
	return conn, nil
}

// String names the server and login, without the password.
func (c *Conn) String() string { return c.cfg.String() }

// fail names the server and the step, and reports ctx's error rather than
// the closed connection's when ctx is what ended it.
func (c *Conn) fail(ctx context.Context, step string, err error) error {
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return fmt.Errorf("%s: %s: %w", c.cfg, step, err)
}

// Close logs out (briefly) and closes the connection.
func (c *Conn) Close() error {
	c.stop()
	done := make(chan struct{})
	go func() {
		c.c.Logout().Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	err := c.c.Close()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// Mailbox is an opened mailbox.
type Mailbox struct {
	Name        string
	ReadOnly    bool // opened with EXAMINE
	UIDValidity uint32
	UIDNext     uint32
	Messages    uint32
	// PermanentFlags are the flags a STORE keeps; "\*" means any keyword.
	PermanentFlags []string
}

// CanKeep reports whether a keyword stored in the mailbox would last.
func (m *Mailbox) CanKeep(keyword string) bool {
	return slices.ContainsFunc(m.PermanentFlags, func(f string) bool {
		return f == `\*` || strings.EqualFold(f, keyword)
	})
}

// Open selects a mailbox: with EXAMINE when readOnly, so that nothing in it
// can change (not even \Seen), else with SELECT.
func (c *Conn) Open(ctx context.Context, name string, readOnly bool) (*Mailbox, error) {
	// In go-imap v2.0.0-beta.8 Client.Mailbox() can lag behind Wait: use
	// the SelectData Wait returns.
	data, err := c.c.Select(name, &imap.SelectOptions{ReadOnly: readOnly}).Wait()
	if err != nil {
		verb := "select"
		if readOnly {
			verb = "examine"
		}
		return nil, c.fail(ctx, verb+" "+name, err)
	}
	m := &Mailbox{Name: name, ReadOnly: readOnly, UIDValidity: data.UIDValidity, UIDNext: uint32(data.UIDNext), Messages: data.NumMessages}
	for _, f := range data.PermanentFlags {
		m.PermanentFlags = append(m.PermanentFlags, string(f))
	}
	if m.UIDValidity == 0 {
		return nil, fmt.Errorf("%s: %s: the server gave no UIDVALIDITY", c.cfg, name)
	}
	c.box = m
	return m, nil
}

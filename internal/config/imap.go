package config

import "github.com/openfoodfoundation/announce/internal/mailbox"

// MailboxConfig is the IMAP client's view of these settings, defaults
// filled in (the password and the CA are the caller's to add: they are read
// when the inbox is read, not from this file).
func (m *IMAP) MailboxConfig() mailbox.Config {
	return mailbox.Config{Host: m.Host, Port: m.Port, TLS: m.TLS, Username: m.Username}.WithDefaults()
}

// validateServer has the IMAP client judge the server settings — the one
// judge, so config and client cannot disagree — and puts each problem on
// its key's line. It fills the defaults the client applies (tls, port),
// lower-cased as the client uses them.
func (m *IMAP) validateServer(ps *problems, p string) {
	mc := m.MailboxConfig()
	for _, pr := range mc.Problems() {
		ps.add(p+"."+pr.Field, "%s", pr.Msg)
	}
	m.TLS, m.Port = mc.TLS, mc.Port
}

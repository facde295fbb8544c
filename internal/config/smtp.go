package config

import "github.com/openfoodfoundation/announce/internal/mailer"

// MailerConfig is the mailer's view of these settings, defaults filled in
// (the secret and the CA are the caller's to add: they are read at send
// time, not from this file).
func (s *SMTP) MailerConfig() mailer.Config {
	return mailer.Config{Host: s.Host, Port: s.Port, TLS: s.TLS, Auth: s.Auth, Username: s.Username,
		HELO: s.HELO, Timeout: s.Timeout.Duration, DataTimeout: s.DataTimeout.Duration}.WithDefaults()
}

// validateServer has the mailer judge the server settings — the one judge,
// so config and sender cannot disagree — and puts each problem on its key's
// line. It fills the defaults the mailer applies (tls, port, auth, timeout,
// data_timeout),
// lower-cased as the mailer uses them.
func (s *SMTP) validateServer(ps *problems, p string) {
	mc := s.MailerConfig()
	for _, pr := range mc.Problems() {
		ps.add(p+"."+pr.Field, "%s", pr.Msg)
	}
	s.TLS, s.Port, s.Auth, s.Timeout.Duration, s.DataTimeout.Duration = mc.TLS, mc.Port, mc.Auth, mc.Timeout, mc.DataTimeout
}

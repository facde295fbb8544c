package connect

import (
	"fmt"
	"net/mail"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/mailer"
	"github.com/openfoodfoundation/announce/internal/support"
)

// Inboxes resolves the support inboxes of the instances keys: the IMAP
// settings and password and, with mailTo, the SMTP settings the digest is
// mailed through — every input error before any network I/O.
func (e Env) Inboxes(inst *config.Instances, keys []string, mailTo string) ([]support.Inbox, error) {
	var inboxes []support.Inbox
	for _, k := range keys {
		in := inst.Instances[k]
		m := in.IMAP
		pw, err := Secret(e.Getenv, fmt.Sprintf("instance %s imap password", k), m.Password())
		if err != nil {
			return nil, err
		}
		cfg := m.MailboxConfig() // validated with the config
		cfg.Password = pw
		if m.CAFile != "" {
			pool, err := mailer.LoadCA(m.CAFile)
			if err != nil {
				return nil, badInput(fmt.Errorf("instance %s imap ca_file: %w", k, err))
			}
			cfg.RootCAs = pool
		}
		ib := support.Inbox{Instance: in, IMAP: cfg}
		if mailTo != "" {
			newSender, _, err := e.SenderFactory(in)
			if err != nil {
				return nil, err
			}
			if _, err := mail.ParseAddress(in.From); err != nil {
				return nil, badInput(fmt.Errorf("instance %s from: %w", k, err))
			}
			ib.Sender = func() support.Sender { return newSender() }
		}
		inboxes = append(inboxes, ib)
	}
	return inboxes, nil
}

package connect

import (
	"fmt"
	"net/mail"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/mailer"
	"github.com/openfoodfoundation/announce/internal/support"
)

// Inboxes resolves the support inboxes of the instance sel (a key, or
// "all": every instance with an imap section): the IMAP settings and
// password and, with mailTo, the SMTP settings the digest is mailed through
// — every input error before any network I/O.
func (e Env) Inboxes(inst *config.Instances, sel, mailTo string) ([]support.Inbox, error) {
	var keys []string
	if sel == "all" {
		for _, k := range inst.Keys() {
			if inst.Instances[k].IMAP != nil {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			return nil, badInput(fmt.Errorf("%s: no instance has an [instances.X.imap] section", inst.File))
		}
	} else {
		in, ok := inst.Instances[sel]
		if !ok {
			return nil, badInput(fmt.Errorf("unknown instance %q (known: %v)", sel, inst.Keys()))
		}
		if in.IMAP == nil {
			return nil, badInput(fmt.Errorf("%s: instance %s has no [instances.%s.imap] section: no support inbox to read", inst.File, in.Key, in.Key))
		}
		keys = []string{sel}
	}
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

package config

import (
	"strings"
	"testing"
)

// Config and the IMAP client judge IMAP settings alike: what the instances
// file accepts, the client dials with (the config's mailbox.Config has no
// problem), and each refusal is the client's, on its key's line.
func TestIMAPSettingsAgreeWithMailbox(t *testing.T) {
	tests := []struct {
		name    string
		block   string // the [instances.katuma.imap] section's keys
		tls     string // the setting as the client uses it
		port    int
		wantErr string // the whole message, "FILE" for the path; "" valid
	}{
		{"defaults", "host = \"imap.katuma.test\"\nusername = \"u\"\npassword_env = \"P\"\n", "tls", 993, ""},
		{"starttls", "host = \"imap.katuma.test\"\ntls = \"starttls\"\nusername = \"u\"\npassword_env = \"P\"\n", "starttls", 143, ""},
		{"tls in upper case", "host = \"imap.katuma.test\"\ntls = \"STARTTLS\"\nusername = \"u\"\npassword_env = \"P\"\n", "starttls", 143, ""},
		{"port given", "host = \"imap.katuma.test\"\nport = 1993\nusername = \"u\"\npassword_env = \"P\"\n", "tls", 1993, ""},
		{"no host", "username = \"u\"\npassword_env = \"P\"\n", "", 0,
			"FILE:1: instances.katuma.imap.host: is required"},
		{"no username", "host = \"imap.katuma.test\"\npassword_env = \"P\"\n", "", 0,
			"FILE:1: instances.katuma.imap.username: is required"},
		{"plain text", "host = \"imap.katuma.test\"\ntls = \"none\"\nusername = \"u\"\npassword_env = \"P\"\n", "", 0,
			"FILE:3: instances.katuma.imap.tls: unknown TLS mode \"none\" (want tls or starttls; there is no plain text)"},
		{"port out of range", "host = \"imap.katuma.test\"\nport = 70000\nusername = \"u\"\npassword_env = \"P\"\n", "", 0,
			"FILE:3: instances.katuma.imap.port: 70000 is out of range 1–65535"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The imap section first, so its lines are 1, 2, 3…
			src := "[instances.katuma.imap]\n" + tt.block + goodInstances
			p := write(t, "instances.toml", src)
			inst, err := LoadInstances(p)
			if tt.wantErr != "" {
				want := strings.ReplaceAll(tt.wantErr, "FILE", p)
				if err == nil || err.Error() != want {
					t.Fatalf("LoadInstances = %v\nwant %s", err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadInstances: %v", err)
			}
			m := inst.Instances["katuma"].IMAP
			if m.TLS != tt.tls || m.Port != tt.port || m.Mailbox != "INBOX" {
				t.Errorf("settings = tls %s port %d mailbox %s, want %s %d INBOX", m.TLS, m.Port, m.Mailbox, tt.tls, tt.port)
			}
			mc := m.MailboxConfig()
			if err := mc.Validate(); err != nil {
				t.Errorf("config accepted it, the client refuses it: %v", err)
			}
			if mc.TLS != m.TLS || mc.Port != m.Port {
				t.Errorf("client sees tls %s port %d, config %s %d", mc.TLS, mc.Port, m.TLS, m.Port)
			}
		})
	}
}

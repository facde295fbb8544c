package config

import (
	"strings"
	"testing"
)

// Config and the mailer judge SMTP settings alike: what the instances file
// accepts, the mailer sends with (the config's mailer.Config validates), and
// each refusal is on its key's line. They once disagreed on scram-*-plus,
// the case of tls and the default auth.
func TestSMTPSettingsAgreeWithMailer(t *testing.T) {
	tests := []struct {
		name    string
		block   string // after host = "smtp.katuma.test"
		tls     string // the setting as the mailer uses it
		auth    string
		port    int
		wantErr string // the whole message, "FILE" for the path; "" valid
	}{
		{"defaults", "username = \"u\"\npassword_env = \"P\"\n", "starttls", "plain", 587, ""},
		{"no username: no auth", "", "starttls", "none", 587, ""},
		{"tls in upper case", "tls = \"STARTTLS\"\nusername = \"u\"\npassword_env = \"P\"\n", "starttls", "plain", 587, ""},
		{"auth in upper case", "auth = \"LOGIN\"\nusername = \"u\"\npassword_env = \"P\"\n", "starttls", "login", 587, ""},
		{"scram-sha-256-plus", "auth = \"scram-sha-256-plus\"\nusername = \"u\"\npassword_env = \"P\"\n", "starttls", "scram-sha-256-plus", 587, ""},
		{"unknown tls", "tls = \"tcp\"\n", "", "", 0,
			"FILE:3: instances.katuma.smtp.tls: unknown TLS mode \"tcp\" (want starttls, tls or none)"},
		{"unknown auth", "username = \"u\"\npassword_env = \"P\"\nauth = \"ntlm\"\n", "", "", 0,
			"FILE:5: instances.katuma.smtp.auth: unknown mechanism \"ntlm\" (want none, plain, login, cram-md5, xoauth2, scram-sha-1, scram-sha-256, scram-sha-1-plus, scram-sha-256-plus)"},
		{"auth without username", "auth = \"plain\"\npassword_env = \"P\"\n", "", "", 0,
			"FILE:1: instances.katuma.smtp.username: is required for auth plain"},
		{"username with auth none", "auth = \"none\"\nusername = \"u\"\n", "", "", 0,
			"FILE:4: instances.katuma.smtp.username: \"u\" is set but auth is none"},
		{"plus without TLS", "host = \"127.0.0.1\"\ntls = \"none\"\nauth = \"scram-sha-1-plus\"\nusername = \"u\"\npassword_env = \"P\"\n", "", "", 0,
			"FILE:4: instances.katuma.smtp.auth: scram-sha-1-plus needs TLS (it binds the TLS channel)"},
		{"port out of range", "port = 70000\n", "", "", 0,
			"FILE:3: instances.katuma.smtp.port: 70000 is out of range 1–65535"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := "host = \"smtp.katuma.test\"\n"
			if strings.Contains(tt.block, "host =") {
				host = ""
			}
			src := strings.Replace(goodInstances, "[instances.katuma.smtp]\nhost = \"smtp.katuma.test\"\nusername = \"noreply@katuma.test\"\npassword_env = \"KATUMA_SMTP_PASSWORD\"\n",
				"", 1)
			// The smtp section first, so its lines are 1, 2, 3…
			src = "[instances.katuma.smtp]\n" + host + tt.block + src
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
			s := inst.Instances["katuma"].SMTP
			if s.TLS != tt.tls || s.Auth != tt.auth || s.Port != tt.port {
				t.Errorf("settings = tls %s auth %s port %d, want %s %s %d", s.TLS, s.Auth, s.Port, tt.tls, tt.auth, tt.port)
			}
			mc := s.MailerConfig()
			if err := mc.Validate(); err != nil {
				t.Errorf("config accepted it, the mailer refuses it: %v", err)
			}
			if mc.TLS != s.TLS || mc.Auth != s.Auth || mc.Port != s.Port {
				t.Errorf("mailer sees tls %s auth %s port %d, config %s %s %d", mc.TLS, mc.Auth, mc.Port, s.TLS, s.Auth, s.Port)
			}
		})
	}
}

package config

import (
	"strings"
	"testing"
)

// The DKIM and one-click unsubscribe keys: what is refused, each problem
// naming its key.
func TestSigningAndUnsubscribeKeys(t *testing.T) {
	smtp := `password_env = "KATUMA_SMTP_PASSWORD"`
	for _, tc := range []struct {
		name, add string
		want      []string // substrings of the error; none: it loads
	}{
		{"good", smtp + "\nunsubscribe_url = \"https://katuma.test/u/{token}\"\nunsubscribe_key_env = \"KATUMA_UNSUBSCRIBE_KEY\"\nunsubscribe_mailto = \"baixa@katuma.test\"\n\n" +
			"[instances.katuma.dkim]\ndomain = \"katuma.test\"\nselector = \"ann2019\"\nkey_file = \"/etc/announce/dkim.pem\"", nil},
		{"dkim incomplete", smtp + "\n\n[instances.katuma.dkim]\nselector = \"bad selector\"",
			[]string{`instances.katuma.dkim: missing required key "domain"`, `instances.katuma.dkim.selector: "bad selector" is not a DNS name`, `missing required key "key_file"`}},
		{"dkim key in the file", smtp + "\n\n[instances.katuma.dkim]\ndomain = \"katuma.test\"\nselector = \"s\"\nkey_file = \"k.pem\"\nprivate_key = \"MIIE…\"",
			[]string{"instances.katuma.dkim.private_key: secrets do not belong in the config file"}},
		{"url without key", smtp + "\nunsubscribe_url = \"https://katuma.test/u\"",
			[]string{"unsubscribe_url needs unsubscribe_key_env or unsubscribe_key_file"}},
		{"http url", smtp + "\nunsubscribe_url = \"http://katuma.test/u\"\nunsubscribe_key_file = \"/k\"",
			[]string{`instances.katuma.smtp.unsubscribe_url: one-click unsubscribe (RFC 8058) needs an https URL`}},
		{"key without url", smtp + "\nunsubscribe_key_file = \"/k\"", []string{"without unsubscribe_url: nothing uses the key"}},
		{"mailto is support", smtp + "\nunsubscribe_mailto = \"info@katuma.test\"", []string{`instances.katuma.smtp.unsubscribe_mailto: "info@katuma.test" is the support address`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := write(t, "instances.toml", strings.Replace(goodInstances, smtp, tc.add, 1))
			_, err := LoadInstances(p)
			if len(tc.want) == 0 {
				if err != nil {
					t.Errorf("LoadInstances = %v, want it to load", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("LoadInstances = nil, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("LoadInstances error =\n%v\nwant it to contain %q", err, w)
				}
			}
		})
	}
	if !(&DKIM{Domain: "katuma.test"}).Aligned("mail.katuma.test") || (&DKIM{Domain: "katuma.test"}).Aligned("katuma.example") {
		t.Error("Aligned")
	}
}

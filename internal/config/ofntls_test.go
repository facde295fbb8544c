package config

import (
	"fmt"
	"strings"
	"testing"
)

// A tls value copied from OFN's MAIL_SECURE_CONNECTION is one problem, on the
// tls line, naming the value announce needs.
func TestOFNTLSValues(t *testing.T) {
	tests := []struct {
		tls  string
		port int
		want string // the whole error; "" for none
	}{
		{"TLS", 0, `FILE:16: instances.katuma.smtp.tls: "TLS" is OFN's MAIL_SECURE_CONNECTION for STARTTLS (port 587); announce writes it tls = "starttls" (announce's "tls" is implicit TLS, port 465)`},
		{"Tls", 0, `FILE:16: instances.katuma.smtp.tls: "Tls" is OFN's MAIL_SECURE_CONNECTION for STARTTLS (port 587); announce writes it tls = "starttls" (announce's "tls" is implicit TLS, port 465)`},
		{"SSL", 0, `FILE:16: instances.katuma.smtp.tls: "SSL" is OFN's MAIL_SECURE_CONNECTION for implicit TLS (port 465); announce writes it tls = "tls"`},
		{"ssl", 465, `FILE:16: instances.katuma.smtp.tls: "ssl" is OFN's MAIL_SECURE_CONNECTION for implicit TLS (port 465); announce writes it tls = "tls"`},
		{"tls", 587, `FILE:16: instances.katuma.smtp.tls: "tls" is implicit TLS, but port 587 speaks STARTTLS (what OFN's MAIL_SECURE_CONNECTION = TLS means): write tls = "starttls", or port = 465 for implicit TLS`},
		{"tls", 0, ""},
		{"tls", 465, ""},
		{"starttls", 587, ""},
		{"starttls", 0, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s:%d", tt.tls, tt.port), func(t *testing.T) {
			smtp := fmt.Sprintf("host = \"smtp.katuma.test\"\ntls = %q", tt.tls)
			if tt.port != 0 {
				smtp += fmt.Sprintf("\nport = %d", tt.port)
			}
			p := write(t, "instances.toml", strings.Replace(goodInstances, `host = "smtp.katuma.test"`, smtp, 1))
			_, err := LoadInstances(p)
			got := ""
			if err != nil {
				got = strings.ReplaceAll(err.Error(), p, "FILE")
			}
			if got != tt.want {
				t.Errorf("LoadInstances(tls = %q, port %d) err = %q, want %q", tt.tls, tt.port, got, tt.want)
			}
		})
	}
}

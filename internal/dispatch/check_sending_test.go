package dispatch

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openfoodfoundation/announce/internal/config"
)

// checkSending names a DKIM key that does not load as an error, and warns
// of mail that cannot pass DMARC: no DKIM, a signing domain or a return
// path not aligned with From.
func TestCheckSending(t *testing.T) {
	inst, err := config.LoadInstances("../../config/instances.toml")
	if err != nil {
		t.Fatal(err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "dkim.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	base := inst.Instances["katuma"] // From @katuma.test, return path bounces@katuma.test
	for _, tc := range []struct {
		name       string
		dkim       *config.DKIM
		returnPath string
		warnings   []string // each in one warning, in order
		err        string
	}{
		{"no dkim", nil, "bounces@katuma.test", []string{"instances.katuma: warning: sends bulk mail without [instances.katuma.dkim]"}, ""},
		{"aligned", &config.DKIM{Domain: "katuma.test", Selector: "s", KeyFile: keyFile}, "bounces@katuma.test", nil, ""},
		{"subdomain aligned", &config.DKIM{Domain: "mail.katuma.test", Selector: "s", KeyFile: keyFile}, "bounces@mail.katuma.test", nil, ""},
		{"other domain", &config.DKIM{Domain: "openfoodnetwork.test", Selector: "s", KeyFile: keyFile}, "bounces@katuma.test",
			[]string{`instances.katuma.dkim.domain: warning: "openfoodnetwork.test" does not align with From's domain "katuma.test"`}, ""},
		{"return path elsewhere", &config.DKIM{Domain: "katuma.test", Selector: "s", KeyFile: keyFile}, "bounces@relay.test",
			[]string{`instances.katuma.smtp.return_path: warning: "bounces@relay.test" is not in From's domain "katuma.test"`}, ""},
		{"key missing", &config.DKIM{Domain: "katuma.test", Selector: "s", KeyFile: "/nonexistent/dkim.pem"}, "bounces@katuma.test", nil,
			"instances.katuma.dkim.key_file: instance katuma dkim: DKIM key /nonexistent/dkim.pem: no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, smtp := *base, *base.SMTP
			in.DKIM, in.SMTP = tc.dkim, &smtp
			smtp.ReturnPath = tc.returnPath
			warnings, err := checkSending(inst, &in)
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("err = %v, want %q", err, tc.err)
			}
			if len(warnings) != len(tc.warnings) {
				t.Fatalf("warnings = %q, want %d like %q", warnings, len(tc.warnings), tc.warnings)
			}
			for i, w := range tc.warnings {
				if !strings.HasPrefix(warnings[i], inst.File+":") || !strings.Contains(warnings[i], w) {
					t.Errorf("warning %d = %q, want %s:LINE: …%s…", i, warnings[i], inst.File, w)
				}
			}
		})
	}
}

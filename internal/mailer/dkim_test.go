package mailer

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
)

// testKeys are a 2048-bit RSA key and an Ed25519 key with the DNS TXT
// record (RFC 6376 §3.6.1, RFC 8463) that publishes each public half.
func testKeys(t testing.TB) map[string]struct {
	key crypto.Signer
	txt string
} {
	t.Helper()
	r, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&r.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]struct {
		key crypto.Signer
		txt string
	}{
		"rsa":     {r, "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)},
		"ed25519": {priv, "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)},
	}
}

func verify(t *testing.T, raw []byte, txt string) []*dkim.Verification {
	t.Helper()
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{
		LookupTXT: func(domain string) ([]string, error) {
			if domain != "ann2019._domainkey.katuma.test" {
				t.Errorf("verifier looked up %q, want ann2019._domainkey.katuma.test", domain)
			}
			return []string{txt}, nil
		},
	})
	if err != nil {
		t.Fatalf("dkim.Verify: %v", err)
	}
	return vs
}

// A signed notice verifies with an independent verifier (go-msgauth, not
// the go-mail code that signed it), covers the headers a reader and
// one-click unsubscribe rely on, and stops verifying when one is changed.
func TestDKIMSignatureVerifies(t *testing.T) {
	for name, k := range testKeys(t) {
		t.Run(name, func(t *testing.T) {
			e := email("Ana", "Manteniment programat")
			e.Unsubscribe = []string{"https://katuma.test/unsubscribe?token=abc", "mailto:baixa@katuma.test?subject=unsubscribe"}
			e.DKIM = &DKIM{Domain: "katuma.test", Selector: "ann2019", Key: k.key}
			_, raw := build(t, e)
			if !bytes.HasPrefix(raw, []byte("DKIM-Signature: ")) {
				t.Fatalf("message does not start with its DKIM-Signature:\n%.300s", raw)
			}
			vs := verify(t, raw, k.txt)
			if len(vs) != 1 || vs[0].Err != nil {
				t.Fatalf("verifications = %d, first error %v, want one that passes\n%.1500s", len(vs), vs[0].Err, raw)
			}
			v := vs[0]
			if v.Domain != "katuma.test" {
				t.Errorf("signed for %q, want katuma.test", v.Domain)
			}
			for _, h := range []string{"from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post"} {
				if !slices.ContainsFunc(v.HeaderKeys, func(k string) bool { return strings.EqualFold(k, h) }) {
					t.Errorf("signed header fields %v lack %s", v.HeaderKeys, h)
				}
			}
			// The same message signs to the same bytes: the dry run shows them.
			if _, again := build(t, e); !bytes.Equal(raw, again) {
				t.Errorf("two builds of the same message differ")
			}
			for _, tamper := range []struct{ from, to string }{
				{"Subject: Manteniment programat", "Subject: Manteniment cancel·lat"},
				{"List-Unsubscribe: <https://katuma.test/unsubscribe?token=abc>", "List-Unsubscribe: <https://evil.test/?token=abc>"},
				{"Hola", "Adeu"},
			} {
				bad := bytes.Replace(raw, []byte(tamper.from), []byte(tamper.to), 1)
				if bytes.Equal(bad, raw) {
					t.Fatalf("%q not in the message", tamper.from)
				}
				if vs := verify(t, bad, k.txt); len(vs) != 1 || vs[0].Err == nil {
					t.Errorf("changing %q still verifies", tamper.from)
				}
			}
		})
	}
}

func TestLoadDKIMKey(t *testing.T) {
	dir := t.TempDir()
	r, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "dkim.pem")
	if err := os.WriteFile(good, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(r)}), 0o600); err != nil {
		t.Fatal(err)
	}
	if k, err := LoadDKIMKey(good); err != nil || k == nil {
		t.Errorf("LoadDKIMKey(PKCS #1 PEM) = %v, %v", k, err)
	}
	bad := filepath.Join(dir, "bad.pem")
	os.WriteFile(bad, []byte("not a key, and a secret-looking s3cr3t\n"), 0o600)
	for _, p := range []string{bad, filepath.Join(dir, "missing.pem")} {
		_, err := LoadDKIMKey(p)
		if err == nil || !strings.Contains(err.Error(), p) || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("LoadDKIMKey(%s) error = %v, want one naming the file and not its content", p, err)
		}
	}
}

// BenchmarkBuildSigned is the cost of signing: building and writing one
// notice-sized message, unsigned, and signed with RSA-2048 and Ed25519.
//
//	go test ./internal/mailer -run XXX -bench BuildSigned -benchtime 2000x -cpu 1
func BenchmarkBuildSigned(b *testing.B) {
	keys := testKeys(b)
	for _, name := range []string{"none", "rsa", "ed25519"} {
		b.Run(name, func(b *testing.B) {
			e := email("Ana", "Manteniment programat")
			e.Text = strings.Repeat("Katuma tindrà un manteniment programat el dimarts.\n", 40)
			e.HTML = "<p>" + e.Text + "</p>"
			if name != "none" {
				e.DKIM = &DKIM{Domain: "katuma.test", Selector: "ann2019", Key: keys[name].key}
			}
			var buf bytes.Buffer
			for b.Loop() {
				m, err := Build(e)
				if err != nil {
					b.Fatal(err)
				}
				buf.Reset()
				if _, err := m.WriteTo(&buf); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
		})
	}
}

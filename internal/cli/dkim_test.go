package cli

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailstack"
	"github.com/openfoodfoundation/announce/internal/unsubscribe"
)

// signKatuma gives the sandbox's Katuma a DKIM key and a one-click
// unsubscribe URL with its key, both in files, and returns the DNS TXT
// record of the public key.
func signKatuma(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyFile, unsubFile := filepath.Join(dir, "dkim.pem"), filepath.Join(dir, "unsubscribe.key")
	writeFile(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})))
	writeFile(t, unsubFile, "katuma-test-unsubscribe-secret-0123456789\n")
	edit(t, "config/instances.toml", "return_path = \"bounces@katuma.test\"\n",
		"return_path = \"bounces@katuma.test\"\nunsubscribe_url = \"https://katuma.test/unsubscribe\"\nunsubscribe_key_file = \""+unsubFile+
			"\"\nunsubscribe_mailto = \"baixa@katuma.test\"\n\n[instances.katuma.dkim]\ndomain = \"katuma.test\"\nselector = \"ann2019\"\nkey_file = \""+keyFile+"\"\n")
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
}

// The dry run writes signed bytes that an independent verifier accepts,
// with each recipient's one-click unsubscribe URL signed in; the token in
// it turns back into the address, and suppress add --token suppresses it.
func TestDryRunSignedWithUnsubscribeToken(t *testing.T) {
	sandbox(t)
	txt := signKatuma(t)
	if code, stdout, stderr := runCLI(t, "check"); code != 0 || strings.Contains(stdout, "warning") {
		t.Errorf("check with DKIM: exit %d, %q, %q; want 0 and no warning", code, stdout, stderr)
	}
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "--instance", "katuma", "--dry-run", "--notice", "announce", "--out", out); code != 0 {
		t.Fatalf("dry run: exit %d\n%s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(out, "katuma", "announce", "*.eml"))
	if len(files) == 0 {
		files, _ = filepath.Glob(filepath.Join(out, "*", "*", "*.eml"))
	}
	if len(files) == 0 {
		t.Fatalf("dry run wrote no .eml under %s", out)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	vs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{
		LookupTXT: func(string) ([]string, error) { return []string{txt}, nil },
	})
	if err != nil || len(vs) != 1 || vs[0].Err != nil || vs[0].Domain != "katuma.test" {
		t.Fatalf("dkim.Verify(%s) = %+v, %v; want one good signature for katuma.test\n%.2000s", files[0], vs, err, raw)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	to, _ := mail.ParseAddress(msg.Header.Get("To"))
	lu := strings.Join(strings.Fields(msg.Header.Get("List-Unsubscribe")), " ")
	if msg.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(lu, "<mailto:baixa@katuma.test?subject=unsubscribe>") {
		t.Errorf("List-Unsubscribe = %q, Post = %q", lu, msg.Header.Get("List-Unsubscribe-Post"))
	}
	start := strings.Index(lu, "<https://katuma.test/unsubscribe?token=")
	if start < 0 {
		t.Fatalf("List-Unsubscribe %q has no token URL", lu)
	}
	u := lu[start+1 : start+strings.IndexByte(lu[start:], '>')]
	if strings.Contains(u, to.Address) || strings.Contains(u, strings.Split(to.Address, "@")[0]) {
		t.Errorf("unsubscribe URL %q shows the address %s", u, to.Address)
	}
	key, _ := unsubscribe.NewKey([]byte("katuma-test-unsubscribe-secret-0123456789"))
	if a, err := key.Address(unsubscribe.FromURL(u)); err != nil || a != strings.ToLower(to.Address) {
		t.Errorf("the token of %s decodes to %q, %v", to.Address, a, err)
	}

	state := filepath.Join(t.TempDir(), "ledger.db")
	if code, _, stderr := runCLI(t, "suppress", "add", "--token", u, "--state", state); code != 0 || !strings.Contains(stderr, "suppressed "+strings.ToLower(to.Address)) {
		t.Fatalf("suppress add --token: exit %d, %q", code, stderr)
	}
	l, err := ledger.Open(t.Context(), state)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if ok, _ := l.IsSuppressed(t.Context(), to.Address); !ok {
		t.Errorf("%s not suppressed by its token", to.Address)
	}
	if code, _, stderr := runCLI(t, "suppress", "add", "--token", "AQIDBAUGBwgJCgsMDQ4PEBESExQV", "--state", state); code != exitInput || !strings.Contains(stderr, "not a token of this key") {
		t.Errorf("suppress add with a forged token: exit %d, %q; want %d and the reason", code, stderr, exitInput)
	}
}

// A DKIM key that does not load is a problem check reports, naming the key.
func TestCheckBadDKIMKey(t *testing.T) {
	sandbox(t)
	edit(t, "config/instances.toml", "return_path = \"bounces@katuma.test\"\n",
		"return_path = \"bounces@katuma.test\"\n\n[instances.katuma.dkim]\ndomain = \"katuma.test\"\nselector = \"s\"\nkey_file = \"/nonexistent/dkim.pem\"\n")
	code, stdout, _ := runCLI(t, "check")
	if code != exitInput || !strings.Contains(stdout, "instances.katuma.dkim.key_file: instance katuma dkim: DKIM key /nonexistent/dkim.pem: no such file or directory") {
		t.Errorf("check with a missing DKIM key: exit %d\n%s", code, stdout)
	}
}

// Signed notices sent through the real Postfix arrive in Dovecot with a
// signature the independent verifier accepts: the signed bytes are the dry
// run's, and nothing on the way breaks them.
func TestSendSignedThroughPostfix(t *testing.T) {
	st := mailstack.Load(t)
	dir := sandbox(t)
	pw := filepath.Join(dir, "smtp-password")
	writeFile(t, pw, st.SMTPPassword+"\n")
	useSMTP(t, "katuma", fmt.Sprintf(`[instances.katuma.smtp]
host = %q
port = %d
tls = "starttls"
auth = "plain"
username = %q
password_file = %q
ca_file = %q
return_path = "bounces@katuma.test"
`, st.SMTPHost, st.SMTPPort, st.SMTPUser, pw, st.CAFile))
	txt := signKatuma(t)
	var addrs, rows []string
	for i, loc := range []string{"ca", "es"} {
		a := st.UniqueAddress(t, "katuma.test")
		addrs = append(addrs, a)
		rows = append(rows, fmt.Sprintf("%s,Persona %d,%s,shopper", a, i, loc))
	}
	writeRecipients(t, "katuma", rows...)
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI(t, "--instance", "katuma", "--dry-run", "--notice", "announce", "--out", out); code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, stderr)
	}
	state := filepath.Join(dir, "ledger.db")
	if code, stdout, stderr := runCLI(t, "--instance", "katuma", "--notice", "announce", "--state", state); code != 0 {
		t.Fatalf("send: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for i, a := range addrs {
		files, _ := filepath.Glob(filepath.Join(out, "katuma", "announce", fmt.Sprintf("%06d-*.eml", i+2)))
		if len(files) != 1 {
			t.Fatalf("dry run wrote %v for row %d", files, i+2)
		}
		want, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		got := st.WaitForMessage(t, a, func(raw []byte) bool { return bytes.Contains(raw, []byte("announce.katuma.")) })
		if !bytes.HasSuffix(got, want) || !bytes.HasPrefix(want, []byte("DKIM-Signature: ")) {
			t.Errorf("%s: the delivered message does not end with the dry run's signed bytes", a)
		}
		vs, err := dkim.VerifyWithOptions(bytes.NewReader(got), &dkim.VerifyOptions{
			LookupTXT: func(string) ([]string, error) { return []string{txt}, nil },
		})
		if err != nil || len(vs) != 1 || vs[0].Err != nil {
			t.Errorf("%s: delivered signature: %+v, %v; want one that verifies", a, vs, err)
		}
	}
}

// A missing unsubscribe key stops a send before anything is recorded.
func TestSendWithoutUnsubscribeKey(t *testing.T) {
	sandbox(t)
	// Nothing listens there: the run must stop before it connects.
	useSMTP(t, "katuma", "[instances.katuma.smtp]\nhost = \"127.0.0.1\"\nport = 1\ntls = \"none\"\nauth = \"none\"\n"+
		"unsubscribe_url = \"https://katuma.test/unsubscribe\"\nunsubscribe_key_env = \"ANNOUNCE_TEST_NO_SUCH_KEY\"\n")
	state := filepath.Join(t.TempDir(), "ledger.db")
	code, stdout, stderr := runCLI(t, "--instance", "katuma", "--notice", "announce", "--yes", "--state", state)
	if code == 0 || !strings.Contains(stderr, "instance katuma unsubscribe key: environment variable ANNOUNCE_TEST_NO_SUCH_KEY is not set") {
		t.Fatalf("send without the key: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if l, err := ledger.Open(t.Context(), state); err == nil {
		c, _ := l.Counts(t.Context(), ledger.Scope{})
		l.Close()
		if c.Total() != 0 {
			t.Errorf("the ledger holds %+v after a refused send, want nothing", c)
		}
	}
}

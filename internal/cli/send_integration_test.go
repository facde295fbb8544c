package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/openfoodfoundation/announce/internal/mailstack"
)

// useSMTP points an instance of the sandbox's config at a test server.
func useSMTP(t *testing.T, instance, smtpBlock string) {
	t.Helper()
	b, err := os.ReadFile("config/instances.toml")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?s)\[instances\.` + instance + `\.smtp\].*?\n\n`)
	src := string(b)
	if re.MatchString(src) {
		src = re.ReplaceAllString(src, smtpBlock+"\n")
	} else {
		src += "\n" + smtpBlock + "\n"
	}
	if err := os.WriteFile("config/instances.toml", []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeRecipients(t *testing.T, instance string, rows ...string) {
	t.Helper()
	body := "email,name,locale,role\n" + strings.Join(rows, "\n") + "\n"
	if err := os.WriteFile(filepath.Join("recipients", instance+".csv"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSendThroughPostfix sends Katuma's announcement through the real Postfix
// (STARTTLS + AUTH), reads every message back from Dovecot over IMAP, and
// compares it with the dry run's bytes: only the headers the MTA adds may
// differ. A rerun sends nothing.
func TestSendThroughPostfix(t *testing.T) {
	st := mailstack.Load(t)
	dir := sandbox(t)
	pw := filepath.Join(dir, "smtp-password")
	if err := os.WriteFile(pw, []byte(st.SMTPPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	useSMTP(t, "katuma", fmt.Sprintf(`[instances.katuma.smtp]
host = %q
port = %d
tls = "starttls"
auth = "plain"
username = %q
password_file = %q
ca_file = %q
return_path = "bounces@katuma.test"
connections = 2
`, st.SMTPHost, st.SMTPPort, st.SMTPUser, pw, st.CAFile))
	var rows []string
	var addrs []string
	for i, loc := range []string{"ca", "es", "", "ca_ES", "en", "es"} {
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
	code, stdout, stderr := runCLI(t, "--instance", "katuma", "--notice", "announce", "--state", state)
	if code != 0 {
		t.Fatalf("send: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "6 sent") {
		t.Errorf("summary does not say 6 sent:\n%s", stdout)
	}
	if strings.Contains(stdout+stderr, st.SMTPPassword) {
		t.Errorf("the SMTP password appears in the output")
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
		// Dovecot hands the message back with the headers Postfix and it
		// added in front (Return-Path, Delivered-To, Received…): the rest
		// must be the dry run's bytes exactly.
		if !bytes.HasSuffix(got, want) {
			t.Errorf("%s: delivered message does not end with the dry run's bytes\n--- delivered\n%s\n--- dry run\n%s", a, got, want)
		}
		if !bytes.Contains(got, []byte("Return-Path: <bounces@katuma.test>")) {
			t.Errorf("%s: envelope sender is not bounces@katuma.test:\n%s", a, got[:min(len(got), 400)])
		}
	}

	// A rerun sends nothing again.
	code, stdout, stderr = runCLI(t, "--instance", "katuma", "--notice", "announce", "--state", state)
	if code != 0 || !strings.Contains(stdout, "6 already sent") || !strings.Contains(stdout, "0 sent") {
		t.Errorf("rerun: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, a := range addrs[:2] {
		msgs, err := st.Messages(t.Context(), a)
		if err != nil || len(msgs) != 1 {
			t.Errorf("%s has %d messages (%v), want 1", a, len(msgs), err)
		}
	}
}

package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

// child starts announce as a subprocess in the current directory.
func child(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ANNOUNCE_TEST_CHILD="+strings.Join(args, "\x1f"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

func plainSMTP(srv *mailertest.Server) string {
	return fmt.Sprintf("[instances.katuma.smtp]\nhost = %q\nport = %d\ntls = \"none\"\nauth = \"none\"\nconnections = 4\n", srv.Host, srv.Port)
}

// A send of 2,000 messages killed with SIGKILL mid-way: a rerun finishes it,
// every recipient got the notice, and no more than the pool size (4) got it
// twice.
func TestKillMidSendThenRerun(t *testing.T) {
	const n, pool = 2000, 4
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	sandbox(t)
	useSMTP(t, "katuma", plainSMTP(srv))
	rows := make([]string, n)
	for i := range rows {
		rows[i] = fmt.Sprintf("crash%04d@example.test,Persona %d,%s,", i, i, []string{"ca", "es"}[i%2])
	}
	writeRecipients(t, "katuma", rows...)
	state := filepath.Join(t.TempDir(), "ledger.db")
	// --force: the child runs at today's date, long after the 2019 window.
	args := []string{"--instance", "katuma", "--notice", "announce", "--yes", "--force", "--state", state}

	cmd, out := child(t, args...)
	deadline := time.Now().Add(30 * time.Second)
	for srv.Stats().Accepted < n/4 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("child sent only %d in 30s:\n%s", srv.Stats().Accepted, out)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	atKill := srv.Stats().Accepted
	if atKill >= n {
		t.Fatalf("child finished before the kill (%d accepted); nothing was tested", atKill)
	}

	cmd, out = child(t, args...)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	got := map[string]int{}
	for _, m := range srv.Messages() {
		for _, to := range m.To {
			got[to]++
		}
	}
	dups := 0
	for i := 0; i < n; i++ {
		a := fmt.Sprintf("crash%04d@example.test", i)
		switch c := got[a]; {
		case c == 0:
			t.Errorf("%s never received the notice", a)
		case c > 1:
			dups += c - 1
		}
	}
	if dups > pool {
		t.Errorf("%d duplicates after one kill, want at most %d (the messages in flight)", dups, pool)
	}
	t.Logf("killed after %d accepted; rerun completed %d; %d duplicates", atKill, n, dups)
	if !strings.Contains(out.String(), "already sent") {
		t.Errorf("rerun summary:\n%s", out)
	}
}

// Without a terminal and without --yes, a send to more than 10 refuses and
// sends nothing.
func TestSendNeedsConfirmation(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	sandbox(t)
	useSMTP(t, "katuma", plainSMTP(srv))
	rows := make([]string, 11)
	for i := range rows {
		rows[i] = fmt.Sprintf("c%02d@example.test,,,", i)
	}
	writeRecipients(t, "katuma", rows...)
	state := filepath.Join(t.TempDir(), "ledger.db")
	code, _, stderr := runCLI(t, "--instance", "katuma", "--notice", "announce", "--state", state)
	if code != exitInput || !strings.Contains(stderr, "needs confirmation: run it at a terminal, or pass --yes") {
		t.Errorf("exit %d, stderr %q; want 2 and a request for --yes", code, stderr)
	}
	if st := srv.Stats(); st.Connections != 0 {
		t.Errorf("server saw %d connections before confirmation", st.Connections)
	}
	code, stdout, stderr := runCLI(t, "--instance", "katuma", "--notice", "announce", "--state", state, "--yes")
	if code != 0 || srv.Stats().Accepted != 11 {
		t.Errorf("with --yes: exit %d, %d accepted\n%s%s", code, srv.Stats().Accepted, stdout, stderr)
	}
}

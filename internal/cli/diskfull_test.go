//go:build linux

package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

// A child run with ANNOUNCE_TEST_FSIZE set can write no file beyond that
// many bytes (RLIMIT_FSIZE): the kernel's own "file too large", as on a
// full disk, for the ledger's WAL as it grows.
func init() {
	if v := os.Getenv("ANNOUNCE_TEST_FSIZE"); v != "" {
		n, _ := strconv.ParseUint(v, 10, 64)
		signal.Ignore(syscall.SIGXFSZ) // fail the write instead of killing the process
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
			panic(err)
		}
	}
}

// The ledger stops being writable mid-send: the run says so (not
// "interrupted"), and the summary's counts are the ledger's, with the
// messages the server accepted but the ledger could not record counted
// apart.
func TestLedgerFullMidSend(t *testing.T) {
	const n = 600
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	sandbox(t)
	useSMTP(t, "katuma", plainSMTP(srv))
	rows := make([]string, n)
	for i := range rows {
		rows[i] = fmt.Sprintf("full%03d@example.test,,ca,", i)
	}
	writeRecipients(t, "katuma", rows...)
	state := filepath.Join(t.TempDir(), "ledger.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ANNOUNCE_TEST_FSIZE=1200000",
		"ANNOUNCE_TEST_CHILD="+strings.Join([]string{"--instance", "katuma", "--notice", "announce", "--yes", "--force", "--no-forum", "--state", state}, "\x1f"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	text := out.String()
	if err == nil || !strings.Contains(text, "ledger write failed") || strings.Contains(text, "interrupted") || strings.Contains(text, "context canceled") {
		t.Fatalf("exit %v, output:\n%s\nwant a failure saying the ledger could not be written", err, text)
	}
	sent := count(t, text, `(\d+) +sent\n`)
	unrecorded := count(t, text, `(\d+) +accepted but not recorded`)
	l, err := ledger.OpenReadOnly(context.Background(), state)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := l.Counts(context.Background(), ledger.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Sent != sent || srv.Stats().Accepted != sent+unrecorded || c.FailedPerm+c.FailedTemp != 0 {
		t.Errorf("summary: %d sent, %d unrecorded; ledger %+v; server accepted %d", sent, unrecorded, c, srv.Stats().Accepted)
	}
	t.Logf("ledger full after %d sent, %d accepted but not recorded; ledger %+v", sent, unrecorded, c)
}

func count(t *testing.T, text, re string) int {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(text)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

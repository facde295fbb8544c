package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

// Ten kill -9s, each while messages wait for the reply to their end (the
// worst moment: the server has them, the ledger does not know): no
// recipient ever gets more than ledger.HoldAfter copies; whoever was in
// flight at two crashes is held as uncertain and listed, and
// --resend-uncertain sends each of those once more. Nobody is dropped.
func TestRepeatedKillsBoundCopies(t *testing.T) {
	const n, kills = 60, 10
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS, SlowAt: mailertest.EndOfData, SlowFor: 250 * time.Millisecond})
	sandbox(t)
	useSMTP(t, "katuma", plainSMTP(srv))
	rows := make([]string, n)
	for i := range rows {
		rows[i] = fmt.Sprintf("k%02d@example.test,,ca,", i)
	}
	writeRecipients(t, "katuma", rows...)
	state := filepath.Join(t.TempDir(), "ledger.db")
	args := []string{"--instance", "katuma", "--notice", "announce", "--yes", "--force", "--state", state}

	killed := 0
	for k := 0; k < kills; k++ {
		before := srv.Stats().Accepted
		cmd, out := child(t, args...)
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		deadline := time.Now().Add(20 * time.Second)
		finished := false
	wait:
		for srv.Stats().Accepted == before { // a message is in, its reply pending
			select {
			case <-exited:
				finished = true // nothing left to send
				break wait
			default:
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("kill %d: nothing reached the server in 20s:\n%s", k+1, out)
			}
			time.Sleep(time.Millisecond)
		}
		if finished {
			break
		}
		cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		killed++
	}
	if killed < 3 {
		t.Fatalf("only %d kills before the list ran out: the test proves little", killed)
	}
	cmd, out := child(t, args...)
	cmd.Wait() // exits 1 when some are uncertain
	copies := func() map[string]int {
		got := map[string]int{}
		for _, m := range srv.Messages() {
			for _, to := range m.To {
				got[to]++
			}
		}
		return got
	}
	l, err := ledger.OpenReadOnly(context.Background(), state)
	if err != nil {
		t.Fatal(err)
	}
	held, err := l.Uncertain(context.Background(), ledger.Scope{})
	l.Close()
	if err != nil {
		t.Fatal(err)
	}
	isHeld := map[string]bool{}
	for _, h := range held {
		isHeld[h.Recipient] = true
	}
	got := copies()
	most := 0
	for i := 0; i < n; i++ {
		a := fmt.Sprintf("k%02d@example.test", i)
		most = max(most, got[a])
		if got[a] > ledger.HoldAfter {
			t.Errorf("%s got %d copies after %d kills, want at most %d", a, got[a], kills, ledger.HoldAfter)
		}
		if got[a] == 0 && !isHeld[a] {
			t.Errorf("%s got nothing and is not held as uncertain:\n%s", a, out)
		}
	}
	t.Logf("after %d kills: %d held as uncertain, at most %d copies of one message", killed, len(held), most)
	if len(held) > 0 && !strings.Contains(out.String(), "uncertain") {
		t.Errorf("the final run does not mention the uncertain messages:\n%s", out)
	}

	code, stdout, _ := runCLI(t, "status", "--state", state)
	if code != 0 || (len(held) > 0 && !strings.Contains(stdout, "Uncertain (maybe delivered")) {
		t.Errorf("status: exit %d, does not list the uncertain:\n%s", code, stdout)
	}
	cmd, out = child(t, append(args, "--resend-uncertain")...)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("--resend-uncertain: %v\n%s", err, out)
	}
	after := copies()
	for i := 0; i < n; i++ {
		a := fmt.Sprintf("k%02d@example.test", i)
		if after[a] == 0 || after[a] > ledger.HoldAfter+1 || (!isHeld[a] && after[a] != got[a]) {
			t.Errorf("%s: %d copies before --resend-uncertain, %d after (held: %v)", a, got[a], after[a], isHeld[a])
		}
	}
}

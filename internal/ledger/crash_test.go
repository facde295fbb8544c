//go:build unix

package ledger

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// deadPID returns the PID of a process that has exited and been reaped.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatalf("run a short-lived process: %v", err)
	}
	pid := cmd.Process.Pid
	if !processGone(pid) {
		t.Skipf("PID %d was reused at once", pid)
	}
	return pid
}

func TestClaimTakeOver(t *testing.T) {
	ctx := context.Background()
	dead := deadPID(t)
	for _, tc := range []struct {
		name    string
		holder  func(o Owner) Owner // from a fresh owner of this process
		expired bool                // the holder's lease has run out
		wantErr error
	}{
		{
			name:   "dead PID on this host",
			holder: func(o Owner) Owner { o.PID = dead; return o },
		},
		{
			name:    "live PID on this host",
			holder:  func(o Owner) Owner { o.PID = os.Getppid(); return o },
			wantErr: ErrClaimedByOther,
		},
		{
			name:    "live PID on this host, lease expired",
			holder:  func(o Owner) Owner { o.PID = os.Getppid(); return o },
			expired: true,
		},
		{
			name:    "live run of this process",
			holder:  func(o Owner) Owner { return o },
			wantErr: ErrClaimedByOther,
		},
		{
			name:   "this PID but not a run of this process (PID reused)",
			holder: func(o Owner) Owner { o.Run = "previous-life"; return o },
		},
		{
			name:    "other host: its PIDs cannot be checked",
			holder:  func(o Owner) Owner { o.Host = "elsewhere"; o.PID = dead; return o },
			wantErr: ErrClaimedByOther,
		},
		{
			name:    "other host, lease expired",
			holder:  func(o Owner) Owner { o.Host = "elsewhere"; o.PID = dead; return o },
			expired: true,
		},
		{
			name:    "other PID namespace on this host",
			holder:  func(o Owner) Owner { o.Space = "pid:[1]"; o.PID = dead; return o },
			wantErr: ErrClaimedByOther,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, _ := openTest(t)
			k := testKey(1)
			enqueue(t, l, k)
			h := tc.holder(newOwner(t))
			mustClaim(t, l, k, h)
			if tc.expired {
				if _, err := l.db.Exec("UPDATE deliveries SET lease_until = ?", time.Now().Add(-time.Second).UnixMilli()); err != nil {
					t.Fatal(err)
				}
			}

			c, err := l.Claim(ctx, k, newOwner(t))
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Claim of a row held by %+v = %+v, %v, want error %v", h, c, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if !c.Resumed || c.Attempts != 2 || c.MessageID != messageID(k) {
				t.Errorf("Claim = %+v, want Resumed, Attempts 2, MessageID %q", c, messageID(k))
			}
		})
	}
}

// Environment of the child process of TestKill9.
const (
	envChildLedger = "ANNOUNCE_LEDGER_TEST_CHILD"
	envChildLog    = "ANNOUNCE_LEDGER_TEST_CHILD_LOG"
)

const (
	kill9Keys        = 2000
	kill9Concurrency = 4
)

// TestKill9 kills a sending process with SIGKILL at random moments and
// reruns it until everything is sent. The child "sends" by appending the
// key to a log before MarkSent, as an SMTP server would accept the message
// before the ledger hears of it. After every kill: no row is lost, none is
// in a state other than pending, sending or sent, and at most the child's
// concurrency are in sending. At the end every key was sent, and every
// send beyond the first was of a message in flight at a kill, resent with
// its Message-ID.
func TestKill9(t *testing.T) {
	if path := os.Getenv(envChildLedger); path != "" {
		kill9Child(path, os.Getenv(envChildLog))
		return
	}
	if testing.Short() {
		t.Skip("starts processes")
	}
	ctx := context.Background()
	dir := t.TempDir()
	path, logPath := filepath.Join(dir, "ledger.db"), filepath.Join(dir, "sent.log")
	l := reopen(t, path)
	keys := testKeys(kill9Keys)
	enqueue(t, l, keys...)

	kills, resumedRows := 0, 0
	for round := 0; ; round++ {
		if round == 200 {
			t.Fatalf("not done after %d rounds", round)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestKill9$")
		cmd.Env = append(os.Environ(), envChildLedger+"="+path, envChildLog+"="+logPath)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it after a random number of sends, so that every round
		// makes progress and dies mid-stream.
		killAfter, killed := 1+rand.IntN(kill9Keys/5), false
		for lines := bufio.NewScanner(out); lines.Scan(); {
			switch lines.Text() {
			case "resumed":
				resumedRows++
			case "sent":
				if killAfter--; killAfter == 0 && !killed {
					if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
						t.Fatal(err)
					}
					killed = true
				}
			}
		}
		err = cmd.Wait()
		if err == nil {
			break // it finished before the kill
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child: %v", round, err)
		}
		kills++

		c, err := l.Counts(ctx, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Total() != kill9Keys || c.FailedTemp+c.FailedPerm+c.Suppressed != 0 || c.Sending > kill9Concurrency {
			t.Fatalf("after kill %d: Counts = %+v, want %d rows, all pending, sending (at most %d) or sent",
				kills, c, kill9Keys, kill9Concurrency)
		}
	}

	c, err := l.Counts(ctx, Scope{})
	if want := (Counts{Sent: kill9Keys}); err != nil || c != want {
		t.Errorf("at the end: Counts = %+v, %v, want %+v", c, err, want)
	}
	sends := make(map[string]int)
	log, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(log)) {
		sends[strings.TrimSpace(line)]++
	}
	extra := 0 // sends beyond the first
	for _, k := range keys {
		n := sends[messageID(k)]
		if n == 0 {
			t.Errorf("%s never sent", k)
		}
		extra += max(n-1, 0)
	}
	// A key in flight at two kills in a row goes out three times: the bound
	// is per kill, not per key.
	if extra > resumedRows || resumedRows > kills*kill9Concurrency {
		t.Errorf("%d extra sends, %d rows resumed, %d kills of %d senders: want extra ≤ resumed ≤ kills×senders",
			extra, resumedRows, kills, kill9Concurrency)
	}
	t.Logf("%d kills, %d rows resumed, %d extra sends", kills, resumedRows, extra)
}

// kill9Child sends every key it can claim with kill9Concurrency workers,
// each holding one claim at a time like an SMTP connection of the pool.
func kill9Child(path, logPath string) {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	ctx := context.Background()
	l, err := Open(ctx, path)
	if err != nil {
		fail(err)
	}
	o, err := NewOwner(DefaultLease)
	if err != nil {
		fail(err)
	}
	sent, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		fail(err)
	}

	keys := testKeys(kill9Keys)
	var wg sync.WaitGroup
	for w := range kill9Concurrency {
		wg.Go(func() {
			for i := w; i < len(keys); i += kill9Concurrency {
				c, err := l.Claim(ctx, keys[i], o)
				if errors.Is(err, ErrAlreadySent) {
					continue
				}
				if err != nil {
					fail(err)
				}
				if c.Resumed {
					// A kill can lose this line, which only makes the
					// parent's bound stricter.
					fmt.Println("resumed")
				}
				// One write(2): the "server" has the message.
				if _, err := sent.WriteString(c.MessageID + "\n"); err != nil {
					fail(err)
				}
				time.Sleep(time.Duration(rand.IntN(200)) * time.Microsecond)
				if err := l.MarkSent(ctx, keys[i], "250 2.0.0 Ok"); err != nil {
					fail(err)
				}
				fmt.Println("sent")
			}
		})
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		fail(err)
	}
	os.Exit(0)
}

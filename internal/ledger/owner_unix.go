//go:build unix

package ledger

import (
	"crypto/rand"
	"errors"
	"os"
	"runtime"
	"syscall"
)

// processGone reports whether no process has this PID. EPERM means one
// exists that we may not signal.
func processGone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// pidSpace names this process's PID namespace, so that two containers that
// share a ledger and a host name never judge each other's PIDs. Where it
// cannot be read on Linux, it is unique to this process: nobody else's PIDs
// are then comparable with ours, which is the safe direction.
func pidSpace() string {
	if runtime.GOOS != "linux" {
		return ""
	}
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return "unknown:" + rand.Text()
	}
	return ns
}

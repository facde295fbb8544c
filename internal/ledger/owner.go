package ledger

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// DefaultLease suits sends bounded by ordinary SMTP timeouts: no live send
// outlasts it. A run that cannot check its predecessor (on another host, in
// another container) waits this long for rows that predecessor left sending.
const DefaultLease = 10 * time.Minute

// Owner identifies the run that claims rows. A row in sending can be taken
// over from its owner only when the lease has expired or the owner is
// provably dead: it ran on this host in this PID namespace and no process has
// its PID any more, or this process has its PID but no such run (the PID was
// reused).
type Owner struct {
	Host  string // os.Hostname
	Space string // the PID namespace: PIDs compare only within one
	PID   int
	Run   string // random, unique per run
	// Lease is how long a claim holds unless its owner is provably dead;
	// after that any run may take the row over, so it must exceed the
	// longest a single send can take.
	Lease time.Duration
	// ResendUncertain: this run may claim uncertain rows (maybe delivered)
	// and send them again, as the operator asked (--resend-uncertain).
	ResendUncertain bool
}

// liveRuns holds the Run of every Owner made by NewOwner in this process,
// so that two runs in one process (tests, or a long-lived scheduler) tell
// each other's claims from those of a dead process that had the same PID.
var liveRuns sync.Map // string → struct{}

// NewOwner returns the Owner for a run of this process.
func NewOwner(lease time.Duration) (Owner, error) {
	if lease <= 0 {
		return Owner{}, fmt.Errorf("new ledger owner: lease %v is not positive", lease)
	}
	id := thisProcess()
	o := Owner{Host: id.host, Space: id.space, PID: os.Getpid(), Run: rand.Text(), Lease: lease}
	liveRuns.Store(o.Run, struct{}{})
	return o, nil
}

func (o Owner) validate() error {
	switch {
	case o.Run == "":
		return errors.New("owner has no run id")
	case o.PID <= 0:
		return fmt.Errorf("owner pid %d", o.PID)
	case o.Lease <= 0:
		return fmt.Errorf("owner lease %v is not positive", o.Lease)
	}
	return nil
}

// holder is the owner recorded on a row in sending.
type holder struct {
	host, space, run string
	pid              int
	leaseUntil       int64 // Unix ms
}

// yieldsTo reports whether a row h holds may be claimed by o at now.
func (h holder) yieldsTo(o Owner, now int64) bool {
	if h.run == o.Run {
		return false // our own claim: the send is in flight
	}
	return now >= h.leaseUntil || h.dead()
}

// dead reports whether h's process is provably gone. It errs towards alive:
// an alive answer only delays a resend until the lease expires, a dead one
// for a live owner would send twice.
func (h holder) dead() bool {
	id := thisProcess()
	if h.host != id.host || h.space != id.space || h.pid <= 0 {
		return false // its PID means nothing here
	}
	if h.pid == os.Getpid() {
		_, live := liveRuns.Load(h.run)
		return !live
	}
	return processGone(h.pid)
}

type processID struct{ host, space string }

var thisProcess = sync.OnceValue(func() processID {
	host, err := os.Hostname()
	if err != nil {
		host = ""
	}
	return processID{host: host, space: pidSpace()}
})

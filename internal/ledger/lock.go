package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// LockHolder describes the run that holds a lock.
type LockHolder struct {
	Host    string
	PID     int
	Command string
	Since   time.Time
	Until   time.Time // its lease
}

func (h LockHolder) String() string {
	return fmt.Sprintf("%q (pid %d on %s, since %s, lease until %s)", h.Command, h.PID, h.Host,
		h.Since.UTC().Format(time.RFC3339), h.Until.UTC().Format(time.RFC3339))
}

// LockedError says who holds the lock.
type LockedError struct{ Holder LockHolder }

func (e *LockedError) Error() string { return "another run holds the lock: " + e.Holder.String() }

// Lock is a held lock; Release gives it back. It renews its lease while held,
// so only a run that stopped renewing — killed, or hung longer than the
// lease — loses it; a run on this host whose process is gone loses it at once.
type Lock struct {
	l      *Ledger
	name   string
	owner  Owner
	stop   chan struct{}
	done   sync.WaitGroup
	closed sync.Once
}

// AcquireLock takes the named lock for o, or returns a *LockedError naming
// the live run that holds it. command describes this run for the next one.
func (l *Ledger) AcquireLock(ctx context.Context, name, command string, o Owner) (*Lock, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	err := l.inTx(ctx, func(tx *sql.Tx, now int64) error {
		var h holder
		var cmd string
		var since int64
		err := tx.QueryRowContext(ctx, `SELECT owner_host, owner_space, owner_pid, owner_run, command, since, lease_until FROM locks WHERE name = ?1`, name).
			Scan(&h.host, &h.space, &h.pid, &h.run, &cmd, &since, &h.leaseUntil)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case !h.yieldsTo(o, now):
			return &LockedError{Holder: LockHolder{Host: h.host, PID: h.pid, Command: cmd, Since: time.UnixMilli(since), Until: time.UnixMilli(h.leaseUntil)}}
		}
		_, err = tx.ExecContext(ctx, `
INSERT INTO locks (name, owner_host, owner_space, owner_pid, owner_run, command, since, lease_until)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (name) DO UPDATE SET owner_host = excluded.owner_host, owner_space = excluded.owner_space,
	owner_pid = excluded.owner_pid, owner_run = excluded.owner_run, command = excluded.command,
	since = excluded.since, lease_until = excluded.lease_until`,
			name, o.Host, o.Space, o.PID, o.Run, command, now, now+o.Lease.Milliseconds())
		return err
	})
	if err != nil {
		var le *LockedError
		if errors.As(err, &le) {
			return nil, le
		}
		return nil, fmt.Errorf("acquire lock %s: %w", name, err)
	}
	k := &Lock{l: l, name: name, owner: o, stop: make(chan struct{})}
	k.done.Add(1)
	go k.renew()
	return k, nil
}

func (k *Lock) renew() {
	defer k.done.Done()
	t := time.NewTicker(k.owner.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-k.stop:
			return
		case <-t.C:
			k.l.db.Exec(`UPDATE locks SET lease_until = ?1 WHERE name = ?2 AND owner_run = ?3`,
				time.Now().Add(k.owner.Lease).UnixMilli(), k.name, k.owner.Run)
		}
	}
}

// Release gives the lock back.
func (k *Lock) Release() error {
	var err error
	k.closed.Do(func() {
		close(k.stop)
		k.done.Wait()
		_, err = k.l.db.Exec(`DELETE FROM locks WHERE name = ?1 AND owner_run = ?2`, k.name, k.owner.Run)
	})
	return err
}

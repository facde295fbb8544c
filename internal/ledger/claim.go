package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// Key names one delivery: one notice of one campaign to one recipient of one
// instance.
//
// Recipient is an address the caller has already normalised (recipients
// parses and canonicalises it); the ledger only folds it to lower case and
// trims spaces, here and in the suppression list, so that a stray capital can
// neither send twice nor slip past a suppression.
type Key struct {
	Campaign, Notice, Instance, Recipient string
}

func (k Key) String() string {
	return k.Campaign + "/" + k.Notice + "/" + k.Instance + "/" + k.Recipient
}

func (k Key) norm() Key {
	k.Recipient = normAddr(k.Recipient)
	return k
}

func (k Key) args(more ...any) []any {
	return append([]any{k.Campaign, k.Notice, k.Instance, k.Recipient}, more...)
}

func normAddr(addr string) string {
	return strings.ToLower(strings.TrimSpace(addr))
}

// Row states, as stored.
const (
	statePending    = "pending"
	stateSending    = "sending"
	stateSent       = "sent"
	stateFailedTemp = "failed-temp"
	stateFailedPerm = "failed-perm"
	stateSuppressed = "suppressed"
	stateUncertain  = "uncertain"
)

// HoldAfter is how many claims of one delivery may end without a verdict
// from the server — the run died mid-send, or the reply to the end of data
// never came — before the ledger holds it as uncertain rather than let it
// be sent again: each such claim may have delivered a copy, so without
// ResendUncertain a message goes out at most HoldAfter times.
const HoldAfter = 2

// Claim is a row this run now owns and must send, then record with MarkSent
// or MarkFailed.
type Claim struct {
	// MessageID and Locale are those recorded at Enqueue. Send with this
	// Message-ID, not a fresh one: a resend after a crash then threads with
	// (and is deduplicated against) the copy that may already be out.
	MessageID string
	Locale    string
	Attempts  int // including this one
	// Resumed reports that the row was taken over from a dead or expired
	// owner, which may have sent the message before it died.
	Resumed bool
	// Uncertain reports that the row was uncertain (maybe delivered) and is
	// sent again because the owner asked to (Owner.ResendUncertain).
	Uncertain bool
}

// Claim makes o the owner of the row for k, in sending, if nobody sent it,
// nobody live is sending it, and its address is not suppressed. Otherwise it
// returns an error wrapping ErrAlreadySent, ErrClaimedByOther (which includes
// a second claim by o itself), ErrFailedPerm, ErrSuppressed, ErrUncertain or
// ErrNotFound. Attempts counts claims, so a run that dies mid-send still
// counts as one. A row left sending by a dead or expired owner is taken
// over, unless HoldAfter claims of it would then have ended unanswered: it
// is held as uncertain instead (ErrUncertain). An uncertain row is claimed
// only when o.ResendUncertain.
func (l *Ledger) Claim(ctx context.Context, k Key, o Owner) (Claim, error) {
	seq := claimSeq.Add(1)
	return l.claimAt(ctx, k, o, seq, seq)
}

// claimSeq numbers claims in this process: with the owner's run, (batch,
// seq) tells which row of a batch its worker would send first.
var claimSeq atomic.Int64

func (l *Ledger) claimAt(ctx context.Context, k Key, o Owner, batch, seq int64) (Claim, error) {
	k = k.norm()
	c, err := l.claim(ctx, k, o, batch, seq)
	if err != nil {
		return Claim{}, asWriteErr(fmt.Errorf("claim %s: %w", k, err))
	}
	return c, nil
}

func (l *Ledger) claim(ctx context.Context, k Key, o Owner, batch, seq int64) (Claim, error) {
	if err := o.validate(); err != nil {
		return Claim{}, err
	}
	now := time.Now().UnixMilli()
	own := k.args(o.Host, o.Space, o.PID, o.Run, now+o.Lease.Milliseconds(), now, batch, seq)

	var c Claim
	err := l.stmts.claim.QueryRowContext(ctx, own...).Scan(&c.Locale, &c.MessageID, &c.Attempts)
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Claim{}, err
	}
	return l.claimSlow(ctx, k, o, own, now)
}

// claimSlow finds out why the fast path claimed nothing. A plain read
// settles every refusal, which is what a rerun meets for each row already
// sent: refusing on a snapshot is as if the claim had come a moment earlier,
// and it sends nothing. Only a row that may be taken (a dead or expired
// owner, or a suppression to record) is read again and written under the
// write lock.
func (l *Ledger) claimSlow(ctx context.Context, k Key, o Owner, own []any, now int64) (_ Claim, err error) {
	r, err := readRow(ctx, l.stmts.row, k)
	if err != nil {
		return Claim{}, err
	}
	if err := r.refusal(o, now); err != nil {
		return Claim{}, err
	}

	tx, err := l.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: see dsn
	if err != nil {
		return Claim{}, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if r, err = readRow(ctx, tx.StmtContext(ctx, l.stmts.row), k); err != nil {
		return Claim{}, err
	}
	if err := r.refusal(o, now); err != nil {
		return Claim{}, err
	}
	if r.suppressed {
		// Record the skip, so Counts shows it.
		if _, err := tx.StmtContext(ctx, l.stmts.setSuppressed).ExecContext(ctx, k.args(now)...); err != nil {
			return Claim{}, err
		}
		if err := tx.Commit(); err != nil {
			return Claim{}, err
		}
		return Claim{}, ErrSuppressed
	}
	onWire := 0
	if r.onWire {
		onWire = 1
		// The rest of the dead claimant's batch was never reached.
		if _, err := tx.StmtContext(ctx, l.stmts.unreached).ExecContext(ctx, r.holder.run, r.batch, r.seq, now); err != nil {
			return Claim{}, err
		}
	}
	if r.onWire && r.unanswered+1 >= HoldAfter {
		why := fmt.Sprintf("in flight when %d runs ended (or got no reply to the end of data): maybe delivered; held, not sent again (announce --resend-uncertain sends it)", r.unanswered+1)
		if _, err := tx.StmtContext(ctx, l.stmts.hold).ExecContext(ctx, k.args(why, now)...); err != nil {
			return Claim{}, err
		}
		if err := tx.Commit(); err != nil {
			return Claim{}, err
		}
		return Claim{}, ErrUncertain
	}
	if _, err := tx.StmtContext(ctx, l.stmts.takeOver).ExecContext(ctx, append(own, onWire)...); err != nil {
		return Claim{}, err
	}
	if err := tx.Commit(); err != nil {
		return Claim{}, err
	}
	c := r.claim
	c.Attempts++
	c.Resumed = r.state == stateSending
	c.Uncertain = r.state == stateUncertain
	return c, nil
}

// row is what Claim needs to know of a row it did not claim at once.
type row struct {
	state      string
	unanswered int
	onWire     bool // in sending, first of its claimant's batch: maybe sent
	batch, seq int64
	claim      Claim
	holder     holder
	suppressed bool // its address is on the suppression list
}

func readRow(ctx context.Context, st *sql.Stmt, k Key) (row, error) {
	var r row
	err := st.QueryRowContext(ctx, k.args()...).Scan(
		&r.state, &r.claim.Locale, &r.claim.MessageID, &r.claim.Attempts, &r.unanswered, &r.onWire, &r.batch, &r.seq,
		&r.holder.host, &r.holder.space, &r.holder.pid, &r.holder.run, &r.holder.leaseUntil,
		&r.suppressed)
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, ErrNotFound
	}
	return r, err
}

// refusal returns why o may not claim r at now, or nil if it may, which
// includes recording that r is suppressed.
func (r row) refusal(o Owner, now int64) error {
	switch r.state {
	case stateSent:
		return ErrAlreadySent
	case stateFailedPerm:
		return ErrFailedPerm
	case stateSuppressed:
		return ErrSuppressed
	case stateUncertain:
		if !o.ResendUncertain {
			return ErrUncertain
		}
		return nil
	case stateSending:
		if !r.holder.yieldsTo(o, now) {
			return ErrClaimedByOther
		}
		return nil
	case statePending, stateFailedTemp:
		return nil // suppressed, or changed since the fast path
	}
	return fmt.Errorf("unknown state %q", r.state)
}

// MarkSent records that the message for k was accepted, with the server's
// reply verbatim. It applies whatever the row's state, even if another run
// took the claim over meanwhile: once sent, a row is never claimable again.
func (l *Ledger) MarkSent(ctx context.Context, k Key, reply string) error {
	k = k.norm()
	res, err := l.stmts.markSent.ExecContext(ctx, k.args(reply, time.Now().UnixMilli())...)
	if err != nil {
		return asWriteErr(fmt.Errorf("mark %s sent: %w", k, err))
	}
	if err := oneRow(res); err != nil {
		return fmt.Errorf("mark %s sent: %w", k, err)
	}
	return nil
}

// MarkFailed records a failed send of k with the server's reply verbatim:
// failed-temp rows are claimed again by a later run, failed-perm rows never.
// A row already sent stays sent, and MarkFailed returns ErrAlreadySent.
func (l *Ledger) MarkFailed(ctx context.Context, k Key, permanent bool, reply string) error {
	k = k.norm()
	res, err := l.stmts.markFailed.ExecContext(ctx, k.args(permanent, reply, time.Now().UnixMilli())...)
	if err == nil {
		if err = oneRow(res); errors.Is(err, ErrNotFound) {
			// Missing, or sent: the statement skips sent rows.
			if _, rerr := readRow(ctx, l.stmts.row, k); rerr == nil {
				err = ErrAlreadySent
			} else if !errors.Is(rerr, ErrNotFound) {
				err = rerr
			}
		}
	}
	if err != nil {
		return asWriteErr(fmt.Errorf("mark %s failed: %w", k, err))
	}
	return nil
}

// MarkUncertain records that the message for k went out in full and no
// reply to its end came (the wait timed out, the connection was lost, the run
// was stopped): maybe delivered. An uncertain row is never claimed again
// unless its claimant asks (Owner.ResendUncertain); it counts towards
// HoldAfter. A row already sent stays sent, and MarkUncertain returns
// ErrAlreadySent.
func (l *Ledger) MarkUncertain(ctx context.Context, k Key, reply string) error {
	k = k.norm()
	res, err := l.stmts.markUncertain.ExecContext(ctx, k.args(reply, time.Now().UnixMilli())...)
	if err == nil {
		if err = oneRow(res); errors.Is(err, ErrNotFound) {
			if _, rerr := readRow(ctx, l.stmts.row, k); rerr == nil {
				err = ErrAlreadySent
			} else if !errors.Is(rerr, ErrNotFound) {
				err = rerr
			}
		}
	}
	if err != nil {
		return asWriteErr(fmt.Errorf("mark %s uncertain: %w", k, err))
	}
	return nil
}

// Unfail makes rows of keys that failed temporarily pending again, as if
// never tried: for failures that turned out to be the server's, not the
// recipients' (a run stopped by its circuit breaker).
func (l *Ledger) Unfail(ctx context.Context, keys []Key) error {
	err := l.inTx(ctx, func(tx *sql.Tx, now int64) error {
		for _, k := range keys {
			k = k.norm()
			if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'pending', attempts = max(attempts - 1, 0), updated_at = ?5
WHERE campaign = ?1 AND notice = ?2 AND instance = ?3 AND recipient = ?4 AND state = 'failed-temp'`, k.args(now)...); err != nil {
				return fmt.Errorf("unfail %s: %w", k, err)
			}
		}
		return nil
	})
	if err != nil {
		return asWriteErr(fmt.Errorf("give back %d deliveries: %w", len(keys), err))
	}
	return nil
}

func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// ClaimResult is the outcome of one key of ClaimBatch: a Claim, or the error
// Claim would have returned.
type ClaimResult struct {
	Claim Claim
	Err   error
}

// ClaimBatch claims several rows for o in one transaction — the common case,
// rows pending or failed-temp — and settles the others one by one as Claim
// does (already sent, suppressed, held by another run…). Claiming ahead costs
// nothing in duplicates: a row claimed and never sent is taken back by the
// next run (or by Release); only a sent row not yet marked can go out twice.
func (l *Ledger) ClaimBatch(ctx context.Context, keys []Key, o Owner) ([]ClaimResult, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	out := make([]ClaimResult, len(keys))
	slow := make([]bool, len(keys))
	// One batch, sent in this order: see claim_batch in the schema.
	first := claimSeq.Add(int64(len(keys))) - int64(len(keys)) + 1
	err := l.inTx(ctx, func(tx *sql.Tx, now int64) error {
		st := tx.StmtContext(ctx, l.stmts.claim)
		for i, k := range keys {
			k = k.norm()
			own := k.args(o.Host, o.Space, o.PID, o.Run, now+o.Lease.Milliseconds(), now, first, first+int64(i))
			var c Claim
			err := st.QueryRowContext(ctx, own...).Scan(&c.Locale, &c.MessageID, &c.Attempts)
			switch {
			case err == nil:
				out[i].Claim = c
			case errors.Is(err, sql.ErrNoRows):
				slow[i] = true
			default:
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, asWriteErr(fmt.Errorf("claim %d deliveries: %w", len(keys), err))
	}
	for i, k := range keys {
		if slow[i] {
			out[i].Claim, out[i].Err = l.claimAt(ctx, k, o, first, first+int64(i))
		}
	}
	return out, nil
}

// Sent is one accepted message for MarkSentBatch.
type Sent struct {
	Key
	Reply string
}

// MarkSentBatch records several accepted messages in one transaction (the
// callers wait for it before sending anything else, so it does not widen what
// a crash can send twice; it only shares one commit among them).
func (l *Ledger) MarkSentBatch(ctx context.Context, sent []Sent) error {
	err := l.inTx(ctx, func(tx *sql.Tx, now int64) error {
		st := tx.StmtContext(ctx, l.stmts.markSent)
		for _, s := range sent {
			k := s.Key.norm()
			res, err := st.ExecContext(ctx, k.args(s.Reply, now)...)
			if err != nil {
				return fmt.Errorf("mark %s sent: %w", k, err)
			}
			if err := oneRow(res); err != nil {
				return fmt.Errorf("mark %s sent: %w", k, err)
			}
		}
		return nil
	})
	if err != nil {
		return asWriteErr(fmt.Errorf("mark %d deliveries sent: %w", len(sent), err))
	}
	return nil
}

// Release gives back rows o claimed and did not send (a run stopping early):
// they become pending again, as if never claimed.
func (l *Ledger) Release(ctx context.Context, keys []Key, o Owner) error {
	return asWriteErr(l.inTx(ctx, func(tx *sql.Tx, now int64) error {
		for _, k := range keys {
			k = k.norm()
			if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'pending', attempts = max(attempts - 1, 0), lease_until = 0, updated_at = ?6
WHERE campaign = ?1 AND notice = ?2 AND instance = ?3 AND recipient = ?4 AND state = 'sending' AND owner_run = ?5`,
				k.args(o.Run, now)...); err != nil {
				return fmt.Errorf("release %s: %w", k, err)
			}
		}
		return nil
	}))
}

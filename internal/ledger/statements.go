package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// In every statement on deliveries, ?1..?4 are the key: campaign, notice,
// instance, recipient.
const (
	sqlEnqueue = `
INSERT INTO deliveries (campaign, notice, instance, recipient, locale, message_id, state, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6,
	CASE WHEN EXISTS (SELECT 1 FROM suppressions WHERE address = ?4) THEN 'suppressed' ELSE 'pending' END,
	?7, ?7)
ON CONFLICT DO NOTHING`

	// sqlClaim is the fast path of Claim: the common case in one statement,
	// which takes the write lock before it reads, so it is atomic.
	sqlClaim = `
UPDATE deliveries
SET state = 'sending', attempts = attempts + 1,
	owner_host = ?5, owner_space = ?6, owner_pid = ?7, owner_run = ?8, lease_until = ?9, updated_at = ?10,
	claim_batch = ?11, claim_seq = ?12
WHERE campaign = ?1 AND notice = ?2 AND instance = ?3 AND recipient = ?4
	AND state IN ('pending', 'failed-temp')
	AND NOT EXISTS (SELECT 1 FROM suppressions WHERE address = ?4)
RETURNING locale, message_id, attempts`

	sqlRow = `
SELECT d.state, d.locale, d.message_id, d.attempts, d.unanswered,
	-- In sending and first of its claimant's batch: maybe on the wire.
	d.state = 'sending' AND NOT EXISTS (SELECT 1 FROM deliveries e
		WHERE e.owner_run = d.owner_run AND e.claim_batch = d.claim_batch AND e.state = 'sending' AND e.claim_seq < d.claim_seq),
	d.claim_batch, d.claim_seq,
	d.owner_host, d.owner_space, d.owner_pid, d.owner_run, d.lease_until,
	EXISTS (SELECT 1 FROM suppressions WHERE address = ?4)
FROM deliveries d
WHERE campaign = ?1 AND notice = ?2 AND instance = ?3 AND recipient = ?4`

	// sqlTakeOver counts (?13) a claim of a row left on the wire as one that
	// ended without a verdict: its owner died, or outlived its lease, mid-send.
	sqlTakeOver = `
UPDATE deliveries
SET unanswered = unanswered + ?13, state = 'sending', attempts = attempts + 1,
	owner_host = ?5, owner_space = ?6, owner_pid = ?7, owner_run = ?8, lease_until = ?9, updated_at = ?10,
	claim_batch = ?11, claim_seq = ?12
WHERE campaign = ?1 AND notice = ?2 AND instance = ?3 AND recipient = ?4`

	sqlSetSuppressed = `
UPDATE deliveries SET state = 'suppressed', updated_at = ?5
WHERE campaign = ?1 AND notice = ?2 AND instance = ?3 AND recipient = ?4`

	// sqlMarkSent applies whatever the row's state: the message went out,
	// and that is the fact the ledger must not lose.
	sqlMarkSent = `
UPDATE deliveries SET state = 'sent', last_reply = ?5, sent_at = ?6, updated_at = ?6
WHERE campaign = ?1 AND notice = ?2 AND instance = ?3 AND recipient = ?4`

	// sqlMarkFailed never touches a sent row: another run may have taken
	// over an expired lease and sent it, and a failed-temp would send again.
	sqlMarkFailed = `
UPDATE deliveries
SET state = CASE WHEN ?5 THEN 'failed-perm' ELSE 'failed-temp' END, last_reply = ?6, updated_at = ?7
WHERE campaign = ?1 AND notice = ?2 AND instance = ?3 AND recipient = ?4 AND state <> 'sent'`

	// sqlHold holds a row that was sending, uncertain, when one more claim
	// would send it again.
	sqlHold = `
UPDATE deliveries SET state = 'uncertain', unanswered = unanswered + 1, last_reply = ?5, lease_until = 0, updated_at = ?6
WHERE campaign = ?1 AND notice = ?2 AND instance = ?3 AND recipient = ?4 AND state = 'sending'`

	// sqlUnreached gives back the rows of a dead claimant's batch after the
	// one it had on the wire (?1 run, ?2 batch, ?3 seq): it never reached
	// them, so they were never sent.
	sqlUnreached = `
UPDATE deliveries SET state = 'pending', lease_until = 0, updated_at = ?4
WHERE owner_run = ?1 AND claim_batch = ?2 AND claim_seq > ?3 AND state = 'sending'`

	sqlMarkUncertain = `
UPDATE deliveries SET state = 'uncertain', unanswered = unanswered + 1, last_reply = ?5, lease_until = 0, updated_at = ?6
WHERE campaign = ?1 AND notice = ?2 AND instance = ?3 AND recipient = ?4 AND state <> 'sent'`
)

// statements are prepared once per Ledger: parsing and planning cost more
// than running these one-row statements.
type statements struct {
	enqueue, claim, row, takeOver, setSuppressed, markSent, markFailed, hold, markUncertain, unreached *sql.Stmt
}

func (s *statements) prepare(ctx context.Context, db *sql.DB) error {
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&s.enqueue, sqlEnqueue},
		{&s.claim, sqlClaim},
		{&s.row, sqlRow},
		{&s.takeOver, sqlTakeOver},
		{&s.setSuppressed, sqlSetSuppressed},
		{&s.markSent, sqlMarkSent},
		{&s.markFailed, sqlMarkFailed},
		{&s.hold, sqlHold},
		{&s.markUncertain, sqlMarkUncertain},
		{&s.unreached, sqlUnreached},
	} {
		st, err := db.PrepareContext(ctx, p.sql)
		if err != nil {
			return errors.Join(fmt.Errorf("prepare %q: %w", p.sql, err), s.close())
		}
		*p.dst = st
	}
	return nil
}

func (s *statements) close() error {
	var errs []error
	for _, st := range []*sql.Stmt{s.enqueue, s.claim, s.row, s.takeOver, s.setSuppressed, s.markSent, s.markFailed, s.hold, s.markUncertain, s.unreached} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

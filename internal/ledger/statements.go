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
	owner_host = ?5, owner_space = ?6, owner_pid = ?7, owner_run = ?8, lease_until = ?9, updated_at = ?10
WHERE campaign = ?1 AND notice = ?2 AND instance = ?3 AND recipient = ?4
	AND state IN ('pending', 'failed-temp')
	AND NOT EXISTS (SELECT 1 FROM suppressions WHERE address = ?4)
RETURNING locale, message_id, attempts`

	sqlRow = `
SELECT d.state, d.locale, d.message_id, d.attempts, d.unanswered,
	d.owner_host, d.owner_space, d.owner_pid, d.owner_run, d.lease_until,
	EXISTS (SELECT 1 FROM suppressions WHERE address = ?4)
FROM deliveries d
WHERE campaign = ?1 AND notice = ?2 AND instance = ?3 AND recipient = ?4`

	// sqlTakeOver counts a claim of a row left sending as one that ended
	// without a verdict: its owner died, or outlived its lease, mid-send.
	sqlTakeOver = `
UPDATE deliveries
SET unanswered = unanswered + (state = 'sending'), state = 'sending', attempts = attempts + 1,
	owner_host = ?5, owner_space = ?6, owner_pid = ?7, owner_run = ?8, lease_until = ?9, updated_at = ?10
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

	sqlMarkUncertain = `
UPDATE deliveries SET state = 'uncertain', unanswered = unanswered + 1, last_reply = ?5, lease_until = 0, updated_at = ?6
WHERE campaign = ?1 AND notice = ?2 AND instance = ?3 AND recipient = ?4 AND state <> 'sent'`
)

// statements are prepared once per Ledger: parsing and planning cost more
// than running these one-row statements.
type statements struct {
	enqueue, claim, row, takeOver, setSuppressed, markSent, markFailed, hold, markUncertain *sql.Stmt
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
	for _, st := range []*sql.Stmt{s.enqueue, s.claim, s.row, s.takeOver, s.setSuppressed, s.markSent, s.markFailed, s.hold, s.markUncertain} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

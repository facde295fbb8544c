package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Suppression is an address announce must not write to.
type Suppression struct {
	Address string
	Reason  string // free text: the operator's words, or the bounce's reply
	Source  string // who added it, e.g. "operator" or "bounce"
	Since   time.Time
}

// Suppress adds addr to the suppression list, or updates its reason and
// source, and marks its unsent, unclaimed deliveries suppressed. Rows in
// sending are left to finish; Claim will not hand out the address again.
func (l *Ledger) Suppress(ctx context.Context, addr, reason, source string) error {
	addr = normAddr(addr)
	if addr == "" {
		return errors.New("suppress: empty address")
	}
	err := l.inTx(ctx, func(tx *sql.Tx, now int64) error {
		if _, err := tx.ExecContext(ctx, `
INSERT INTO suppressions (address, reason, source, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, source = excluded.source, updated_at = excluded.updated_at`,
			addr, reason, source, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
UPDATE deliveries SET state = 'suppressed', updated_at = ?2
WHERE recipient = ?1 AND state IN ('pending', 'failed-temp')`, addr, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("suppress %s: %w", addr, err)
	}
	return nil
}

// Unsuppress removes addr from the suppression list and makes its
// suppressed deliveries pending again, so the next run sends them. It
// returns ErrNotFound if addr was not suppressed.
func (l *Ledger) Unsuppress(ctx context.Context, addr string) error {
	addr = normAddr(addr)
	err := l.inTx(ctx, func(tx *sql.Tx, now int64) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM suppressions WHERE address = ?1`, addr)
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
UPDATE deliveries SET state = 'pending', updated_at = ?2
WHERE recipient = ?1 AND state = 'suppressed'`, addr, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("unsuppress %s: %w", addr, err)
	}
	return nil
}

// IsSuppressed reports whether addr is on the suppression list.
func (l *Ledger) IsSuppressed(ctx context.Context, addr string) (bool, error) {
	addr = normAddr(addr)
	var yes bool
	err := l.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM suppressions WHERE address = ?1)`, addr).Scan(&yes)
	if err != nil {
		return false, fmt.Errorf("look up suppression of %s: %w", addr, err)
	}
	return yes, nil
}

// Suppressions lists the suppression list, by address.
func (l *Ledger) Suppressions(ctx context.Context) ([]Suppression, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT address, reason, source, created_at FROM suppressions ORDER BY address`)
	if err != nil {
		return nil, fmt.Errorf("list suppressions: %w", err)
	}
	defer rows.Close()
	var ss []Suppression
	for rows.Next() {
		var s Suppression
		var since int64
		if err := rows.Scan(&s.Address, &s.Reason, &s.Source, &since); err != nil {
			return nil, fmt.Errorf("list suppressions: %w", err)
		}
		s.Since = time.UnixMilli(since)
		ss = append(ss, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list suppressions: %w", err)
	}
	return ss, nil
}

// inTx runs f in a write transaction, committing if it returns nil.
func (l *Ledger) inTx(ctx context.Context, f func(tx *sql.Tx, now int64) error) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx, time.Now().UnixMilli()); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

package ledger

import (
	"context"
	"fmt"
	"time"
)

// Override is a manual send that the timing guard refused and --force sent
// anyway: who decided, when, and against what.
type Override struct {
	Campaign, Instance, Notice string
	// Reason is what the guard said ("due Mon 2019-05-06 09:00 CEST, …").
	Reason  string
	Command string
	At      time.Time
}

// RecordOverride records a forced send, before anything of it goes out.
func (l *Ledger) RecordOverride(ctx context.Context, o Override) error {
	_, err := l.db.ExecContext(ctx, `INSERT INTO overrides (campaign, instance, notice, reason, command, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)`,
		o.Campaign, o.Instance, o.Notice, o.Reason, o.Command, o.At.UnixMilli())
	if err != nil {
		return fmt.Errorf("record the override of %s %s notice of %s: %w", o.Campaign, o.Notice, o.Instance, err)
	}
	return nil
}

// Overrides returns the forced sends of a campaign, oldest first.
func (l *Ledger) Overrides(ctx context.Context, campaign string) ([]Override, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT instance, notice, reason, command, at FROM overrides WHERE campaign = ?1 ORDER BY at, rowid`, campaign)
	if err != nil {
		return nil, fmt.Errorf("read overrides of %s: %w", campaign, err)
	}
	defer rows.Close()
	var out []Override
	for rows.Next() {
		o := Override{Campaign: campaign}
		var at int64
		if err := rows.Scan(&o.Instance, &o.Notice, &o.Reason, &o.Command, &at); err != nil {
			return nil, fmt.Errorf("read overrides of %s: %w", campaign, err)
		}
		o.At = time.UnixMilli(at)
		out = append(out, o)
	}
	return out, rows.Err()
}

package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Told is the window one sent notice told its readers about.
type Told struct {
	Notice             string // ledger notice name: announce, reminder, reschedule-1…
	Start, End, Latest time.Time
	Sequence           int // the calendar event's SEQUENCE it carried
	At                 time.Time
}

// Same reports whether the told window is the one given.
func (t Told) Same(start, end, latest time.Time) bool {
	return t.Start.Equal(start) && t.End.Equal(end) && t.Latest.Equal(latest)
}

// RecordTold records the window a sent notice told about.
func (l *Ledger) RecordTold(ctx context.Context, campaign, instance string, t Told) error {
	_, err := l.db.ExecContext(ctx, `
INSERT INTO told_windows (campaign, instance, notice, start, end_, latest, sequence, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (campaign, instance, notice) DO UPDATE SET start = excluded.start, end_ = excluded.end_, latest = excluded.latest,
	sequence = excluded.sequence, at = excluded.at`,
		campaign, instance, t.Notice, t.Start.UnixMilli(), t.End.UnixMilli(), t.Latest.UnixMilli(), t.Sequence, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("record the window told by %s %s of %s: %w", campaign, t.Notice, instance, err)
	}
	return nil
}

// LastTold returns the latest window readers were told about, and how many
// reschedule notices went out; ok is false when nobody was told anything.
func (l *Ledger) LastTold(ctx context.Context, campaign, instance string) (t Told, reschedules int, ok bool, err error) {
	var start, end, latest, at int64
	err = l.db.QueryRowContext(ctx, `
SELECT notice, start, end_, latest, sequence, at FROM told_windows WHERE campaign = ?1 AND instance = ?2
ORDER BY at DESC, sequence DESC LIMIT 1`, campaign, instance).Scan(&t.Notice, &start, &end, &latest, &t.Sequence, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Told{}, 0, false, nil
	}
	if err != nil {
		return Told{}, 0, false, fmt.Errorf("read the window told to %s of %s: %w", campaign, instance, err)
	}
	t.Start, t.End, t.Latest, t.At = time.UnixMilli(start), time.UnixMilli(end), time.UnixMilli(latest), time.UnixMilli(at)
	err = l.db.QueryRowContext(ctx, `SELECT count(*) FROM told_windows WHERE campaign = ?1 AND instance = ?2 AND notice LIKE 'reschedule-%'`,
		campaign, instance).Scan(&reschedules)
	if err != nil {
		return Told{}, 0, false, fmt.Errorf("count reschedules of %s of %s: %w", campaign, instance, err)
	}
	return t, reschedules, true, nil
}

// ToldRecipients returns the recipients who were sent any of the given
// notices of an instance (the people a change of plan must reach).
func (l *Ledger) ToldRecipients(ctx context.Context, campaign, instance string, notices []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, n := range notices {
		rows, err := l.db.QueryContext(ctx, `SELECT recipient FROM deliveries WHERE campaign = ?1 AND instance = ?2 AND notice = ?3 AND state = 'sent'`,
			campaign, instance, n)
		if err != nil {
			return nil, fmt.Errorf("list who was told by %s %s of %s: %w", campaign, n, instance, err)
		}
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				rows.Close()
				return nil, err
			}
			out[r] = true
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ToldNotices lists the ledger notice names that told readers about a window
// of an instance (announce, reminder, reschedule-N…).
func (l *Ledger) ToldNotices(ctx context.Context, campaign, instance string) ([]string, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT notice FROM told_windows WHERE campaign = ?1 AND instance = ?2 ORDER BY at`, campaign, instance)
	if err != nil {
		return nil, fmt.Errorf("list told notices of %s of %s: %w", campaign, instance, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

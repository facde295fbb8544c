package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Notice states: what became of one notice of one instance as a whole.
const (
	NoticeSent    = "sent"    // sent to everyone it could be (by due or by hand)
	NoticeExpired = "expired" // its moment passed while nothing ran; skipped
)

// NoticeKey names one notice of one instance within a campaign: the key of
// NoticeOutcomes and ForumPosts. Notice is the ledger's name of the notice
// ("announce", "reschedule-2").
type NoticeKey struct{ Instance, Notice string }

// NoticeRecord is the recorded outcome of one notice of one instance.
type NoticeRecord struct {
	Campaign, Notice, Instance string
	State                      string // NoticeSent or NoticeExpired
	Detail                     string
	At                         time.Time
}

// RecordNotice records the outcome of a notice. A notice recorded sent stays
// sent: expiring it afterwards changes nothing.
func (l *Ledger) RecordNotice(ctx context.Context, campaign, notice, instance, state, detail string) error {
	if state != NoticeSent && state != NoticeExpired {
		return fmt.Errorf("record notice: unknown state %q", state)
	}
	_, err := l.db.ExecContext(ctx, `
INSERT INTO notices (campaign, notice, instance, state, detail, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (campaign, notice, instance) DO UPDATE SET state = excluded.state, detail = excluded.detail, at = excluded.at
WHERE notices.state <> 'sent'`, campaign, notice, instance, state, detail, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("record %s %s notice of %s as %s: %w", campaign, notice, instance, state, err)
	}
	return nil
}

// NoticeOutcome returns the recorded outcome of a notice; ok is false when
// none is recorded yet.
func (l *Ledger) NoticeOutcome(ctx context.Context, campaign, notice, instance string) (r NoticeRecord, ok bool, err error) {
	var at int64
	err = l.db.QueryRowContext(ctx, `SELECT state, detail, at FROM notices WHERE campaign = ?1 AND notice = ?2 AND instance = ?3`,
		campaign, notice, instance).Scan(&r.State, &r.Detail, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return NoticeRecord{}, false, nil
	}
	if err != nil {
		return NoticeRecord{}, false, fmt.Errorf("read %s %s notice of %s: %w", campaign, notice, instance, err)
	}
	r.Campaign, r.Notice, r.Instance, r.At = campaign, notice, instance, time.UnixMilli(at)
	return r, true, nil
}

// NoticeOutcomes returns every recorded notice outcome of a campaign, keyed
// by instance and notice: one query for a whole `announce due` run.
func (l *Ledger) NoticeOutcomes(ctx context.Context, campaign string) (map[NoticeKey]NoticeRecord, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT notice, instance, state, detail, at FROM notices WHERE campaign = ?1`, campaign)
	if err != nil {
		return nil, fmt.Errorf("read notices of %s: %w", campaign, err)
	}
	defer rows.Close()
	out := map[NoticeKey]NoticeRecord{}
	for rows.Next() {
		r := NoticeRecord{Campaign: campaign}
		var at int64
		if err := rows.Scan(&r.Notice, &r.Instance, &r.State, &r.Detail, &at); err != nil {
			return nil, fmt.Errorf("read notices of %s: %w", campaign, err)
		}
		r.At = time.UnixMilli(at)
		out[NoticeKey{r.Instance, r.Notice}] = r
	}
	return out, rows.Err()
}

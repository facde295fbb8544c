package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// enqueueBatch is how many rows one Enqueue transaction inserts: large
// enough that commits do not dominate, small enough that another process's
// claims wait for the write lock only a few milliseconds.
const enqueueBatch = 2000

// Item is a delivery to record as pending.
type Item struct {
	Key
	Locale    string
	MessageID string
}

// Enqueue records items as pending (or suppressed, if their address is),
// leaving rows that already exist untouched, Message-ID included. It returns
// how many rows were new. A failure leaves earlier batches recorded, which is
// harmless: enqueueing again skips them.
func (l *Ledger) Enqueue(ctx context.Context, items []Item) (added int, err error) {
	for rest := items; len(rest) > 0; {
		n := min(len(rest), enqueueBatch)
		a, err := l.enqueue(ctx, rest[:n])
		added += a
		if err != nil {
			return added, asWriteErr(fmt.Errorf("enqueue %d deliveries: %w", len(items), err))
		}
		rest = rest[n:]
	}
	return added, nil
}

func (l *Ledger) enqueue(ctx context.Context, items []Item) (added int, err error) {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	st := tx.StmtContext(ctx, l.stmts.enqueue)
	now := time.Now().UnixMilli()
	for _, it := range items {
		k := it.Key.norm()
		if k.Campaign == "" || k.Notice == "" || k.Instance == "" || k.Recipient == "" {
			return 0, fmt.Errorf("%q: incomplete key", k)
		}
		if it.MessageID == "" {
			return 0, fmt.Errorf("%s: no Message-ID", k)
		}
		res, err := st.ExecContext(ctx, k.args(it.Locale, it.MessageID, now)...)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", k, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		added += int(n)
	}
	return added, tx.Commit()
}

// Scope selects deliveries; an empty field matches every value.
type Scope struct {
	Campaign, Notice, Instance string
}

func (s Scope) where() (string, []any) {
	var conds []string
	var args []any
	for _, f := range []struct{ col, val string }{
		{"campaign", s.Campaign}, {"notice", s.Notice}, {"instance", s.Instance},
	} {
		if f.val != "" {
			conds = append(conds, f.col+" = ?")
			args = append(args, f.val)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Counts are the deliveries in each state.
type Counts struct {
	Pending, Sending, Sent, FailedTemp, FailedPerm, Suppressed, Uncertain int
}

// Total is the number of deliveries counted.
func (c Counts) Total() int {
	return c.Pending + c.Sending + c.Sent + c.FailedTemp + c.FailedPerm + c.Suppressed + c.Uncertain
}

// Counts counts the deliveries in s by state.
func (l *Ledger) Counts(ctx context.Context, s Scope) (Counts, error) {
	where, args := s.where()
	rows, err := l.db.QueryContext(ctx, "SELECT state, count(*) FROM deliveries"+where+" GROUP BY state", args...)
	if err != nil {
		return Counts{}, fmt.Errorf("count deliveries: %w", err)
	}
	defer rows.Close()
	var c Counts
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return Counts{}, fmt.Errorf("count deliveries: %w", err)
		}
		switch state {
		case statePending:
			c.Pending = n
		case stateSending:
			c.Sending = n
		case stateSent:
			c.Sent = n
		case stateFailedTemp:
			c.FailedTemp = n
		case stateFailedPerm:
			c.FailedPerm = n
		case stateSuppressed:
			c.Suppressed = n
		case stateUncertain:
			c.Uncertain = n
		}
	}
	if err := rows.Err(); err != nil {
		return Counts{}, fmt.Errorf("count deliveries: %w", err)
	}
	return c, nil
}

// Failure is a delivery that failed, for the summary.
type Failure struct {
	Key
	Permanent bool
	Attempts  int
	LastReply string // the server's last reply, verbatim
	At        time.Time
}

// Failures lists the failed deliveries in s, ordered by key.
func (l *Ledger) Failures(ctx context.Context, s Scope) ([]Failure, error) {
	where, args := s.where()
	if where == "" {
		where = " WHERE "
	} else {
		where += " AND "
	}
	rows, err := l.db.QueryContext(ctx, `
SELECT campaign, notice, instance, recipient, state = 'failed-perm', attempts, last_reply, updated_at
FROM deliveries`+where+`state IN ('failed-temp', 'failed-perm')
ORDER BY campaign, notice, instance, recipient`, args...)
	if err != nil {
		return nil, fmt.Errorf("list failures: %w", err)
	}
	defer rows.Close()
	var fs []Failure
	for rows.Next() {
		var f Failure
		var at int64
		if err := rows.Scan(&f.Campaign, &f.Notice, &f.Instance, &f.Recipient, &f.Permanent, &f.Attempts, &f.LastReply, &at); err != nil {
			return nil, fmt.Errorf("list failures: %w", err)
		}
		f.At = time.UnixMilli(at)
		fs = append(fs, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list failures: %w", err)
	}
	return fs, nil
}

// Uncertain lists the deliveries in s held as uncertain — maybe delivered,
// not sent again unless asked (--resend-uncertain) — ordered by key. Its
// Failures carry the reason in LastReply and the claims that ended without a
// verdict in Attempts.
func (l *Ledger) Uncertain(ctx context.Context, s Scope) ([]Failure, error) {
	where, args := s.where()
	if where == "" {
		where = " WHERE "
	} else {
		where += " AND "
	}
	rows, err := l.db.QueryContext(ctx, `
SELECT campaign, notice, instance, recipient, unanswered, last_reply, updated_at
FROM deliveries`+where+`state = 'uncertain'
ORDER BY campaign, notice, instance, recipient`, args...)
	if err != nil {
		return nil, fmt.Errorf("list uncertain deliveries: %w", err)
	}
	defer rows.Close()
	var fs []Failure
	for rows.Next() {
		var f Failure
		var at int64
		if err := rows.Scan(&f.Campaign, &f.Notice, &f.Instance, &f.Recipient, &f.Attempts, &f.LastReply, &at); err != nil {
			return nil, fmt.Errorf("list uncertain deliveries: %w", err)
		}
		f.At = time.UnixMilli(at)
		fs = append(fs, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list uncertain deliveries: %w", err)
	}
	return fs, nil
}

// SentTo reports whether the message with this Message-ID (with or without
// angle brackets) went to addr: whether a bounce that quotes it may speak
// for addr. A bounce naming another address, or quoting a Message-ID the
// ledger never sent, is forged or misdirected and must not suppress anyone.
func (l *Ledger) SentTo(ctx context.Context, messageID, addr string) (bool, error) {
	id := strings.Trim(strings.TrimSpace(messageID), "<>")
	if id == "" || addr == "" {
		return false, nil
	}
	var n int
	err := l.db.QueryRowContext(ctx, `
SELECT count(*) FROM deliveries
WHERE message_id IN (?1, '<' || ?1 || '>') AND recipient = ?2 AND state IN ('sent', 'uncertain', 'sending', 'failed-temp')`,
		id, normAddr(addr)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up delivery of Message-ID %s to %s: %w", id, addr, err)
	}
	return n > 0, nil
}

// RetryFailed makes the permanent failures in s sendable again, on the
// operator's word (the server refused them for a reason since fixed): they
// become pending, keeping their Message-ID and last reply. It returns how
// many there were.
func (l *Ledger) RetryFailed(ctx context.Context, s Scope) (int, error) {
	where, args := s.where()
	if where == "" {
		where = " WHERE "
	} else {
		where += " AND "
	}
	res, err := l.db.ExecContext(ctx, "UPDATE deliveries SET state = 'pending', updated_at = ?"+where+"state = 'failed-perm'", append([]any{time.Now().UnixMilli()}, args...)...)
	if err != nil {
		return 0, asWriteErr(fmt.Errorf("retry failed deliveries: %w", err))
	}
	n, err := res.RowsAffected()
	return int(n), err
}

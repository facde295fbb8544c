package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MailboxCheckpoint is how far an instance's support mailbox has been read:
// every message up to LastUID under UIDValidity. A new UIDVALIDITY means the
// server renumbered the mailbox, and the checkpoint no longer says anything.
type MailboxCheckpoint struct {
	Instance, Mailbox    string
	UIDValidity, LastUID uint32
}

// MailboxCheckpoint returns the checkpoint of a mailbox; ok is false before
// its first complete read.
func (l *Ledger) MailboxCheckpoint(ctx context.Context, instance, mailbox string) (cp MailboxCheckpoint, ok bool, err error) {
	var validity, last int64
	err = l.db.QueryRowContext(ctx, `SELECT uidvalidity, last_uid FROM mailbox_checkpoints WHERE instance = ?1 AND mailbox = ?2`,
		instance, mailbox).Scan(&validity, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return MailboxCheckpoint{Instance: instance, Mailbox: mailbox}, false, nil
	}
	if err != nil {
		return MailboxCheckpoint{}, false, fmt.Errorf("read checkpoint of %s mailbox %s: %w", instance, mailbox, err)
	}
	return MailboxCheckpoint{Instance: instance, Mailbox: mailbox, UIDValidity: uint32(validity), LastUID: uint32(last)}, true, nil
}

// SetMailboxCheckpoint records how far a mailbox has been read. Call it only
// once a read is complete: a run that fails leaves the checkpoint where it was.
func (l *Ledger) SetMailboxCheckpoint(ctx context.Context, cp MailboxCheckpoint) error {
	_, err := l.db.ExecContext(ctx, `
INSERT INTO mailbox_checkpoints (instance, mailbox, uidvalidity, last_uid, at) VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (instance, mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, at = excluded.at`,
		cp.Instance, cp.Mailbox, int64(cp.UIDValidity), int64(cp.LastUID), time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("record checkpoint of %s mailbox %s: %w", cp.Instance, cp.Mailbox, err)
	}
	return nil
}

// Inbox message kinds, as stored (the same words as inbox.Kind). The kind
// is what a message is; Campaign and Notice, what it answers (empty for
// none). InboxUnrelated is what ledgers written before kind and tie were
// apart hold for every message that answered no notice; it reads as
// InboxOther, and nothing writes it any more.
const (
	InboxReply     = "reply"
	InboxAutoReply = "auto-reply"
	InboxBounce    = "bounce"
	InboxComplaint = "complaint"
	InboxOther     = "other"
	InboxUnrelated = "unrelated"
)

// InboxMessage is one message read in a support mailbox. Other mail is
// recorded by key, kind and date only: it is counted, never shown.
type InboxMessage struct {
	Instance string
	// Key identifies the message whatever the server numbers it: its
	// Message-ID, or a hash of its header when it has none.
	Key                  string
	Mailbox              string
	UIDValidity, UID     uint32
	Kind                 string // InboxReply, InboxAutoReply, InboxBounce, InboxComplaint or InboxOther
	Campaign, Notice     string // the notice it answers or returns, when known
	Address              string // a bounce's failed recipient, a reply's sender
	Locale               string // the locale Address was written to, when known
	Permanent            bool   // a bounce that will not succeed later
	Status, Diagnostic   string // a bounce's RFC 3463 status and the server's words
	Reason               string // a bounce's reason (inbox.Reason), "complaint" for a complaint
	MessageID            string
	Sender, Subject      string // From and Subject, decoded
	Excerpt              string // what a person wrote, without the quoted notice
	Answered, Suppressed bool
	Date                 time.Time // the message's Date, else its arrival
	SeenAt, ReportedAt   time.Time // ReportedAt is zero until a digest showed it
}

// KnownInboxMessages returns which of keys are recorded for instance.
func (l *Ledger) KnownInboxMessages(ctx context.Context, instance string, keys []string) (map[string]bool, error) {
	known := map[string]bool{}
	const chunk = 500 // well under SQLite's limit on parameters
	for rest := keys; len(rest) > 0; {
		n := min(len(rest), chunk)
		args := make([]any, 0, n+1)
		args = append(args, instance)
		for _, k := range rest[:n] {
			args = append(args, k)
		}
		rows, err := l.db.QueryContext(ctx, `SELECT msg_key FROM inbox_messages WHERE instance = ? AND msg_key IN (?`+
			strings.Repeat(", ?", n-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("look up inbox messages of %s: %w", instance, err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, fmt.Errorf("look up inbox messages of %s: %w", instance, err)
			}
			known[k] = true
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, fmt.Errorf("look up inbox messages of %s: %w", instance, err)
		}
		rest = rest[n:]
	}
	return known, nil
}

// RecordInboxMessages records, in one transaction, the messages not yet
// recorded, and the new place (mailbox, UIDVALIDITY, UID) of those already
// recorded, which keep everything else. It returns how many were new.
func (l *Ledger) RecordInboxMessages(ctx context.Context, msgs []InboxMessage) (added int, err error) {
	err = l.inTx(ctx, func(tx *sql.Tx, now int64) error {
		ins, err := tx.PrepareContext(ctx, `
INSERT INTO inbox_messages (instance, msg_key, mailbox, uidvalidity, uid, kind, campaign, notice, address, locale,
	permanent, status, diagnostic, message_id, sender, subject, excerpt, answered, suppressed, date, seen_at, reason)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)
ON CONFLICT (instance, msg_key) DO NOTHING`)
		if err != nil {
			return err
		}
		defer ins.Close()
		move, err := tx.PrepareContext(ctx, `
UPDATE inbox_messages SET mailbox = ?3, uidvalidity = ?4, uid = ?5, answered = ?6
WHERE instance = ?1 AND msg_key = ?2`)
		if err != nil {
			return err
		}
		defer move.Close()
		for _, m := range msgs {
			if m.Instance == "" || m.Key == "" {
				return fmt.Errorf("inbox message %q of %q: incomplete key", m.Key, m.Instance)
			}
			res, err := ins.ExecContext(ctx, m.Instance, m.Key, m.Mailbox, int64(m.UIDValidity), int64(m.UID), m.Kind,
				m.Campaign, m.Notice, normAddr(m.Address), m.Locale, m.Permanent, m.Status, m.Diagnostic, m.MessageID,
				m.Sender, m.Subject, m.Excerpt, m.Answered, m.Suppressed, m.Date.UnixMilli(), now, m.Reason)
			if err != nil {
				return fmt.Errorf("%s: %w", m.Key, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				added++
				continue
			}
			if _, err := move.ExecContext(ctx, m.Instance, m.Key, m.Mailbox, int64(m.UIDValidity), int64(m.UID), m.Answered); err != nil {
				return fmt.Errorf("%s: %w", m.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("record %d inbox messages: %w", len(msgs), err)
	}
	return added, nil
}

// TempBounces counts the temporary bounces recorded for addr in campaign, in
// every instance's inbox.
func (l *Ledger) TempBounces(ctx context.Context, campaign, addr string) (int, error) {
	var n int
	err := l.db.QueryRowContext(ctx, `
SELECT count(*) FROM inbox_messages WHERE kind = 'bounce' AND campaign = ?1 AND address = ?2 AND NOT permanent`,
		campaign, normAddr(addr)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count temporary bounces of %s: %w", addr, err)
	}
	return n, nil
}

// RepeatBounces counts the recorded bounces of addr, in every campaign and
// instance, that count towards suppressing it after repeats (inbox's
// SuppressRepeated reasons, given as reasons; a bounce recorded before
// reasons were, by its temporary status), by campaign.
func (l *Ledger) RepeatBounces(ctx context.Context, addr string, reasons []string) (map[string]int, error) {
	args := []any{normAddr(addr)}
	in := "NULL"
	for _, r := range reasons {
		args = append(args, r)
		in += fmt.Sprintf(", ?%d", len(args))
	}
	rows, err := l.db.QueryContext(ctx, `
SELECT campaign, count(*) FROM inbox_messages
WHERE kind = 'bounce' AND address = ?1 AND (reason IN (`+in+`) OR reason = '' AND NOT permanent)
GROUP BY campaign`, args...)
	if err != nil {
		return nil, fmt.Errorf("count repeated bounces of %s: %w", addr, err)
	}
	defer rows.Close()
	by := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, fmt.Errorf("count repeated bounces of %s: %w", addr, err)
		}
		by[c] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count repeated bounces of %s: %w", addr, err)
	}
	return by, nil
}

// InboxSelection picks an instance's recorded inbox messages: those no
// digest reported yet, or, when Since is set, those dated since then.
type InboxSelection struct {
	Instance string
	Since    time.Time
}

func (s InboxSelection) where() (string, []any) {
	if s.Since.IsZero() {
		return `instance = ?1 AND reported_at IS NULL`, []any{s.Instance}
	}
	return `instance = ?1 AND date >= ?2`, []any{s.Instance, s.Since.UnixMilli()}
}

// InboxCounts are the selected messages of each kind: replies,
// auto-replies and bounces of our notices (those that answer or return
// one), complaints, people's mail that answers no notice (Untied), and the
// rest.
type InboxCounts struct {
	Replies, AutoReplies, HardBounces, SoftBounces, Complaints, Untied, Unrelated int
}

// InboxCounts counts the selected messages by kind.
func (l *Ledger) InboxCounts(ctx context.Context, s InboxSelection) (InboxCounts, error) {
	where, args := s.where()
	rows, err := l.db.QueryContext(ctx, `SELECT kind, permanent, campaign <> '', count(*) FROM inbox_messages WHERE `+where+
		` GROUP BY kind, permanent, campaign <> ''`, args...)
	if err != nil {
		return InboxCounts{}, fmt.Errorf("count inbox messages of %s: %w", s.Instance, err)
	}
	defer rows.Close()
	var c InboxCounts
	for rows.Next() {
		var kind string
		var permanent, ours bool
		var n int
		if err := rows.Scan(&kind, &permanent, &ours, &n); err != nil {
			return InboxCounts{}, fmt.Errorf("count inbox messages of %s: %w", s.Instance, err)
		}
		switch {
		case kind == InboxComplaint:
			c.Complaints += n
		case kind == InboxReply && !ours:
			c.Untied += n
		case !ours:
			c.Unrelated += n
		case kind == InboxReply:
			c.Replies += n
		case kind == InboxAutoReply:
			c.AutoReplies += n
		case kind == InboxBounce && permanent:
			c.HardBounces += n
		case kind == InboxBounce:
			c.SoftBounces += n
		default:
			c.Unrelated += n
		}
	}
	if err := rows.Err(); err != nil {
		return InboxCounts{}, fmt.Errorf("count inbox messages of %s: %w", s.Instance, err)
	}
	return c, nil
}

// InboxMessages returns the selected messages but other mail, by date,
// oldest first.
func (l *Ledger) InboxMessages(ctx context.Context, s InboxSelection) ([]InboxMessage, error) {
	where, args := s.where()
	rows, err := l.db.QueryContext(ctx, `
SELECT msg_key, mailbox, uidvalidity, uid, kind, campaign, notice, address, locale, permanent, status, diagnostic,
	message_id, sender, subject, excerpt, answered, suppressed, date, seen_at, coalesce(reported_at, 0), reason
FROM inbox_messages WHERE `+where+` AND kind NOT IN ('unrelated', 'other') ORDER BY date, msg_key`, args...)
	if err != nil {
		return nil, fmt.Errorf("read inbox messages of %s: %w", s.Instance, err)
	}
	defer rows.Close()
	var ms []InboxMessage
	for rows.Next() {
		m := InboxMessage{Instance: s.Instance}
		var validity, uid, date, seen, reported int64
		if err := rows.Scan(&m.Key, &m.Mailbox, &validity, &uid, &m.Kind, &m.Campaign, &m.Notice, &m.Address, &m.Locale,
			&m.Permanent, &m.Status, &m.Diagnostic, &m.MessageID, &m.Sender, &m.Subject, &m.Excerpt, &m.Answered,
			&m.Suppressed, &date, &seen, &reported, &m.Reason); err != nil {
			return nil, fmt.Errorf("read inbox messages of %s: %w", s.Instance, err)
		}
		m.UIDValidity, m.UID = uint32(validity), uint32(uid)
		m.Date, m.SeenAt = time.UnixMilli(date), time.UnixMilli(seen)
		if reported != 0 {
			m.ReportedAt = time.UnixMilli(reported)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read inbox messages of %s: %w", s.Instance, err)
	}
	return ms, nil
}

// SetInboxAnswered records whether each message (by key) has been answered,
// as the server's \Answered flag says now.
func (l *Ledger) SetInboxAnswered(ctx context.Context, instance string, answered map[string]bool) error {
	err := l.inTx(ctx, func(tx *sql.Tx, _ int64) error {
		for k, a := range answered {
			if _, err := tx.ExecContext(ctx, `UPDATE inbox_messages SET answered = ?3 WHERE instance = ?1 AND msg_key = ?2`, instance, k, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record answered messages of %s: %w", instance, err)
	}
	return nil
}

// MarkInboxReported records that a digest showed the selected messages (of
// those seen by then): the next digest without Since leaves them out.
func (l *Ledger) MarkInboxReported(ctx context.Context, s InboxSelection, seenBy time.Time) error {
	where, args := s.where()
	args = append(args, seenBy.UnixMilli(), time.Now().UnixMilli())
	n := len(args)
	_, err := l.db.ExecContext(ctx, fmt.Sprintf(`UPDATE inbox_messages SET reported_at = ?%d WHERE %s AND reported_at IS NULL AND seen_at <= ?%d`,
		n, where, n-1), args...)
	if err != nil {
		return fmt.Errorf("mark inbox messages of %s reported: %w", s.Instance, err)
	}
	return nil
}

// Delivery is what the ledger knows of one sent message.
type Delivery struct {
	Key
	Locale    string
	MessageID string
}

// DeliveryByMessageID finds the delivery that went out with a Message-ID
// (with or without angle brackets); ok is false when there is none.
func (l *Ledger) DeliveryByMessageID(ctx context.Context, id string) (d Delivery, ok bool, err error) {
	id = strings.Trim(strings.TrimSpace(id), "<>")
	if id == "" {
		return Delivery{}, false, nil
	}
	err = l.db.QueryRowContext(ctx, `
SELECT campaign, notice, instance, recipient, locale, message_id FROM deliveries
WHERE message_id IN (?1, '<' || ?1 || '>') LIMIT 1`, id).Scan(&d.Campaign, &d.Notice, &d.Instance, &d.Recipient, &d.Locale, &d.MessageID)
	if errors.Is(err, sql.ErrNoRows) {
		return Delivery{}, false, nil
	}
	if err != nil {
		return Delivery{}, false, fmt.Errorf("look up delivery of Message-ID %s: %w", id, err)
	}
	return d, true, nil
}

// LatestDeliveryTo returns the most recent delivery recorded for addr in
// instance; ok is false when none was.
func (l *Ledger) LatestDeliveryTo(ctx context.Context, instance, addr string) (d Delivery, ok bool, err error) {
	err = l.db.QueryRowContext(ctx, `
SELECT campaign, notice, instance, recipient, locale, message_id FROM deliveries
WHERE recipient = ?2 AND instance = ?1 ORDER BY created_at DESC LIMIT 1`, instance, normAddr(addr)).
		Scan(&d.Campaign, &d.Notice, &d.Instance, &d.Recipient, &d.Locale, &d.MessageID)
	if errors.Is(err, sql.ErrNoRows) {
		return Delivery{}, false, nil
	}
	if err != nil {
		return Delivery{}, false, fmt.Errorf("look up deliveries to %s: %w", addr, err)
	}
	return d, true, nil
}

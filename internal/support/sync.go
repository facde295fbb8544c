package support

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"

	"github.com/openfoodfoundation/announce/internal/inbox"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailbox"
)

// Defaults of SyncOptions.
const (
	DefaultBatch   = 500
	DefaultMaxBody = 2 << 20
)

// SyncOptions say how to read one instance's support mailbox.
type SyncOptions struct {
	Instance string
	Mailbox  string // default INBOX
	// Mark is a keyword (such as $AnnounceSeen) to store on every reply,
	// auto-reply and bounce of ours; empty opens the mailbox read-only
	// (EXAMINE) and changes nothing in it.
	Mark string
	// Batch is how many messages one fetch asks for (default 500): memory
	// grows with it, not with the mailbox.
	Batch int
	// MaxBody is how much of a message is fetched when its body is needed
	// (default 2 MiB): the text of a reply and a bounce's report come
	// before any large attachment.
	MaxBody int64
	// Matcher knows the subjects of our notices; nil matches by Message-ID only.
	Matcher *inbox.Matcher
	// Unsubscribe is the instance's unsubscribe_mailto address, if any: a
	// person's mail to it suppresses the sender.
	Unsubscribe string
	// Locale tells the locale of an address the ledger has no delivery for
	// (from the recipients file); nil when unknown.
	Locale func(addr string) string
	Log    *slog.Logger
}

func (o *SyncOptions) defaults() {
	if o.Mailbox == "" {
		o.Mailbox = "INBOX"
	}
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// SyncResult is what one Sync did.
type SyncResult struct {
	Mailbox *mailbox.Mailbox
	// Resync: the server's UIDVALIDITY changed since the last read, so the
	// whole mailbox was read again; messages recorded before were
	// recognised by their Message-ID and not counted again.
	Resync     bool
	Read       int // summaries fetched
	Bodies     int // bodies fetched
	New        int // messages recorded for the first time
	Marked     int // messages given the Mark keyword
	Suppressed []Suppression
	// Suspicious are bounces that suppressed nobody because the ledger has
	// no delivery of the Message-ID they quote to the address they name:
	// forged (anyone who got a notice knows a Message-ID) or misdirected.
	Suspicious []Suppression
	Checkpoint ledger.MailboxCheckpoint
}

// Suppression is an address this Sync put on the suppression list.
type Suppression struct {
	Address string
	Reason  string
	// Permanent: suppressed at once (a permanent reason, a complaint, an
	// unsubscribe request); else after repeats across campaigns.
	Permanent bool
}

// Sync reads the messages that arrived in the mailbox since the last Sync,
// batch by batch: envelope, header fields, flags and body structure first,
// then the whole message only for those that may be ours. It records every
// message in the ledger (other mail by key only), suppresses the
// addresses the suppression policy names, and moves the checkpoint
// (UIDVALIDITY and the last UID read) once everything was read: a Sync that
// fails leaves it where it was, and the next one reads those messages again
// without counting any of them twice.
func Sync(ctx context.Context, conn *mailbox.Conn, l *ledger.Ledger, opts SyncOptions) (*SyncResult, error) {
	opts.defaults()
	box, err := conn.Open(ctx, opts.Mailbox, opts.Mark == "")
	if err != nil {
		return nil, err
	}
	if opts.Mark != "" && !box.CanKeep(opts.Mark) {
		return nil, fmt.Errorf("%s: mailbox %s does not keep the keyword %s (permanent flags %v)", conn, box.Name, opts.Mark, box.PermanentFlags)
	}
	from, _, err := l.MailboxCheckpoint(ctx, opts.Instance, opts.Mailbox)
	if err != nil {
		return nil, err
	}
	res := &SyncResult{Mailbox: box}
	after := from.LastUID
	if from.UIDValidity != box.UIDValidity {
		res.Resync = from.UIDValidity != 0
		after = 0
	}
	uids, err := conn.UIDsAfter(ctx, after)
	if err != nil {
		return nil, err
	}
	s := &syncer{conn: conn, l: l, opts: opts, box: box, res: res}
	last := after
	err = uids.Batches(opts.Batch, func(batch []uint32) error {
		if err := s.batch(ctx, batch); err != nil {
			return err
		}
		last = max(last, batch[len(batch)-1])
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Checkpoint = ledger.MailboxCheckpoint{Instance: opts.Instance, Mailbox: opts.Mailbox, UIDValidity: box.UIDValidity, LastUID: last}
	if err := l.SetMailboxCheckpoint(ctx, res.Checkpoint); err != nil {
		return nil, err
	}
	opts.Log.Info("mailbox read", "instance", opts.Instance, "mailbox", box.Name, "read", res.Read, "bodies", res.Bodies,
		"new", res.New, "resync", res.Resync, "last_uid", last)
	return res, nil
}

type syncer struct {
	conn *mailbox.Conn
	l    *ledger.Ledger
	opts SyncOptions
	box  *mailbox.Mailbox
	res  *SyncResult
	// tempBounces counts the repeat-policy bounces of the batch being read,
	// by campaign and address: the ledger has not recorded them yet.
	tempBounces map[[2]string]int
}

func (s *syncer) batch(ctx context.Context, uids []uint32) error {
	sums, err := s.conn.Summaries(ctx, uids)
	if err != nil {
		return err
	}
	s.res.Read += len(sums)
	keys := make([]string, len(sums))
	for i := range sums {
		keys[i] = messageKey(&sums[i])
	}
	known, err := s.l.KnownInboxMessages(ctx, s.opts.Instance, keys)
	if err != nil {
		return err
	}
	var (
		recs    []ledger.InboxMessage
		need    []uint32
		pending = map[uint32]*mailbox.Summary{}
		keyOf   = map[uint32]string{}
	)
	for i := range sums {
		sum, key := &sums[i], keys[i]
		if known[key] {
			if s.res.Resync {
				// Renumbered: keep the record, learn its new UID.
				recs = append(recs, s.base(sum, key))
			}
			continue
		}
		known[key] = true // a second copy in this batch is the same message
		if needsBody(sum, s.opts.Matcher) {
			need = append(need, sum.UID)
			pending[sum.UID], keyOf[sum.UID] = sum, key
			continue
		}
		rec, err := s.untied(ctx, s.base(sum, key), sum)
		if err != nil {
			return err
		}
		recs = append(recs, rec)
	}
	s.tempBounces = map[[2]string]int{}
	var mark []uint32
	err = s.conn.Bodies(ctx, need, s.opts.MaxBody, func(uid uint32, raw []byte) error {
		sum := pending[uid]
		if sum == nil {
			return nil
		}
		delete(pending, uid)
		s.res.Bodies++
		rec, err := s.classify(ctx, sum, keyOf[uid], raw)
		if err != nil {
			return err
		}
		if rec.Kind != ledger.InboxOther {
			mark = append(mark, uid)
		}
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		// Expunged between the two fetches: gone, nothing left to count.
		s.opts.Log.Warn("messages expunged while being read", "instance", s.opts.Instance, "mailbox", s.box.Name, "count", len(pending))
	}
	if s.opts.Mark != "" && len(mark) > 0 {
		if err := s.conn.AddKeyword(ctx, mark, s.opts.Mark); err != nil {
			return err
		}
		s.res.Marked += len(mark)
	}
	added, err := s.l.RecordInboxMessages(ctx, recs)
	s.res.New += added
	return err
}

// messageKey names a message whatever the server numbers it: its
// Message-ID, or a hash of its header fields when it has none (the same
// bytes in a recreated mailbox).
func messageKey(s *mailbox.Summary) string {
	if id := strings.TrimSpace(s.MessageID); id != "" {
		return "<" + strings.ToLower(id) + ">"
	}
	h := sha256.Sum256(s.Header)
	return "sha256:" + hex.EncodeToString(h[:16])
}

// base is the record of a message as other mail: key, place and date.
func (s *syncer) base(sum *mailbox.Summary, key string) ledger.InboxMessage {
	date := sum.Date
	if date.IsZero() {
		date = sum.Arrived
	}
	return ledger.InboxMessage{
		Instance: s.opts.Instance, Key: key, Mailbox: s.box.Name, UIDValidity: s.box.UIDValidity, UID: sum.UID,
		Kind: ledger.InboxOther, Date: date, Answered: sum.Has(`\Answered`),
	}
}

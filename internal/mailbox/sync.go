package mailbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/openfoodfoundation/announce/internal/inbox"
	"github.com/openfoodfoundation/announce/internal/ledger"
)

// Defaults of Options.
const (
	DefaultBatch           = 500
	DefaultMaxBody         = 2 << 20
	DefaultTempBounceLimit = 3
)

// Options say how to read one instance's support mailbox.
type Options struct {
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
	// TempBounceLimit is how many temporary bounces of one address in one
	// campaign suppress it (default 3).
	TempBounceLimit int
	// Locale tells the locale of an address the ledger has no delivery for
	// (from the recipients file); nil when unknown.
	Locale func(addr string) string
	Log    *slog.Logger
}

func (o *Options) defaults() {
	if o.Mailbox == "" {
		o.Mailbox = "INBOX"
	}
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.TempBounceLimit <= 0 {
		o.TempBounceLimit = DefaultTempBounceLimit
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// Result is what one Sync did.
type Result struct {
	Mailbox *Mailbox
	// Resync: the server's UIDVALIDITY changed since the last read, so the
	// whole mailbox was read again; messages recorded before were
	// recognised by their Message-ID and not counted again.
	Resync     bool
	Read       int // summaries fetched
	Bodies     int // bodies fetched
	New        int // messages recorded for the first time
	Marked     int // messages given the Mark keyword
	Suppressed []Suppression
	Checkpoint ledger.MailboxCheckpoint
}

// Suppression is an address this Sync put on the suppression list.
type Suppression struct {
	Address   string
	Reason    string
	Permanent bool // a permanent bounce; else TempBounceLimit temporary ones
}

// Sync reads the messages that arrived in the mailbox since the last Sync,
// batch by batch: envelope, header fields, flags and body structure first,
// then the whole message only for those that may be ours. It records every
// message in the ledger (unrelated ones by key only), suppresses the
// addresses that bounced for good (or TempBounceLimit times), and moves the
// checkpoint once everything was read: a Sync that fails leaves it where it
// was, and the next one reads those messages again without counting any of
// them twice.
func Sync(ctx context.Context, conn *Conn, l *ledger.Ledger, opts Options) (*Result, error) {
	opts.defaults()
	box, err := conn.Open(ctx, opts.Mailbox, opts.Mark == "")
	if err != nil {
		return nil, err
	}
	if opts.Mark != "" && !box.CanKeep(opts.Mark) {
		return nil, fmt.Errorf("%s: mailbox %s does not keep the keyword %s (permanent flags %v)", conn.cfg, box.Name, opts.Mark, box.PermanentFlags)
	}
	from, _, err := l.MailboxCheckpoint(ctx, opts.Instance, opts.Mailbox)
	if err != nil {
		return nil, err
	}
	res := &Result{Mailbox: box}
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
	conn *Conn
	l    *ledger.Ledger
	opts Options
	box  *Mailbox
	res  *Result
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
		pending = map[uint32]*Summary{}
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
func messageKey(s *Summary) string {
	if id := strings.TrimSpace(s.MessageID); id != "" {
		return "<" + strings.ToLower(id) + ">"
	}
	h := sha256.Sum256(s.Header)
	return "sha256:" + hex.EncodeToString(h[:16])
}

// base is the record of a message as other mail: key, place and date.
func (s *syncer) base(sum *Summary, key string) ledger.InboxMessage {
	date := sum.Date
	if date.IsZero() {
		date = sum.Arrived
	}
	return ledger.InboxMessage{
		Instance: s.opts.Instance, Key: key, Mailbox: s.box.Name, UIDValidity: s.box.UIDValidity, UID: sum.UID,
		Kind: ledger.InboxOther, Date: date, Answered: sum.Has(`\Answered`),
	}
}

// classify classifies one whole message, ties it to the delivery it answers
// or returns, and applies a bounce to the suppression list.
func (s *syncer) classify(ctx context.Context, sum *Summary, key string, raw []byte) (ledger.InboxMessage, error) {
	rec := s.base(sum, key)
	v := inbox.Classify(raw, inbox.Options{Matcher: s.opts.Matcher, Unsubscribe: s.opts.Unsubscribe})
	if v.Kind == inbox.KindOther {
		return rec, nil
	}
	if !v.Date.IsZero() {
		rec.Date = v.Date
	}
	rec.Kind, rec.Campaign, rec.Notice = string(v.Kind), v.Campaign, v.Notice
	rec.MessageID, rec.Sender, rec.Subject = v.MessageID, v.From, v.Subject
	if sum.From != "" && senderAddress(sum.From) == strings.ToLower(v.From) {
		rec.Sender = sum.From // with the name the classifier leaves out
	}
	var d ledger.Delivery
	var found bool
	if v.NoticeMessageID != "" {
		var err error
		if d, found, err = s.l.DeliveryByMessageID(ctx, v.NoticeMessageID); err != nil {
			return rec, err
		}
	}
	if v.Kind != inbox.KindBounce && v.Kind != inbox.KindComplaint {
		rec.Address = senderAddress(v.From)
		rec.Excerpt = v.Text
		rec.Locale = s.locale(ctx, d, found, rec.Address)
		return rec, s.unsubscribe(ctx, &rec, v)
	}

	rec.Permanent, rec.Status, rec.Diagnostic, rec.Reason = v.Permanent, v.Status, v.Diagnostic, string(v.Reason)
	rec.Address = strings.ToLower(v.Recipient)
	if rec.Address == "" && found {
		rec.Address = d.Recipient
	}
	if rec.Address != "" && !found {
		// Matched by its recipient alone: a bounce of one of our deliveries
		// that quotes nothing of ours.
		var err error
		if d, found, err = s.l.LatestDeliveryTo(ctx, s.opts.Instance, rec.Address); err != nil {
			return rec, err
		}
		if found && rec.Campaign == "" {
			rec.Campaign, rec.Notice = d.Campaign, d.Notice
		}
	}
	if v.Kind == inbox.KindComplaint && rec.Campaign != "" && rec.Address == "" {
		return rec, nil // a complaint about our notice with the address redacted (RFC 6590): counted, nobody to suppress
	}
	if rec.Campaign == "" || rec.Address == "" {
		// Neither our Message-ID, nor our subject, nor our recipient: the
		// bounce of somebody else's mail.
		unrelated := s.base(sum, key)
		return unrelated, nil
	}
	rec.Locale = s.locale(ctx, d, found, rec.Address)
	return rec, s.suppress(ctx, &rec)
}

// suppress puts a bounced or complaining address on the suppression list
// as the policy says (inbox.DecideSuppression, by the bounce's reason): at
// once for the recipient's permanent reasons and complaints, after repeats
// across campaigns for soft ones, never for ours. It runs before the bounce
// is recorded, and suppressing twice is harmless, so a Sync that dies in
// between loses nothing.
func (s *syncer) suppress(ctx context.Context, rec *ledger.InboxMessage) error {
	id := "<" + rec.MessageID + ">"
	if rec.MessageID == "" {
		id = "without Message-ID of " + rec.Date.UTC().Format(time.RFC3339)
	}
	before, isNew, err := s.repeats(ctx, rec)
	if err != nil {
		return err
	}
	d := inbox.DecideSuppression(inbox.Reason(rec.Reason), rec.Permanent || rec.Kind == ledger.InboxComplaint, before, isNew, statusText(rec))
	if !d.Suppress {
		return nil
	}
	what := "bounce"
	if rec.Kind == ledger.InboxComplaint {
		what = "complaint"
	}
	reason := fmt.Sprintf("%s %s: %s", what, id, d.Why)
	already, err := s.l.IsSuppressed(ctx, rec.Address)
	if err != nil || already {
		return err
	}
	if err := s.l.Suppress(ctx, rec.Address, reason, what); err != nil {
		return err
	}
	rec.Suppressed = true
	s.res.Suppressed = append(s.res.Suppressed, Suppression{Address: rec.Address, Reason: reason, Permanent: d.Policy == inbox.SuppressNow})
	return nil
}

func statusText(rec *ledger.InboxMessage) string {
	t := rec.Status
	if d := rec.Diagnostic; d != "" {
		if len(d) > 200 {
			d = d[:200] + "…"
		}
		t += " " + d
	}
	return strings.TrimSpace(t)
}

// locale is the locale the address was written in: that of the delivery the
// message answers, else of the latest delivery to the address, else what
// the recipients file says.
func (s *syncer) locale(ctx context.Context, d ledger.Delivery, found bool, addr string) string {
	if found && d.Locale != "" {
		return d.Locale
	}
	if addr == "" {
		return ""
	}
	if d, ok, err := s.l.LatestDeliveryTo(ctx, s.opts.Instance, addr); err == nil && ok && d.Locale != "" {
		return d.Locale
	}
	if s.opts.Locale != nil {
		return s.opts.Locale(addr)
	}
	return ""
}

// senderAddress is the bare address of a From as the classifier decoded it
// ("Name <addr>" or "addr").
func senderAddress(from string) string {
	if a, err := mail.ParseAddress(from); err == nil {
		return strings.ToLower(a.Address)
	}
	if i, j := strings.LastIndexByte(from, '<'), strings.LastIndexByte(from, '>'); i >= 0 && j > i {
		return strings.ToLower(strings.TrimSpace(from[i+1 : j]))
	}
	return strings.ToLower(strings.TrimSpace(from))
}

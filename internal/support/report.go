package support

import (
	"context"

	"github.com/openfoodfoundation/announce/internal/digest"
	"github.com/openfoodfoundation/announce/internal/inbox"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailbox"
)

// report assembles one instance's report from the ledger: the messages of
// sel counted by kind, the deliveries of the campaign, the replies (with
// the \Answered flag as the server has it now, which it records), people's
// mail that answers no notice, the problems of ours, and the addresses that
// the selected bounces, complaints and unsubscribe requests suppressed.
func report(ctx context.Context, l *ledger.Ledger, conn *mailbox.Conn, box *mailbox.Mailbox, in Inbox, campaign string, sel ledger.InboxSelection) (*digest.Report, error) {
	counts, err := l.InboxCounts(ctx, sel)
	if err != nil {
		return nil, err
	}
	sent, err := l.Counts(ctx, ledger.Scope{Campaign: campaign, Instance: in.Instance.Key})
	if err != nil {
		return nil, err
	}
	msgs, err := l.InboxMessages(ctx, sel)
	if err != nil {
		return nil, err
	}
	if err := refreshAnswered(ctx, l, conn, box, in.Instance.Key, msgs); err != nil {
		return nil, err
	}
	rep := &digest.Report{
		Instance: in.Instance.Key, Name: in.Instance.Name, Zone: in.Instance.Location(), Mailbox: box.Name, Campaign: campaign, Since: sel.Since,
		Counts: digest.Counts{Sent: sent.Sent, Replies: counts.Replies, AutoReplies: counts.AutoReplies,
			HardBounces: counts.HardBounces, SoftBounces: counts.SoftBounces, Complaints: counts.Complaints,
			AlsoInInbox: counts.Untied, Unrelated: counts.Unrelated},
	}
	suppressed := map[string]bool{}
	for _, msg := range msgs {
		if msg.Suppressed {
			suppressed[msg.Address] = true
		}
		addToReport(rep, msg)
	}
	if len(suppressed) > 0 {
		all, err := l.Suppressions(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range all {
			if suppressed[s.Address] {
				rep.Suppressed = append(rep.Suppressed, digest.Suppressed{Address: s.Address, Reason: s.Reason})
			}
		}
	}
	return rep, nil
}

// addToReport puts one recorded inbox message where the digest shows it: a
// person's reply to a notice among the replies, a person's mail that
// answers none under "also in the inbox", a bounce for a reason of ours
// among the problems of ours, with the server's reply.
func addToReport(rep *digest.Report, msg ledger.InboxMessage) {
	switch {
	case msg.Kind == ledger.InboxReply && msg.Campaign != "":
		rep.Replies = append(rep.Replies, digest.Reply{From: msg.Sender, Address: msg.Address, Locale: msg.Locale, Date: msg.Date,
			Subject: msg.Subject, Notice: msg.Notice, Text: msg.Excerpt, Answered: msg.Answered})
	case msg.Kind == ledger.InboxReply:
		rep.AlsoInInbox = append(rep.AlsoInInbox, digest.Message{From: msg.Sender, Address: msg.Address, Date: msg.Date,
			Subject: msg.Subject, Answered: msg.Answered})
	case msg.Kind == ledger.InboxBounce && msg.Campaign != "" && inbox.Reason(msg.Reason).Side() == inbox.SideSender:
		rep.AddProblem(msg.Reason, msg.Status, msg.Diagnostic, msg.Address, msg.Date)
	}
}

// refreshAnswered asks the server which of the replies to report have been
// answered since they were read, and records it.
func refreshAnswered(ctx context.Context, l *ledger.Ledger, conn *mailbox.Conn, box *mailbox.Mailbox, instance string, msgs []ledger.InboxMessage) error {
	var uids []uint32
	byUID := map[uint32]int{}
	for i, m := range msgs {
		if m.Kind == ledger.InboxReply && m.Mailbox == box.Name && m.UIDValidity == box.UIDValidity {
			uids = append(uids, m.UID)
			byUID[m.UID] = i
		}
	}
	if len(uids) == 0 {
		return nil
	}
	flags, err := conn.Flags(ctx, uids)
	if err != nil {
		return err
	}
	changed := map[string]bool{}
	for uid, fs := range flags {
		i, ok := byUID[uid]
		if !ok {
			continue
		}
		s := mailbox.Summary{Flags: fs}
		if a := s.Has(`\Answered`); a != msgs[i].Answered {
			msgs[i].Answered = a
			changed[msgs[i].Key] = a
		}
	}
	if len(changed) == 0 {
		return nil
	}
	return l.SetInboxAnswered(ctx, instance, changed)
}

package cli

import (
	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/digest"
	"github.com/openfoodfoundation/announce/internal/inbox"
	"github.com/openfoodfoundation/announce/internal/ledger"
)

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

// unsubscribeMailto is the address of the instance's List-Unsubscribe
// mailto, if any: mail to it asks to unsubscribe.
func unsubscribeMailto(in *config.Instance) string {
	if in.SMTP == nil {
		return ""
	}
	return in.SMTP.UnsubscribeMailto
}

package support

import (
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/digest"
	"github.com/openfoodfoundation/announce/internal/ledger"
)

// addToReport puts each recorded message where the digest shows it: replies
// to a notice among the replies, people's mail that answers none under
// "also in the inbox", bounces for a reason of ours among the problems of
// ours (grouped by reply), and nothing else anywhere.
func TestAddToReport(t *testing.T) {
	d := time.Date(2019, 4, 30, 7, 0, 0, 0, time.UTC)
	msgs := []ledger.InboxMessage{
		{Kind: ledger.InboxReply, Campaign: "c", Notice: "announce", Sender: "Ana <ana@example.test>", Address: "ana@example.test", Date: d, Subject: "Re: Katuma"},
		{Kind: ledger.InboxReply, Sender: "factures@proveidor.test", Address: "factures@proveidor.test", Date: d, Subject: "Factura", Answered: true},
		{Kind: ledger.InboxBounce, Campaign: "c", Address: "eva@example.test", Reason: "authfailure", Status: "5.7.26", Diagnostic: "550 DMARC", Date: d},
		{Kind: ledger.InboxBounce, Campaign: "c", Address: "gil@example.test", Reason: "authfailure", Status: "5.7.26", Diagnostic: "550 DMARC", Date: d.Add(time.Hour)},
		{Kind: ledger.InboxBounce, Campaign: "c", Address: "bea@example.test", Reason: "userunknown", Status: "5.1.1", Permanent: true, Date: d},
		{Kind: ledger.InboxBounce, Address: "x@elsewhere.test", Reason: "authfailure", Status: "5.7.26", Date: d}, // not ours
		{Kind: ledger.InboxAutoReply, Campaign: "c", Address: "ooo@example.test", Date: d},
		{Kind: ledger.InboxComplaint, Campaign: "c", Address: "fina@example.test", Reason: "complaint", Date: d},
		{Kind: ledger.InboxOther, Date: d},
	}
	rep := &digest.Report{}
	for _, m := range msgs {
		addToReport(rep, m)
	}
	if len(rep.Replies) != 1 || rep.Replies[0].Address != "ana@example.test" || rep.Replies[0].Notice != "announce" {
		t.Errorf("replies = %+v, want Ana's only", rep.Replies)
	}
	if len(rep.AlsoInInbox) != 1 || rep.AlsoInInbox[0].Address != "factures@proveidor.test" || !rep.AlsoInInbox[0].Answered {
		t.Errorf("also in the inbox = %+v, want the invoice, answered", rep.AlsoInInbox)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Reason != "authfailure" || len(rep.Problems[0].Addresses) != 2 ||
		rep.Problems[0].Reply != "550 DMARC" || !rep.Problems[0].Last.Equal(d.Add(time.Hour)) {
		t.Errorf("problems = %+v, want Eva's and Gil's DMARC refusal, grouped, last at %v", rep.Problems, d.Add(time.Hour))
	}
}

package support

import (
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/inbox"
	"github.com/openfoodfoundation/announce/internal/ledger"
)

// suppression applies inbox's policy by reason and words the reason the
// suppression list keeps: which bounce or complaint, why, and the server's
// reply (cut at 200 characters).
func TestSuppression(t *testing.T) {
	date := time.Date(2019, 4, 30, 7, 0, 14, 0, time.UTC)
	long := strings.Repeat("x", 250)
	bounce := func(id, reason string, permanent bool, status, diag string) *ledger.InboxMessage {
		return &ledger.InboxMessage{Kind: ledger.InboxBounce, Address: "bea@example.test", Campaign: "c", MessageID: id, Date: date,
			Reason: reason, Permanent: permanent, Status: status, Diagnostic: diag}
	}
	for _, tc := range []struct {
		name     string
		rec      *ledger.InboxMessage
		before   inbox.Repeats
		isNew    bool
		suppress bool
		reason   string
		source   string
	}{
		{"unknown user", bounce("b1@mx", "userunknown", true, "5.1.1", "550 User unknown"), inbox.Repeats{}, true,
			true, "bounce <b1@mx>: userunknown: 5.1.1 550 User unknown", "bounce"},
		{"without Message-ID", bounce("", "hostunknown", true, "5.1.2", ""), inbox.Repeats{}, true,
			true, "bounce without Message-ID of 2019-04-30T07:00:14Z: hostunknown: 5.1.2", "bounce"},
		{"unknown user, temporary", bounce("t@mx", "userunknown", false, "4.1.1", "450 unverified"), inbox.Repeats{}, true,
			false, "bounce <t@mx>: userunknown, 1 times in 1 campaigns: 4.1.1 450 unverified", "bounce"},
		{"full mailbox, one campaign", bounce("f3@mx", "mailboxfull", false, "4.2.2", "452 Mailbox full"), inbox.Repeats{Bounces: 2, Campaigns: 1}, false,
			false, "bounce <f3@mx>: mailboxfull, 3 times in 1 campaigns: 4.2.2 452 Mailbox full", "bounce"},
		{"full mailbox, second campaign", bounce("f3@mx", "mailboxfull", false, "4.2.2", "452 Mailbox full"), inbox.Repeats{Bounces: 2, Campaigns: 1}, true,
			true, "bounce <f3@mx>: mailboxfull, 3 times in 2 campaigns: 4.2.2 452 Mailbox full", "bounce"},
		{"ours: DMARC", bounce("d@mx", "authfailure", true, "5.7.26", "550 DMARC"), inbox.Repeats{Bounces: 9, Campaigns: 3}, true,
			false, "bounce <d@mx>: authfailure: a problem of ours (sender side), the address stays: 5.7.26 550 DMARC", "bounce"},
		{"complaint", &ledger.InboxMessage{Kind: ledger.InboxComplaint, Address: "c@example.test", Campaign: "c", MessageID: "arf@isp", Reason: "complaint"},
			inbox.Repeats{}, true, true, "complaint <arf@isp>: complaint", "complaint"},
		{"long diagnostic cut", bounce("p@mx", "userunknown", true, "5.1.1", long), inbox.Repeats{}, true,
			true, "bounce <p@mx>: userunknown: 5.1.1 " + long[:200] + "…", "bounce"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, reason, source := suppression(tc.rec, tc.before, tc.isNew)
			if d.Suppress != tc.suppress || reason != tc.reason || source != tc.source {
				t.Errorf("suppression(%+v) = %v, %q, %q; want %v, %q, %q", tc.rec, d.Suppress, reason, source, tc.suppress, tc.reason, tc.source)
			}
		})
	}
}

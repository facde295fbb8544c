package support_test

import (
	"strings"
	"testing"

	"github.com/openfoodfoundation/announce/internal/mailbox/mailboxtest"
	"github.com/openfoodfoundation/announce/internal/msgid"
	"github.com/openfoodfoundation/announce/internal/support"
)

// A full mailbox suppresses only when it repeats across campaigns: three
// bounces in one rollout leave the address; a third in a second rollout
// suppresses it. A DMARC rejection never does, however often.
func TestSyncRepeatsAcrossCampaigns(t *testing.T) {
	mailboxtest.ForEach(t, testSyncRepeatsAcrossCampaigns)
}

func testSyncRepeatsAcrossCampaigns(t *testing.T, srv *mailboxtest.Server) {
	box := srv.NewBox(t, "Repeats")
	l := openLedger(t)
	const carles, eva = "carles@example.test", "eva@example.test"
	id := func(campaign, notice, addr string) string {
		return msgid.Make(msgid.Ref{Campaign: campaign, Notice: notice, Instance: "katuma"}, addr, 0, "katuma.test")
	}
	box.Append(t,
		mailboxtest.Bounce(carles, id("ofn-v2-2019", "announce", carles), "c1", false),
		mailboxtest.Bounce(carles, id("ofn-v2-2019", "reminder", carles), "c2", false),
		mailboxtest.DMARCBounce(eva, id("ofn-v2-2019", "announce", eva), "e1"),
		mailboxtest.DMARCBounce(eva, id("ofn-v2-2019", "reminder", eva), "e2"),
	)
	sync(t, box, l, support.SyncOptions{})
	for _, a := range []string{carles, eva} {
		if ok, _ := l.IsSuppressed(t.Context(), a); ok {
			t.Fatalf("%s suppressed after one campaign, want not", a)
		}
	}
	box.Append(t,
		mailboxtest.Bounce(carles, id("ofn-v3-2020", "announce", carles), "c3", false),
		mailboxtest.DMARCBounce(eva, id("ofn-v3-2020", "announce", eva), "e3"),
	)
	res := sync(t, box, l, support.SyncOptions{})
	if ok, _ := l.IsSuppressed(t.Context(), carles); !ok {
		t.Errorf("%s not suppressed after a third full-mailbox bounce in a second campaign (suppressed %+v)", carles, res.Suppressed)
	}
	if ok, _ := l.IsSuppressed(t.Context(), eva); ok {
		t.Errorf("%s suppressed for our DMARC failure", eva)
	}
}

// Mail to the unsubscribe address, or with the subject "unsubscribe",
// suppresses its sender; other mail from people does not.
func TestSyncUnsubscribeRequests(t *testing.T) { mailboxtest.ForEach(t, testSyncUnsubscribeRequests) }

func testSyncUnsubscribeRequests(t *testing.T, srv *mailboxtest.Server) {
	box := srv.NewBox(t, "Unsubscribe")
	l := openLedger(t)
	mail := func(from, to, subject string) []byte {
		return []byte("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nDate: Thu, 2 May 2019 10:00:00 +0200\r\n" +
			"Message-ID: <" + strings.NewReplacer("@", ".", " ", "").Replace(from+subject) + "@mail.example.test>\r\n\r\nThis message was sent by the unsubscribe link.\r\n")
	}
	box.Append(t,
		mail("Gil <gil@example.test>", "baixa@katuma.test", "Unsubscribe"),
		mail("hana@example.test", "info@katuma.test", "unsubscribe"),
		mail("Ivet <ivet@example.test>", "info@katuma.test", "Com em dono de baixa?"),
	)
	res := sync(t, box, l, support.SyncOptions{Unsubscribe: "baixa@katuma.test"})
	for _, tc := range []struct {
		addr string
		want bool
	}{{"gil@example.test", true}, {"hana@example.test", true}, {"ivet@example.test", false}} {
		if ok, _ := l.IsSuppressed(t.Context(), tc.addr); ok != tc.want {
			t.Errorf("IsSuppressed(%s) = %v, want %v (suppressed %+v)", tc.addr, ok, tc.want, res.Suppressed)
		}
	}
}

package mailbox_test

import (
	"testing"

	"github.com/openfoodfoundation/announce/internal/mailbox"
	"github.com/openfoodfoundation/announce/internal/mailbox/mailboxtest"
	"github.com/openfoodfoundation/announce/internal/mailer"
	"github.com/openfoodfoundation/announce/internal/mailstack"
)

// A full mailbox suppresses only when it repeats across campaigns: three
// bounces in one rollout leave the address; a third in a second rollout
// suppresses it. A DMARC rejection never does, however often.
func TestSyncRepeatsAcrossCampaigns(t *testing.T) {
	st := mailstack.Load(t)
	box := mailboxtest.New(t, st, "Repeats")
	l := openLedger(t)
	const carles, eva = "carles@example.test", "eva@example.test"
	id := func(campaign, notice, addr string) string {
		return mailer.MessageID(campaign, notice, "katuma", addr, "katuma.test")
	}
	box.Append(t,
		mailboxtest.Bounce(carles, id("ofn-v2-2019", "announce", carles), "c1", false),
		mailboxtest.Bounce(carles, id("ofn-v2-2019", "reminder", carles), "c2", false),
		mailboxtest.DMARCBounce(eva, id("ofn-v2-2019", "announce", eva), "e1"),
		mailboxtest.DMARCBounce(eva, id("ofn-v2-2019", "reminder", eva), "e2"),
	)
	sync(t, box, l, mailbox.Options{})
	for _, a := range []string{carles, eva} {
		if ok, _ := l.IsSuppressed(t.Context(), a); ok {
			t.Fatalf("%s suppressed after one campaign, want not", a)
		}
	}
	box.Append(t,
		mailboxtest.Bounce(carles, id("ofn-v3-2020", "announce", carles), "c3", false),
		mailboxtest.DMARCBounce(eva, id("ofn-v3-2020", "announce", eva), "e3"),
	)
	res := sync(t, box, l, mailbox.Options{})
	if ok, _ := l.IsSuppressed(t.Context(), carles); !ok {
		t.Errorf("%s not suppressed after a third full-mailbox bounce in a second campaign (suppressed %+v)", carles, res.Suppressed)
	}
	if ok, _ := l.IsSuppressed(t.Context(), eva); ok {
		t.Errorf("%s suppressed for our DMARC failure", eva)
	}
}

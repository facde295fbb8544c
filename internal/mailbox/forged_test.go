package mailbox_test

import (
	"testing"

	"github.com/openfoodfoundation/announce/internal/mailbox"
	"github.com/openfoodfoundation/announce/internal/mailbox/mailboxtest"
	"github.com/openfoodfoundation/announce/internal/mailstack"
)

// A forged bounce — Ana's real Message-ID (she got a notice, so she knows
// it) naming Eva's address — suppresses nobody and is reported as
// suspicious; the genuine bounce of Bea's own Message-ID still suppresses.
func TestForgedBounceSuppressesNobody(t *testing.T) {
	st := mailstack.Load(t)
	box := mailboxtest.New(t, st, "Forged")
	l := openLedger(t)
	mailboxtest.Seed(t, l)
	ana, bea, eva := mailboxtest.Seeds[0], mailboxtest.Seeds[1], mailboxtest.Seeds[4]
	box.Append(t,
		mailboxtest.Bounce(eva.Address, ana.MessageID(), "forged", true),
		mailboxtest.Bounce(bea.Address, bea.MessageID(), "bea", true))
	res := sync(t, box, l, mailbox.Options{})
	if ok, _ := l.IsSuppressed(t.Context(), eva.Address); ok {
		t.Errorf("%s suppressed by a bounce of a message sent to %s", eva.Address, ana.Address)
	}
	if ok, _ := l.IsSuppressed(t.Context(), bea.Address); !ok {
		t.Errorf("%s not suppressed by the bounce of her own message", bea.Address)
	}
	if len(res.Suspicious) != 1 || res.Suspicious[0].Address != eva.Address {
		t.Errorf("suspicious = %+v, want the forged bounce naming %s", res.Suspicious, eva.Address)
	}
}

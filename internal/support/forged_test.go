package support_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/digest"
	"github.com/openfoodfoundation/announce/internal/mailbox/mailboxtest"
	"github.com/openfoodfoundation/announce/internal/support"
)

// A forged bounce — Ana's real Message-ID (she got a notice, so she knows
// it) naming Eva's address — suppresses nobody and is reported as
// suspicious; the genuine bounce of Bea's own Message-ID still suppresses.
func TestForgedBounceSuppressesNobody(t *testing.T) {
	mailboxtest.ForEach(t, testForgedBounceSuppressesNobody)
}

func testForgedBounceSuppressesNobody(t *testing.T, srv *mailboxtest.Server) {
	box := srv.NewBox(t, "Forged")
	l := openLedger(t)
	mailboxtest.Seed(t, l)
	ana, bea, eva := mailboxtest.Seeds[0], mailboxtest.Seeds[1], mailboxtest.Seeds[4]
	box.Append(t,
		mailboxtest.Bounce(eva.Address, ana.MessageID(), "forged", true),
		mailboxtest.Bounce(bea.Address, bea.MessageID(), "bea", true))
	res := sync(t, box, l, support.SyncOptions{})
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

// The digest lists a forged bounce as suspicious, apart from what was
// suppressed.
func TestDigestListsSuspiciousBounce(t *testing.T) {
	mailboxtest.ForEach(t, testDigestListsSuspiciousBounce)
}

func testDigestListsSuspiciousBounce(t *testing.T, srv *mailboxtest.Server) {
	box := srv.NewBox(t, "INBOX")
	l := openLedger(t)
	mailboxtest.Seed(t, l)
	ana, bea, eva := mailboxtest.Seeds[0], mailboxtest.Seeds[1], mailboxtest.Seeds[4]
	box.Append(t,
		mailboxtest.Bounce(eva.Address, ana.MessageID(), "forged", true),
		mailboxtest.Bounce(bea.Address, bea.MessageID(), "bea", true))
	var out bytes.Buffer
	_, err := support.Run(t.Context(), l, support.Options{
		Inboxes:  []support.Inbox{{Instance: katuma(t, box), IMAP: box.Config()}},
		Campaign: mailboxtest.Campaign, Matcher: mailboxtest.Matcher(), Format: digest.Text, Out: &out,
		Now: time.Now(), Command: "test",
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := "Suspicious bounces, not suppressed (1):\n    " + eva.Address + ": bounce quoting Message-ID <" + strings.Trim(ana.MessageID(), "<>") + ">"
	if !strings.Contains(out.String(), want) {
		t.Errorf("digest lacks %q:\n%s", want, out.String())
	}
	if s := out.String(); !strings.Contains(s, "Suppressed (1):\n    "+bea.Address) {
		t.Errorf("digest does not list %s alone as suppressed:\n%s", bea.Address, s)
	}
}

package mailboxtest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/openfoodfoundation/announce/internal/inbox"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailer"
)

// Campaign is the campaign of the corpus and of the seeded deliveries.
const Campaign = "ofn-v2-2019"

// Seeded is a delivery Seed records as sent to Katuma's readers.
type Seeded struct{ Address, Locale, Notice string }

// MessageID is the Message-ID the delivery went out with.
func (s Seeded) MessageID() string {
	return mailer.MessageID(Campaign, s.Notice, "katuma", s.Address, "katuma.test")
}

// Seeds are the deliveries the fixture answers: Ana replies, Bea's address
// is unknown (a hard bounce), Carles's mailbox is full three times (three
// temporary bounces), Dani's once, Eva says nothing.
var Seeds = []Seeded{
	{"ana@example.test", "ca", "announce"},
	{"bea@example.test", "es", "announce"},
	{"carles@example.test", "ca", "reminder"},
	{"dani@example.test", "es", "announce"},
	{"eva@example.test", "es", "announce"},
}

// Seed records Seeds as sent, for instance katuma.
func Seed(t testing.TB, l *ledger.Ledger) {
	t.Helper()
	ctx := context.Background()
	for _, s := range Seeds {
		k := ledger.Key{Campaign: Campaign, Notice: s.Notice, Instance: "katuma", Recipient: s.Address}
		if _, err := l.Enqueue(ctx, []ledger.Item{{Key: k, Locale: s.Locale, MessageID: s.MessageID()}}); err != nil {
			t.Fatal(err)
		}
		if err := l.MarkSent(ctx, k, "250 2.0.0 Ok: queued"); err != nil {
			t.Fatal(err)
		}
	}
}

// Want is what a digest of the fixture must find.
type Want struct {
	Sent, Replies, AutoReplies, HardBounces, SoftBounces, Unrelated int
	Suppressed                                                      []string // sorted
	// ReplyText is in what Ana wrote; QuotedText is in the notice she
	// quoted, and must be stripped.
	ReplyText, QuotedText string
	ReplyLocale           string
}

// Fixture returns a realistic support inbox, in the order it arrives: the
// classifier's corpus, Ana's reply, the bounces of Seeds and two unrelated
// messages; and what reading it must find.
func Fixture(t testing.TB) ([][]byte, Want) {
	t.Helper()
	corpus := Corpus(t)
	names := make([]string, 0, len(corpus))
	for n := range corpus {
		names = append(names, n)
	}
	slices.Sort(names)
	var msgs [][]byte
	for _, n := range names {
		msgs = append(msgs, corpus[n])
	}
	msgs = append(msgs,
		Reply("ana", Seeds[0].MessageID()),
		Bounce(Seeds[1].Address, Seeds[1].MessageID(), "bea", true),
		Bounce(Seeds[2].Address, Seeds[2].MessageID(), "carles-1", false),
		Unrelated(1),
		Bounce(Seeds[2].Address, Seeds[2].MessageID(), "carles-2", false),
		Bounce(Seeds[3].Address, Seeds[3].MessageID(), "dani-1", false),
		Bounce(Seeds[2].Address, Seeds[2].MessageID(), "carles-3", false),
		Unrelated(2),
	)
	w := Want{
		Sent:        len(Seeds),
		Replies:     5 + 1, // the corpus's and Ana's
		AutoReplies: 4,
		HardBounces: 10 + 1, // the corpus's and Bea's
		SoftBounces: 1 + 3 + 1,
		Unrelated:   2 + 2,
		Suppressed: []string{
			"bea@example.test", "carles@example.test", // ours
			// the corpus's permanent bounces
			"carmen@example.test", "genevieve@marche-local.test", "info@cooperativa-del-camp.test", "marta@elrebost.test",
			"mike@greenvalley.test", "nuria@lacistella.example", "pere@cal-pere.test", "rosa@huertasol.test",
			"sam@example.test", "tom@example.test",
		},
		ReplyText:   "Podem fer la comanda el dilluns abans del manteniment?",
		QuotedText:  "tindrà un manteniment programat",
		ReplyLocale: "ca",
	}
	slices.Sort(w.Suppressed)
	return msgs, w
}

// Reply is a person's reply, tagged tag, to our Message-ID id, quoting the
// notice below an attribution line as Gmail writes it in Catalan.
func Reply(tag, id string) []byte {
	return crlf(fmt.Sprintf(`From: Ana Puig <ana@example.test>
To: Katuma <info@katuma.test>
Subject: Re: Manteniment programat de Katuma el dimarts, 7 de maig del 2019
Date: Tue, 30 Apr 2019 12:00:00 +0200
Message-ID: <reply-%s@mail.example.test>
In-Reply-To: <%s>
References: <%s>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hola,

Podem fer la comanda el dilluns abans del manteniment?

Gràcies,
Ana

El dt., 30 d’abr. 2019 a les 9:00, Katuma <noreply@katuma.test> va escriure:
> Hola Ana,
>
> Katuma tindrà un manteniment programat el dimarts, 7 de maig del 2019,
> de 9:00 a 11:00.
`, tag, id, id))
}

// Bounce is a Postfix delivery status notification for rcpt of our message
// id: a failure (5.1.1) when permanent, else a delay (4.2.2, mailbox full).
// tag makes its Message-ID.
func Bounce(rcpt, id, tag string, permanent bool) []byte {
	subject, action, status, said := "Undelivered Mail Returned to Sender", "failed", "5.1.1", "550 5.1.1 <"+rcpt+">: Recipient address rejected: User unknown"
	if !permanent {
		subject, action, status, said = "Delayed Mail (still being retried)", "delayed", "4.2.2", "452 4.2.2 <"+rcpt+">: Mailbox full"
	}
	return crlf(fmt.Sprintf(`Date: Tue, 30 Apr 2019 09:00:14 +0200 (CEST)
From: MAILER-DAEMON@smtp.katuma.test (Mail Delivery System)
Subject: %s
To: bounces@katuma.test
Auto-Submitted: auto-replied
Message-Id: <bounce-%s@smtp.katuma.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"

--B0UND
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host smtp.katuma.test.

<%s>: host mx.example.test[192.0.2.1] said: %s

--B0UND
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; smtp.katuma.test

Final-Recipient: rfc822; %s
Original-Recipient: rfc822;%s
Action: %s
Status: %s
Remote-MTA: dns; mx.example.test
Diagnostic-Code: smtp; %s

--B0UND
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Katuma <noreply@katuma.test>
To: %s
Subject: Manteniment programat de Katuma el dimarts, 7 de maig del 2019
Message-ID: <%s>

--B0UND--
`, subject, tag, rcpt, said, rcpt, rcpt, action, status, said, rcpt, id))
}

// Matcher knows the subjects of Katuma's and Canada's notices, as the
// digest learns them from the renderer.
func Matcher() *inbox.Matcher {
	m := &inbox.Matcher{}
	for _, s := range []struct{ instance, notice, subject string }{
		{"katuma", "announce", "Manteniment programat de Katuma el dimarts, 7 de maig del 2019"},
		{"katuma", "announce", "Mantenimiento programado de Katuma el martes, 7 de mayo de 2019"},
		{"katuma", "reminder", "Recordatori: manteniment de Katuma el dimarts, 7 de maig del 2019"},
		{"katuma", "reminder", "Recordatorio: mantenimiento de Katuma el martes, 7 de mayo de 2019"},
		{"katuma", "start", "Ha començat el manteniment de Katuma"},
		{"katuma", "start", "Ha empezado el mantenimiento de Katuma"},
		{"katuma", "done", "Katuma torna a funcionar: manteniment completat"},
		{"katuma", "done", "Katuma vuelve a funcionar: mantenimiento completado"},
		{"canada", "announce", "Scheduled maintenance of Open Food Network Canada on Thursday, June 13, 2019"},
		{"canada", "announce", "Open Food Network Canada\u202f: maintenance programmée le jeudi 13 juin 2019"},
		{"canada", "reminder", "Reminder: Open Food Network Canada maintenance on Thursday, June 13, 2019"},
		{"canada", "reminder", "Rappel\u202f: Open Food Network Canada en maintenance le jeudi 13 juin 2019"},
		{"canada", "start", "Open Food Network Canada maintenance has begun"},
		{"canada", "start", "Open Food Network Canada\u202f: la maintenance a commencé"},
		{"canada", "done", "Open Food Network Canada is back: maintenance completed"},
		{"canada", "done", "Open Food Network Canada est de retour\u202f: maintenance terminée"},
	} {
		m.AddSubject(inbox.Ref{Campaign: Campaign, Notice: s.notice, Instance: s.instance}, s.subject)
	}
	return m
}

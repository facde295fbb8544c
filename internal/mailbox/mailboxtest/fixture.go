package mailboxtest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/openfoodfoundation/announce/internal/inbox"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/msgid"
)

// Campaign is the campaign of the corpus and of the seeded deliveries.
const Campaign = "ofn-v2-2019"

// Seeded is a delivery Seed records as sent to Katuma's readers.
type Seeded struct{ Address, Locale, Notice string }

// MessageID is the Message-ID the delivery went out with.
func (s Seeded) MessageID() string {
	return msgid.Make(msgid.Ref{Campaign: Campaign, Notice: s.Notice, Instance: "katuma"}, s.Address, 0, "katuma.test")
}

// Seeds are the deliveries the fixture answers: Ana replies, Bea's address
// is unknown (a hard bounce), Carles's mailbox is full three times in this
// campaign (three temporary bounces, not enough to suppress: it may be
// emptied before the next one), Dani's once, Eva's server refuses our
// mail for failing DMARC (a sender-side rejection of a good address), Fina
// reports it as spam (a complaint).
var Seeds = []Seeded{
	{"ana@example.test", "ca", "announce"},
	{"bea@example.test", "es", "announce"},
	{"carles@example.test", "ca", "reminder"},
	{"dani@example.test", "es", "announce"},
	{"eva@example.test", "es", "announce"},
	{"fina@example.test", "ca", "announce"},
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
	Complaints, Untied                                              int
	Suppressed                                                      []string // sorted
	// NotSuppressed are addresses that bounced and must stay.
	NotSuppressed []string
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
		DMARCBounce(Seeds[4].Address, Seeds[4].MessageID(), "eva"),
		Complaint(Seeds[5].Address, Seeds[5].MessageID(), "fina"),
	)
	w := Want{
		Sent:        len(Seeds),
		Replies:     5 + 1, // the corpus's and Ana's
		AutoReplies: 4,
		HardBounces: 10 + 1 + 1, // the corpus's, Bea's and Eva's
		SoftBounces: 1 + 3 + 1,
		Complaints:  1,
		Untied:      1 + 2, // a person's mail to another thread, the invoices
		Unrelated:   1,     // the newsletter
		Suppressed: []string{
			"bea@example.test", "fina@example.test", // ours
			// the corpus's bounces for the recipient's permanent reasons
			"carmen@example.test", "genevieve@marche-local.test", "info@cooperativa-del-camp.test", "marta@elrebost.test",
			"mike@greenvalley.test", "nuria@lacistella.example", "pere@cal-pere.test",
			"sam@example.test", "tom@example.test",
		},
		// Eva's DMARC rejection is ours; Carles's and Rosa's mailboxes are
		// full (Rosa's for good, by the status class: 5.2.2), Dani's once.
		NotSuppressed: []string{"eva@example.test", "carles@example.test", "rosa@huertasol.test", "dani@example.test"},
		ReplyText:     "Podem fer la comanda el dilluns abans del manteniment?",
		QuotedText:    "tindrà un manteniment programat",
		ReplyLocale:   "ca",
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

// DMARCBounce is Office 365's report of our message id to rcpt refused for
// failing DMARC (5.7.26): a good address, our problem. tag makes its
// Message-ID.
func DMARCBounce(rcpt, id, tag string) []byte {
	said := "550 5.7.26 Unauthenticated email from katuma.test is not accepted due to domain's DMARC policy. " +
		"Please contact the administrator of katuma.test domain. If this was a legitimate mail please visit " +
		"[Microsoft Support] to learn about the DMARC initiative."
	return crlf(fmt.Sprintf(`Date: Tue, 30 Apr 2019 09:00:20 +0200
From: Microsoft Outlook <postmaster@example.test>
Subject: Undeliverable: Manteniment programat de Katuma el dimarts, 7 de maig del 2019
To: bounces@katuma.test
Auto-Submitted: auto-replied
Message-Id: <bounce-%s@example.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"

--B0UND
Content-Type: text/plain; charset=us-ascii

Your message to %s couldn't be delivered.

--B0UND
Content-Type: message/delivery-status

Reporting-MTA: dns; AM6PR01MB1234.eurprd01.prod.outlook.example

Final-Recipient: rfc822; %s
Action: failed
Status: 5.7.26
Diagnostic-Code: smtp; %s

--B0UND
Content-Type: text/rfc822-headers

From: Katuma <noreply@katuma.test>
To: %s
Subject: Manteniment programat de Katuma el dimarts, 7 de maig del 2019
Message-ID: <%s>

--B0UND--
`, tag, rcpt, rcpt, said, rcpt, id))
}

// Complaint is an ARF spam complaint (RFC 5965) about our message id to
// rcpt, as a mailbox provider's feedback loop sends it.
func Complaint(rcpt, id, tag string) []byte {
	return crlf(fmt.Sprintf(`Date: Thu, 2 May 2019 15:02:17 +0000
From: <staff@fbl.example.test>
Subject: complaint about message from 192.0.2.10
To: <abuse@katuma.test>
Message-Id: <arf-%s@fbl.example.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="ARF"

--ARF
Content-Type: text/plain; charset=us-ascii

This is an email abuse report for an email message received from IP 192.0.2.10.

--ARF
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1
Original-Mail-From: <bounces@katuma.test>
Original-Rcpt-To: <%s>

--ARF
Content-Type: text/rfc822-headers

From: Katuma <noreply@katuma.test>
To: %s
Subject: Manteniment programat de Katuma el dimarts, 7 de maig del 2019
Message-ID: <%s>

--ARF--
`, tag, rcpt, rcpt, id))
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

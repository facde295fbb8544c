package inbox

import "testing"

// Reports in prose, beyond the corpus: what each rule makes of them.
func TestClassifyProseBounces(t *testing.T) {
	for _, tc := range []struct {
		name, raw                 string
		recipient, status, action string
		permanent                 bool
	}{
		{"qmail quota without a code",
			"From: MAILER-DAEMON@mx.b.test\nSubject: failure notice\n\nHi. This is the qmail-send program at mx.b.test.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<a@b.test>:\nUser's disk quota exceeded.\n",
			"a@b.test", "5.2.2", "failed", true},
		{"Exim delay warning",
			"From: Mail Delivery System <Mailer-Daemon@smtp.katuma.test>\nSubject: Warning: message 1hLQ3v-0004Xk-6s delayed 24 hours\n\nThis message was created automatically by mail delivery software.\nA message that you sent has not yet been delivered to one or more of its\nrecipients after more than 24 hours on the queue on smtp.katuma.test.\n\nThe address to which the message has not yet been delivered is:\n\n  a@b.test\n    host mx.b.test [192.0.2.1] Connection timed out\n\nNo action is required on your part. Delivery attempts will continue for\nsome time.\n",
			"a@b.test", "4.0.0", "delayed", false},
		{"Gmail delay, old style",
			"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nSubject: Delivery Status Notification (Delay)\n\nThis is an automatically generated Delivery Status Notification\n\nTHIS IS A WARNING MESSAGE ONLY.\n\nDelivery to the following recipient has been delayed:\n\n     a@b.test\n\nMessage will be retried for 2 more day(s)\n\nTechnical details of temporary failure:\nThe error that the other server returned was:\n450 4.2.2 <a@b.test>... Mailbox Full\n",
			"a@b.test", "4.2.2", "delayed", false},
		{"Sendmail prose without a report part",
			"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.b.test>\nSubject: Returned mail: see transcript for details\n\nThe original message was received at Tue, 30 Apr 2019 09:00:00 +0200\n\n   ----- The following addresses had permanent fatal errors -----\n<a@b.test>\n    (reason: 550 5.1.1 <a@b.test>... User unknown)\n",
			"a@b.test", "5.1.1", "failed", true},
		{"Exchange, French",
			"From: postmaster@b.test\nSubject: Non remis : Maintenance\nContent-Type: text/html\n\n<p>Votre message n'a pas pu être remis à <a href=\"mailto:a@b.test\">a@b.test</a>.</p><p>Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'</p>",
			"a@b.test", "5.1.1", "failed", true},
		{"only words: user unknown",
			"From: Mail Delivery System <MAILER-DAEMON@mx.b.test>\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host mx.b.test.\n\n<a@b.test>: user unknown\n",
			"a@b.test", "5.1.1", "failed", true},
		{"bare reply code",
			"From: MAILER-DAEMON@mx.b.test\nSubject: failure notice\n\nHi. This is the qmail-send program at mx.b.test.\n\n<a@b.test>:\n192.0.2.1 does not like recipient.\nRemote host said: 554 delivery error: dd This user doesn't have an account\n",
			"a@b.test", "5.1.1", "failed", true},
		{"Office 365 prose, DSN lost",
			"From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@b.onmicrosoft.test>\nSubject: Undeliverable: Maintenance\n\nYour message to a@b.test couldn't be delivered.\n\nStatus code: 550 5.4.316\n",
			"a@b.test", "5.4.316", "failed", true},
		{"recipient from the returned To",
			"From: MAILER-DAEMON@mx.b.test\nSubject: Undeliverable: Maintenance\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nSorry, your message could not be delivered (550 5.7.1 rejected).\n--b\nContent-Type: message/rfc822\n\nTo: Ana <a@b.test>\nSubject: Maintenance\n\nHola\n--b--\n",
			"a@b.test", "5.7.1", "failed", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := classify([]byte(tc.raw), Options{})
			if v.Kind != KindBounce || v.Recipient != tc.recipient || v.Status != tc.status || v.Action != tc.action || v.Permanent != tc.permanent {
				t.Errorf("classify = (%q, %q, %q, %q, permanent %v), want (bounce, %q, %q, %q, permanent %v); reasons %q",
					v.Kind, v.Recipient, v.Status, v.Action, v.Permanent, tc.recipient, tc.status, tc.action, tc.permanent, v.Reasons)
			}
		})
	}
}

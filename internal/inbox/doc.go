// Package inbox reads what comes back to the support inbox after a notice: it
// tells a person's mail from an auto-reply, a bounce, a spam complaint and
// other mail; separately, it ties each message to the campaign, notice and
// instance it answers, if any; and it keeps what a person wrote without the
// announcement they quoted.
//
// A bounce gets a reason from a taxonomy written from RFC 3463's status
// codes, the server's reply and the phrases mail systems write (the reason
// names are Sisimai's, the standard bounce-reason taxonomy, so that figures
// compare), and the reason decides what the bounce does to the suppression
// list (Reason.Policy): the recipient's permanent reasons suppress at once,
// soft ones only when they repeat across campaigns, and ours (SPF, DKIM,
// DMARC, a block list, content judged spam) never: the address is fine, and
// the failure is reported as our problem.
//
// Classify is pure: bytes in, a Verdict out, no configuration required, no
// network. It works on any .eml file and does bounded work on hostile input
// (huge headers, deep or endless multiparts, broken base64, quoted-printable
// and charsets): at most MaxMessageSize bytes are read, MIME nesting stops at
// a fixed depth and part count, and every pattern runs on a capped text.
//
// A message belongs to a notice when its In-Reply-To or References holds one
// of our Message-IDs, when a bounce's returned message or headers hold one, or
// else when its subject is a reply or forward prefix followed by one of our
// subjects (that last needs a Matcher that knows the subjects). Our
// Message-IDs name campaign, notice and instance themselves
// (campaign.notice.instance.hash@domain, see ParseMessageID), so a found one
// identifies the notice without any configuration.
package inbox

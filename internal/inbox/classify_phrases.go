package inbox

import "strings"

// What mail systems write, as lower-case phrases: searching text for a list
// of literals costs a fraction of what a case-insensitive alternation does in
// Go's regexp (which has no DFA), and the lists read as data. Every search
// runs on asciiLower of the text, so byte offsets match the original.

// daemonSenders mark the From of a bounce.
var daemonSenders = []string{
	"mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon", "maildaemon",
	"postmaster", "mail delivery", "mail administrator", "mail system",
	"microsoftexchange", // Exchange's "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@…"
	"mdaemon",
}

// bounceMarkers are sentences only bounces write.
var bounceMarkers = []string{
	"this is the qmail-send program",                                   // qmail
	"this message was created automatically by mail delivery software", // Exim
	"this is the mail system at host",                                  // Postfix
	"i'm sorry to have to inform you that your message could not",      // Postfix
	"the original message was received at",                             // Sendmail
	"the following addresses had permanent fatal errors",               // Sendmail
	"delivery has failed to these recipients or groups",                // Exchange 2007–2013
	"remote server returned '",                                         // Exchange
	"delivery to the following recipient failed",                       // Gmail, old
	"delivery to the following recipients failed",
	"delivery to the following recipient has been delayed",
	"your message wasn't delivered", // Gmail
	"your message was not delivered",
	"couldn't be delivered", // Office 365: "Your message to x couldn't be delivered."
	"could not be delivered to one or more",
	"unable to deliver message",
	"unable to deliver your message",
	"this is a permanent error",
	"address not found",
	"no se ha podido entregar", "no se pudo entregar", "la entrega a los siguientes destinatarios",
	"n'a pas pu être remis", "n'a pas pu etre remis",
	"no s'ha pogut lliurar",
}

// delayPhrases say the mail system is still trying: a warning, not a failure.
var delayPhrases = []string{
	"delayed mail", "has been delayed", "delivery delayed", "delivery is delayed",
	"warning only", "still being retried", "will be retried", "will continue to try",
	"will continue trying", "delivery attempts will continue", "will try again",
	"has not yet been delivered", "not yet been delivered", "notification (delay)",
}

// returnedMarkers start the copy of the returned message that some MTAs paste
// into the report text; they count at the start of a line only.
var returnedMarkers = []string{
	"--- below this line is a copy of the message", // qmail
	"this is a copy of the message",                // Exim: "------ This is a copy of the message, including all the headers. ------"
	"this is a copy of your message",
	"----- original message -----", // Gmail, old
	"----- message header follows -----",
	"----- original message follows -----",
	"original message headers:",        // Exchange
	"en-têtes de message d'origine",    // Exchange, fr
	"encabezados del mensaje original", // Exchange, es
}

// introPhrases start the sentences that name the failed recipients on the
// lines after them.
var introPhrases = []string{
	"following address(es) failed",                   // Exim
	"following addresses had permanent fatal errors", // Sendmail
	"delivery to the following recipient failed",     // Gmail, old
	"delivery to the following recipients failed",
	"delivery to the following recipient has been delayed",
	"delivery has failed to these recipients or groups", // Exchange
	"could not be delivered to the following recipient",
	"deliver your message to the following addresses", // qmail
	"the following recipient(s) could not be reached",
	"the following recipients could not be reached",
	"unable to deliver message to the following recipient",
	"unable to deliver your message to the following recipient",
	"your message wasn't delivered to", // Gmail
	"your message was not delivered to",
	"your message to", // Office 365
	"the following message to",
	"la entrega a los siguientes destinatarios",
	"no se ha podido entregar el mensaje a", "no se ha podido entregar su mensaje a",
	"votre message n'a pas pu être remis à",
	"n'a pas pu être remis aux destinataires suivants",
	"no s'ha pogut lliurar el missatge a",
}

// Phrases that give a status when the report has no code.
var (
	unknownUserPhrases = []string{"user unknown", "unknown user", "no such user", "no mailbox here",
		"mailbox not found", "mailbox unavailable", "does not exist", "doesn't exist", "couldn't be found",
		"recipient not found", "recipnotfound", "invalid recipient", "unknown recipient", "no such recipient",
		"no such mailbox", "unknown mailbox", "does not like recipient", "doesn't have a",
		"usuario desconocido", "no existe", "utilisateur inconnu", "n'existe pas", "no existeix"}
	mailboxFullPhrases = []string{"mailbox full", "mailbox is full", "over quota", "quota exceeded",
		"exceeded storage", "insufficient storage", "disk quota", "buzón lleno", "boîte pleine"}
	noHostPhrases = []string{"host not found", "domain not found", "couldn't find any host", "no mx",
		"unrouteable", "unroutable", "nonexistentdomain", "name or service not known",
		"domain does not exist", "no such domain", "nxdomain", "unknown domain", "domain name not found",
		"dns domain", "domainnonexistent"}
	tooBigPhrases   = []string{"message too large", "message is too large", "message too big", "size exceeds", "exceeds the maximum"}
	permanentPhrase = []string{"permanent error", "failed permanently", "permanent failure", "permanent fatal", "i've given up", "fatal error"}
)

// firstPhrase returns the earliest offset in lower of any of phrases, and
// which; -1 when none occurs.
func firstPhrase(lower string, phrases []string) (int, string) {
	at, which := -1, ""
	for _, p := range phrases {
		scope := lower
		if at >= 0 {
			scope = lower[:min(len(lower), at+len(p))]
		}
		if i := strings.Index(scope, p); i >= 0 && (at < 0 || i < at) {
			at, which = i, p
		}
	}
	return at, which
}

// lineStartPhrase is firstPhrase for phrases that count only at the start of
// a line, after white space or dashes.
func lineStartPhrase(lower string, phrases []string) int {
	best := -1
	for _, p := range phrases {
		for from := 0; from < len(lower); {
			i := strings.Index(lower[from:], p)
			if i < 0 {
				break
			}
			i += from
			start := i
			for start > 0 && (lower[start-1] == ' ' || lower[start-1] == '\t' || lower[start-1] == '-') {
				start--
			}
			if start == 0 || lower[start-1] == '\n' {
				if best < 0 || start < best {
					best = start
				}
				break
			}
			from = i + 1
		}
	}
	return best
}

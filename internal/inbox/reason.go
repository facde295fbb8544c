package inbox

import (
	"fmt"
	"strings"
)

// Reason is why a message bounced, in the words of the standard bounce-reason
// taxonomy (Sisimai's reason names, kept so that figures compare): what the
// failure says about the recipient, about us (the sender), or about neither.
// It is decided from the RFC 3463 status, the server's reply (the DSN's
// Diagnostic-Code or the prose report's quoted answer) and the phrases mail
// systems write; see reasonOf.
type Reason string

// Reasons. Side tells whose problem each is; Policy what it does to the
// suppression list.
const (
	// The recipient's address cannot receive mail, now or later.
	ReasonUserUnknown Reason = "userunknown" // no such mailbox (X.1.1, X.1.3, "user unknown", "does not exist")
	ReasonHostUnknown Reason = "hostunknown" // no such domain, or it accepts no mail (X.1.2, X.1.10 null MX, X.4.4)
	ReasonSuspend     Reason = "suspend"     // the mailbox is disabled (X.2.1, X.7.13, "account disabled")
	ReasonHasMoved    Reason = "hasmoved"    // the mailbox moved, with no forwarding (X.1.6, X.7.17)

	// The recipient's side, for now: it may work again.
	ReasonMailboxFull Reason = "mailboxfull" // over quota (X.2.2)
	ReasonMesgTooBig  Reason = "mesgtoobig"  // larger than the recipient takes (X.2.3, X.3.4)
	ReasonFiltered    Reason = "filtered"    // the recipient's own filter refused it (X.2.0)
	ReasonSystemFull  Reason = "systemfull"  // the receiving system is out of space (X.3.1)

	// Ours: every later message fails the same way until we fix it.
	ReasonAuthFailure     Reason = "authfailure"     // SPF, DKIM or DMARC failed (X.7.20–X.7.26)
	ReasonBlocked         Reason = "blocked"         // our IP or host name is refused: block lists, reputation, PTR (X.7.25)
	ReasonSpamDetected    Reason = "spamdetected"    // the content was judged spam
	ReasonVirusDetected   Reason = "virusdetected"   // the content was judged a virus
	ReasonPolicyViolation Reason = "policyviolation" // refused by the receiver's policy (X.7.1 without more)
	ReasonSecurityError   Reason = "securityerror"   // TLS or authentication to the server required or failed (X.7.8–X.7.11)
	ReasonRejected        Reason = "rejected"        // our envelope sender is refused (X.1.7, X.1.8, X.7.27)
	ReasonNoRelaying      Reason = "norelaying"      // the server will not relay for us
	ReasonRateLimited     Reason = "ratelimited"     // too much mail or too many connections from us (X.7.28, 4.7.0 "rate")
	ReasonContentError    Reason = "contenterror"    // the message's format or headers are refused (X.6.x)

	// Neither: the mail system failed on the way.
	ReasonExpired      Reason = "expired"      // given up after retrying (X.4.7, Action failed with 4.x.x)
	ReasonNetworkError Reason = "networkerror" // no answer, connection refused, DNS trouble (X.4.1–X.4.3)
	ReasonSystemError  Reason = "systemerror"  // the receiving system failed (X.3.x, X.5.x)
	ReasonOnHold       Reason = "onhold"       // still being tried, or held, with nothing more said
	ReasonUndefined    Reason = "undefined"    // a failure that says nothing about why

	// A spam complaint (an ARF feedback report, RFC 5965): the person does
	// not want our mail. Sisimai calls it "feedback".
	ReasonComplaint Reason = "complaint"
)

// Side is whose problem a bounce is.
type Side string

// Sides.
const (
	SideRecipient Side = "recipient" // the address: it cannot, or for now does not, receive
	SideSender    Side = "sender"    // ours: our server, domain, authentication or content
	SideTransit   Side = "transit"   // the mail systems between, or unknown
)

// Policy is what a bounce does to the suppression list.
type Policy string

// Policies.
const (
	// SuppressNow: the address will never receive; stop mailing it.
	SuppressNow Policy = "now"
	// SuppressRepeated: the address may receive again (a full mailbox is
	// emptied); it is suppressed only after repeated bounces across
	// campaigns (see SuppressAfterRepeats).
	SuppressRepeated Policy = "repeated"
	// SuppressNever: the failure is ours, so the address is fine and every
	// later message fails the same way until we fix it: report it loudly.
	SuppressNever Policy = "never"
)

// Side tells whose problem r is.
func (r Reason) Side() Side {
	switch r {
	case ReasonUserUnknown, ReasonHostUnknown, ReasonSuspend, ReasonHasMoved,
		ReasonMailboxFull, ReasonMesgTooBig, ReasonFiltered, ReasonComplaint:
		return SideRecipient
	case ReasonAuthFailure, ReasonBlocked, ReasonSpamDetected, ReasonVirusDetected, ReasonPolicyViolation,
		ReasonSecurityError, ReasonRejected, ReasonNoRelaying, ReasonRateLimited, ReasonContentError:
		return SideSender
	}
	return SideTransit
}

// Policy is what a permanent bounce of reason r does to the suppression
// list: only the recipient-side permanent reasons (and a complaint)
// suppress at once; sender-side reasons never do; every other reason (a
// full mailbox, a network failure, an unknown one) only when it repeats
// across campaigns. SuppressionPolicy says it for any bounce.
func (r Reason) Policy() Policy {
	switch r {
	case ReasonUserUnknown, ReasonHostUnknown, ReasonSuspend, ReasonHasMoved, ReasonComplaint:
		return SuppressNow
	}
	if r.Side() == SideSender {
		return SuppressNever
	}
	return SuppressRepeated
}

// SuppressionPolicy is what a bounce of reason r does to the suppression
// list, permanent or not (a delay warning, a 4xx reply: "450 4.1.1
// unverified address" is not yet an unknown user). This is the policy
// function the support-inbox run calls: a complaint is permanent.
func SuppressionPolicy(r Reason, permanent bool) Policy {
	p := r.Policy()
	if p == SuppressNow && !permanent && r != ReasonComplaint {
		return SuppressRepeated
	}
	return p
}

// Repeat thresholds of SuppressRepeated.
const (
	// RepeatBounces is how many bounces of suppress-if-repeated reasons an
	// address needs, over every campaign…
	RepeatBounces = 3
	// RepeatCampaigns …and in how many different campaigns: a mailbox full
	// during one rollout says nothing about the next one.
	RepeatCampaigns = 2
)

// SuppressAfterRepeats tells whether an address with bounces repeated
// bounces of SuppressRepeated reasons (this one included) in campaigns
// different campaigns is to be suppressed.
func SuppressAfterRepeats(bounces, campaigns int) bool {
	return bounces >= RepeatBounces && campaigns >= RepeatCampaigns
}

// RepeatReasons are the reasons whose bounces count towards
// SuppressAfterRepeats, for a ledger query.
func RepeatReasons() []Reason {
	var rs []Reason
	for _, r := range AllReasons {
		if r.Policy() == SuppressRepeated {
			rs = append(rs, r)
		}
	}
	return rs
}

// AllReasons lists every reason, for tables and tests.
var AllReasons = []Reason{
	ReasonUserUnknown, ReasonHostUnknown, ReasonSuspend, ReasonHasMoved,
	ReasonMailboxFull, ReasonMesgTooBig, ReasonFiltered, ReasonSystemFull,
	ReasonAuthFailure, ReasonBlocked, ReasonSpamDetected, ReasonVirusDetected, ReasonPolicyViolation,
	ReasonSecurityError, ReasonRejected, ReasonNoRelaying, ReasonRateLimited, ReasonContentError,
	ReasonExpired, ReasonNetworkError, ReasonSystemError, ReasonOnHold, ReasonUndefined,
	ReasonComplaint,
}

// reasonPhrases are what mail systems write for each reason, lower case,
// most specific first within a group. The groups are tried in order:
// authentication first (a DMARC rejection often says "rejected" or "not
// accepted" and must not read as an unknown user), then the rest of the
// sender's side, then the recipient's.
var reasonPhrases = []struct {
	reason  Reason
	phrases []string
}{
	{ReasonAuthFailure, []string{
		"unauthenticated email", // Microsoft: "5.7.26 Unauthenticated email from x is not accepted due to domain's DMARC policy"
		"sender is unauthenticated", "dmarc", "dkim", "spf check", "spf fail", "spf validation", "sender policy framework",
		"failed spf", "spf record", "not pass spf", "does not pass spf", "authentication checks",
		"doesn't meet the required authentication level", "required authentication level",
		"not authenticated by", "authentication failure for", "5.7.26", "5.7.23", "5.7.515", "5.7.509",
	}},
	{ReasonRateLimited, []string{
		"rate limit", "ratelimit", "rate-limit", "unusual rate", "too many messages", "too many connections",
		"too many concurrent", "too much mail", "server busy", "throttl", "exceeded the rate", "sending rate", "4.7.28", "5.7.28",
		"try again later, closing connection", "resources temporarily unavailable", "ts01", "ts02", "ts03",
		"unusual sending activity", "sending activity detected",
	}},
	// Block lists first: "spamhaus" and "spamcop" hold "spam".
	{ReasonBlocked, []string{"spamhaus", "spamcop", "blocked using", "dnsbl", "blocklist", "blacklist", "block list",
		"black list", "listed at", "listed in"}},
	{ReasonVirusDetected, []string{"virus", "malware", "infected"}},
	{ReasonSpamDetected, []string{
		"spam", "unsolicited", "junk mail", "bulk mail", "message content rejected", "content rejected",
		"considered as junk", "scored as", "suspicious content", "content filter rejection", "likely unsolicited",
	}},
	{ReasonBlocked, []string{
		"barracuda", "sorbs", "rbl", "poor reputation", "reputation", "client host rejected",
		"banned sending ip", "access denied, banned", "your ip", "sending ip", "reverse dns", "ptr record",
		"no ptr", "reverse lookup", "connection refused by policy", "blocked using", "service permanently unavailable",
		"is blocked", "been blocked", "blocked", "temporarily deferred", "tss04", "5.7.606",
	}},
	{ReasonNoRelaying, []string{"relay access denied", "relaying denied", "relay not permitted", "not permitted to relay",
		"unable to relay", "relaying not allowed", "we do not relay", "relay denied"}},
	{ReasonSecurityError, []string{"must issue a starttls", "tls required", "encryption required", "requires tls",
		"authentication required", "authentication credentials invalid", "authentication is required"}},
	{ReasonRejected, []string{"sender address rejected", "sender rejected", "sender domain", "domain of sender address",
		"sender verify failed", "sender verification", "invalid sender", "from address rejected", "sender denied",
		"mail from rejected"}},
	{ReasonContentError, []string{"malformed", "invalid header", "header syntax", "bad header", "duplicate header",
		"message-id header", "rfcmessagenoncompliant", "missing a valid",
		"rfc 5322", "rfc5322", "rfc 2822", "not rfc", "comply with rfc"}},
	{ReasonPolicyViolation, []string{"policy reasons", "policy violation", "violates", "not accepted for policy",
		"prohibited", "not allowed by policy", "due to local policy", "administrative prohibition"}},

	{ReasonSuspend, []string{"account disabled", "account has been disabled", "mailbox disabled", "mailbox is disabled",
		"account is disabled", "account is inactive", "inactive account", "account inactive", "mailbox is inactive",
		"account suspended", "account has been suspended", "mailbox suspended", "user suspended", "is suspended",
		"deactivated", "account expired", "mailbox not accepting", "no longer active", "is not active",
		"account has been closed", "cuenta desactivada", "compte désactivé"}},
	{ReasonHasMoved, []string{"has moved", "address has changed", "no longer available", "no longer valid"}},
	{ReasonHostUnknown, noHostPhrases},
	{ReasonUserUnknown, unknownUserPhrases},
	{ReasonMailboxFull, mailboxFullPhrases},
	{ReasonMesgTooBig, tooBigPhrases},
	{ReasonSystemFull, []string{"insufficient system storage", "system storage", "out of disk", "disk full"}},
	{ReasonFiltered, []string{"filtered", "rejected by recipient", "recipient rejected your message", "user reject",
		"refused by the recipient", "does not accept mail from you", "not accept mail from your"}},
	{ReasonExpired, []string{"retry time not reached for any host after a long failure period", "retry timeout exceeded",
		"message expired", "has expired", "delivery time expired", "giving up", "i'm not going to try again",
		"could not be delivered within", "too long in the queue", "been in the queue too long", "time limit exceeded"}},
	{ReasonNetworkError, []string{"connection timed out", "timed out", "connection refused", "network is unreachable",
		"no route to host", "connection reset", "lost connection", "temporary lookup failure", "dns error", "timeout"}},
	{ReasonSystemError, []string{"system error", "local error", "internal error", "server error", "mail loop", "loops back",
		"too many hops", "routing loop", "configuration error"}},
}

// statusReasons map RFC 3463 status details (class dropped: "1.1" for
// 5.1.1 and 4.1.1) to a reason, beside RFC 5248's and RFC 7372's
// additions. Those marked specific are trusted over the words of the
// reply; the others are a fallback.
var statusReasons = map[string]struct {
	reason   Reason
	specific bool
}{
	"1.1": {ReasonUserUnknown, true}, "1.2": {ReasonHostUnknown, true}, "1.3": {ReasonUserUnknown, true},
	"1.4": {ReasonUserUnknown, false}, "1.5": {ReasonUndefined, false}, "1.6": {ReasonHasMoved, true},
	"1.7": {ReasonRejected, true}, "1.8": {ReasonRejected, true}, "1.10": {ReasonHostUnknown, false},
	"2.0": {ReasonFiltered, false}, "2.1": {ReasonSuspend, true}, "2.2": {ReasonMailboxFull, true},
	"2.3": {ReasonMesgTooBig, true}, "2.4": {ReasonSystemError, false},
	"3.0": {ReasonSystemError, false}, "3.1": {ReasonSystemFull, true}, "3.2": {ReasonSystemError, false},
	"3.3": {ReasonSystemError, false}, "3.4": {ReasonMesgTooBig, true}, "3.5": {ReasonSystemError, false},
	"4.0": {ReasonNetworkError, false}, "4.1": {ReasonNetworkError, false}, "4.2": {ReasonNetworkError, false},
	"4.3": {ReasonNetworkError, false}, "4.4": {ReasonHostUnknown, false}, "4.5": {ReasonSystemError, false},
	"4.6": {ReasonSystemError, false}, "4.7": {ReasonExpired, true},
	"5.0": {ReasonSystemError, false}, "5.1": {ReasonSystemError, false}, "5.2": {ReasonSystemError, false},
	"5.3": {ReasonRateLimited, false}, "5.4": {ReasonSystemError, false}, "5.5": {ReasonSystemError, false},
	"6.0": {ReasonContentError, false}, "6.1": {ReasonContentError, false}, "6.2": {ReasonContentError, false},
	"6.3": {ReasonContentError, false}, "6.4": {ReasonContentError, false}, "6.5": {ReasonContentError, false},
	"7.0": {ReasonSecurityError, false}, "7.1": {ReasonPolicyViolation, false}, "7.2": {ReasonPolicyViolation, false},
	"7.3": {ReasonSecurityError, false}, "7.4": {ReasonSecurityError, false}, "7.5": {ReasonSecurityError, false},
	"7.6": {ReasonSecurityError, false}, "7.7": {ReasonSecurityError, false}, "7.8": {ReasonSecurityError, true},
	"7.9": {ReasonSecurityError, false}, "7.10": {ReasonSecurityError, true}, "7.11": {ReasonSecurityError, true},
	"7.13": {ReasonSuspend, true}, "7.14": {ReasonSecurityError, false}, "7.15": {ReasonSecurityError, false},
	"7.16": {ReasonMesgTooBig, false}, "7.17": {ReasonHasMoved, true}, "7.18": {ReasonHostUnknown, false},
	"7.20": {ReasonAuthFailure, true}, "7.21": {ReasonAuthFailure, true}, "7.22": {ReasonAuthFailure, true},
	"7.23": {ReasonAuthFailure, true}, "7.24": {ReasonAuthFailure, true}, "7.25": {ReasonBlocked, true},
	"7.26": {ReasonAuthFailure, true}, "7.27": {ReasonRejected, true}, "7.28": {ReasonRateLimited, true},
	"7.29": {ReasonAuthFailure, true}, "7.30": {ReasonAuthFailure, true},
}

// reasonOf decides a bounce's reason from its status, action, the server's
// reply (diagnostic) and the report's text (lower case), and says why.
//
// The order: authentication failures named in the reply first (whatever its
// code: Gmail says "550-5.7.26" and some servers "550 5.1.1" or "554 5.7.1"
// for a DMARC rejection, and a good address must never be suppressed for our
// failure); then a specific status detail; then the other phrases of the
// reply, then of the report; then the status detail as a fallback; then the
// status class and action.
func reasonOf(status, action, diagnostic, report string) (Reason, string) {
	diag := asciiLower(diagnostic)
	if _, p := firstPhrase(diag, reasonPhrases[0].phrases); p != "" {
		return ReasonAuthFailure, "the reply says " + quoteShort(p)
	}
	detail := ""
	if i := strings.IndexByte(status, '.'); i >= 0 {
		detail = status[i+1:]
	}
	sr, known := statusReasons[detail]
	if known && sr.specific {
		return sr.reason, "status " + status
	}
	// A message given up after temporary failures ("failed" with 4.x.x) has
	// expired, whatever the last failure was, unless that was ours.
	gaveUp := action == "failed" && strings.HasPrefix(status, "4.")
	for _, src := range []struct{ name, text string }{{"reply", diag}, {"report", report}} {
		if src.text == "" {
			continue
		}
		for _, g := range reasonPhrases {
			if _, p := firstPhrase(src.text, g.phrases); p != "" {
				if gaveUp && g.reason.Side() != SideSender {
					return ReasonExpired, "given up after temporary failures (status " + status + ", the " + src.name + " says " + quoteShort(p) + ")"
				}
				return g.reason, "the " + src.name + " says " + quoteShort(p)
			}
		}
	}
	switch {
	case gaveUp:
		return ReasonExpired, "given up after temporary failures (status " + status + ")"
	case known:
		return sr.reason, "status " + status
	case action == "delayed" || strings.HasPrefix(status, "4."):
		return ReasonOnHold, "a temporary failure that says nothing more"
	}
	return ReasonUndefined, "nothing says why"
}

// Repeats are an address's earlier bounces of SuppressRepeated reasons, from
// the ledger: how many, and in how many campaigns.
type Repeats struct{ Bounces, Campaigns int }

// Decision is what one bounce or complaint does to the suppression list.
type Decision struct {
	Suppress bool
	Policy   Policy
	// Why is the reason the suppression list keeps, or why the address
	// stays: for a sender-side reason, the problem of ours to report.
	Why string
}

// DecideSuppression applies the suppression policy to one bounce (or
// complaint) of reason r, permanent or not, with reply the server's words:
// before are the address's earlier repeats, this bounce not included, and
// campaignIsNew says whether this bounce's campaign is not among theirs.
// It is the one place the support-inbox run asks whether to suppress.
func DecideSuppression(r Reason, permanent bool, before Repeats, campaignIsNew bool, reply string) Decision {
	p := SuppressionPolicy(r, permanent)
	d := Decision{Policy: p}
	switch p {
	case SuppressNow:
		d.Suppress = true
		d.Why = string(r)
	case SuppressNever:
		d.Why = fmt.Sprintf("%s: a problem of ours (%s side), the address stays", r, r.Side())
	default:
		n, c := before.Bounces+1, before.Campaigns
		if campaignIsNew {
			c++
		}
		d.Suppress = SuppressAfterRepeats(n, c)
		d.Why = fmt.Sprintf("%s, %d times in %d campaigns", r, n, c)
	}
	if reply != "" {
		d.Why += ": " + reply
	}
	return d
}

// Package msgid makes and reads the Message-IDs of announce's notices: the
// one place that knows their shape, campaign.notice.instance.hash@domain.
//
// Campaign and instance are lower-case letters, digits, - and _ (config
// refuses anything else, and never a dot); notice is the plain notice name
// (a second reschedule differs through the hash, not the name), and hash is
// hex, derived from the recipient so the id does not spread their address.
// A rerun after a crash resends with the same id, so receivers, and the
// support inbox's matching, can tell.
package msgid

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Notices are the notice names a Message-ID may carry: the four scheduled
// notices and the two of a change of plan (config.AllNotices).
var Notices = []string{"announce", "reminder", "start", "done", "reschedule", "cancel"}

// Ref is what a Message-ID says about its message.
type Ref struct {
	Campaign, Notice, Instance string
}

// Make returns the Message-ID (without angle brackets) of notice r to the
// recipient with recipientKey (the normalised address), from domain. seq
// numbers the reschedules of a window (0 for every other notice): the
// second reschedule to a reader is another message than the first.
func Make(r Ref, recipientKey string, seq int, domain string) string {
	if seq > 0 {
		recipientKey = fmt.Sprintf("%s#%d", recipientKey, seq)
	}
	h := sha256.Sum256([]byte(recipientKey))
	return fmt.Sprintf("%s.%s.%s.%s@%s", r.Campaign, r.Notice, r.Instance, hex.EncodeToString(h[:10]), domain)
}

// Parse tells campaign, notice and instance from one of our Message-IDs,
// with or without angle brackets, in any case; ok is false for any other.
// It is parsed by hand: it runs on every candidate found in a bounce, and a
// pattern with counted repetitions costs too much on hostile text.
func Parse(id string) (r Ref, ok bool) {
	id = strings.ToLower(strings.Trim(strings.TrimSpace(id), "<>"))
	local, domain, found := strings.Cut(id, "@")
	if !found || len(local) > 256 || domain == "" || len(domain) > 253 || !ValidDomain(domain) {
		return Ref{}, false
	}
	parts := strings.Split(local, ".")
	if len(parts) != 4 || !isKey(parts[0]) || !slices.Contains(Notices, parts[1]) || !isKey(parts[2]) || !isHex(parts[3]) {
		return Ref{}, false
	}
	return Ref{Campaign: parts[0], Notice: parts[1], Instance: parts[2]}, true
}

func isKey(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	if len(s) < 8 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// ValidDomain reports whether d reads as a mail domain: two or more
// non-empty labels of at most 63 octets, none starting or ending with "-",
// and a last label of two letters or more (inbox uses it for addresses it
// finds in text, too).
func ValidDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 || len(labels[len(labels)-1]) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
	}
	return true
}

package forum

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// MaxExternalIDLength is Discourse's limit on a topic's external_id
// (Topic::EXTERNAL_ID_MAX_LENGTH in app/models/topic.rb).
const MaxExternalIDLength = 50

// externalIDFormat is the format app/models/topic.rb validates external_id
// with, /\A[\w-]+\z/ (Ruby's \w without the u flag is ASCII), and that the
// route /t/external_id/:external_id accepts. Discourse compares external
// ids case-insensitively.
var externalIDFormat = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func checkExternalID(id string) error {
	if len(id) > MaxExternalIDLength || !externalIDFormat.MatchString(id) {
		return fmt.Errorf("external id %q: want 1 to %d of A-Z a-z 0-9 _ -", id, MaxExternalIDLength)
	}
	return nil
}

// ExternalID is the external_id of a campaign's topic on an instance's
// forum: "ofn-v2-2019_katuma". It is a pure function of its arguments, so
// every run finds the topic an earlier run created, and it always fits
// Discourse (at most 50 of [a-z0-9_-]; lower case, as Discourse ignores
// case). When the readable form would lose something — characters Discourse
// refuses, upper case, length — 8 hex digits of a SHA-256 of both
// arguments follow, so that different pairs never share a topic:
// "ofn-v2-2019_ofn-uk_1f0c2a9b". The readable parts never contain "_",
// which keeps "a-b"+"c" apart from "a"+"b-c".
func ExternalID(campaign, instance string) string {
	c, cExact := idPart(campaign)
	i, iExact := idPart(instance)
	if cExact && iExact && len(c)+1+len(i) <= MaxExternalIDLength {
		return c + "_" + i
	}
	sum := sha256.Sum256([]byte(campaign + "\x00" + instance))
	suffix := "_" + hex.EncodeToString(sum[:4])
	room := MaxExternalIDLength - len(suffix) - 1 // one "_" between c and i
	// Keep as much of both as fits, the instance first: campaigns are
	// few and long, instances many and short.
	i = i[:min(len(i), max(room/2, room-len(c)))]
	c = c[:min(len(c), room-len(i))]
	return strings.Trim(c, "-") + "_" + strings.Trim(i, "-") + suffix
}

// idPart maps s to [a-z0-9-], in lower case; runs of anything else become
// one "-". exact reports
// whether that lost nothing.
func idPart(s string) (part string, exact bool) {
	var b strings.Builder
	exact = s != ""
	dash := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r - 'A' + 'a')
			dash = false
			exact = false
		case r == '-':
			b.WriteRune(r)
			dash = true
		default:
			exact = false
			if !dash {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return b.String(), exact
}

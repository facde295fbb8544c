package forum_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/openfoodfoundation/announce/internal/forum"
)

// Discourse's rule for external_id (app/models/topic.rb).
var discourseExternalID = regexp.MustCompile(`^[\w-]{1,50}$`)

func TestExternalID(t *testing.T) {
	long := strings.Repeat("campaign-", 8)
	tests := []struct {
		campaign, instance string
		want               string // "" to check only the rules
	}{
		{"ofn-v2-2019", "katuma", "ofn-v2-2019_katuma"},
		{"ofn-v2-2019", "uk", "ofn-v2-2019_uk"},
		{"OFN-v2-2019", "katuma", ""},       // upper case: hashed
		{"ofn v2 (2019)", "katuma", ""},     // refused characters: hashed
		{"ofn_v2", "katuma", ""},            // "_" is the separator: hashed
		{long, "katuma", ""},                // too long: cut and hashed
		{long, strings.Repeat("x", 60), ""}, // both too long
		{"", "", ""},                        // still a valid id
		{"ofn-v2-2019", "française", ""},    // non-ASCII: hashed
	}
	seen := map[string]string{}
	for _, tt := range tests {
		got := forum.ExternalID(tt.campaign, tt.instance)
		if again := forum.ExternalID(tt.campaign, tt.instance); again != got {
			t.Errorf("ExternalID(%q, %q) = %q then %q, want stable", tt.campaign, tt.instance, got, again)
		}
		if tt.want != "" && got != tt.want {
			t.Errorf("ExternalID(%q, %q) = %q, want %q", tt.campaign, tt.instance, got, tt.want)
		}
		if !discourseExternalID.MatchString(got) || got != strings.ToLower(got) {
			t.Errorf("ExternalID(%q, %q) = %q (%d), want 1 to 50 of [a-z0-9_-]", tt.campaign, tt.instance, got, len(got))
		}
		if prev, ok := seen[strings.ToLower(got)]; ok {
			t.Errorf("ExternalID(%q, %q) = %q, the same as for %s", tt.campaign, tt.instance, got, prev)
		}
		seen[strings.ToLower(got)] = tt.campaign + "/" + tt.instance
	}
	// Pairs that a plain join would confuse.
	pairs := [][2][2]string{
		{{"a-b", "c"}, {"a", "b-c"}},
		{{"ofn.v2", "uk"}, {"ofn-v2", "uk"}},
		{{"OFN", "uk"}, {"ofn", "uk"}},
		{{long + "a", "uk"}, {long + "b", "uk"}},
	}
	for _, p := range pairs {
		a, b := forum.ExternalID(p[0][0], p[0][1]), forum.ExternalID(p[1][0], p[1][1])
		if strings.EqualFold(a, b) {
			t.Errorf("ExternalID(%q, %q) = ExternalID(%q, %q) = %q", p[0][0], p[0][1], p[1][0], p[1][1], a)
		}
	}
}

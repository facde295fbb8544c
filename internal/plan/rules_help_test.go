package plan

import (
	"regexp"
	"strings"
	"testing"
)

// TestRulesHelp: the help names every rule with its severity, once, in the
// table's own column layout.
func TestRulesHelp(t *testing.T) {
	for _, r := range rules {
		re := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(string(r.name)) + ` +` + string(r.severity) + ` +\S`)
		if n := len(re.FindAllString(RulesHelp, -1)); n != 1 {
			t.Errorf("RulesHelp has %d lines for rule %s (%s), want 1", n, r.name, r.severity)
		}
	}
	if n := strings.Count(RulesHelp, "\n  ") - strings.Count(RulesHelp, "\n   "); n+1 != len(rules) {
		t.Errorf("RulesHelp lists %d rules, want %d", n+1, len(rules))
	}
}

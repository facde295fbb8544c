package site

import (
	"regexp"
	"strings"
	"testing"
)

// TestLayoutHelp: every file the help lists is built, and every file built
// is listed.
func TestLayoutHelp(t *testing.T) {
	var patterns []*regexp.Regexp
	var listed []string
	for _, line := range strings.Split(LayoutHelp, "\n") {
		if !strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "   ") {
			continue // a continuation of the line above
		}
		path := strings.Fields(line)[0]
		listed = append(listed, path)
		q := regexp.QuoteMeta(path)
		q = strings.NewReplacer("KEY", "[a-z0-9_-]+", "LOCALE", "[A-Za-z-]+").Replace(q)
		patterns = append(patterns, regexp.MustCompile("^"+q+"$"))
	}
	names := build(t, shippedInput(t, june13)).Names()
	for i, re := range patterns {
		found := false
		for _, n := range names {
			found = found || re.MatchString(n)
		}
		if !found {
			t.Errorf("LayoutHelp lists %s, which Build does not write", listed[i])
		}
	}
	for _, n := range names {
		found := false
		for _, re := range patterns {
			found = found || re.MatchString(n)
		}
		if !found {
			t.Errorf("Build writes %s, which LayoutHelp does not list", n)
		}
	}
}

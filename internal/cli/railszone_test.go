package cli

import (
	"strings"
	"testing"
)

// A Rails zone name, as OFN operators write it, works for --operator-tz and
// is shown back as the IANA zone Rails maps it to.
func TestOperatorTZRailsName(t *testing.T) {
	chdirRoot(t)
	code, stdout, stderr := runPlanCLI(t, "--operator-tz", "Eastern Time (US & Canada)")
	if code != 0 || stderr != "" || !strings.Contains(stdout, "OPERATOR (America/New_York)") ||
		!strings.Contains(stdout, "  window starts   Tue 2019-05-07 09:00 CEST  2019-05-07 07:00Z  Tue 2019-05-07 03:00 EDT\n") {
		t.Errorf("plan --operator-tz \"Eastern Time (US & Canada)\": exit %d, stderr %q\n%s", code, stderr, stdout)
	}
}

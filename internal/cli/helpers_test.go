package cli

import (
	"os"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// withoutLedgerLine drops the line naming the ledger (state.go's say), for
// tests about other output.
func withoutLedgerLine(stderr string) string {
	lines := strings.SplitAfter(stderr, "\n")
	out := lines[:0]
	for _, l := range lines {
		if !strings.HasPrefix(l, "ledger: ") && !strings.HasPrefix(l, "no ledger at ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

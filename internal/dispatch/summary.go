package dispatch

import (
	"fmt"
	"strings"

	"github.com/openfoodfoundation/announce/internal/english"
)

// Summary says what executing p would send, one line per notice (with its
// census and window), and how many messages that is in all: what a person
// confirms before a send.
func (p *Plan) Summary() (lines string, total int) {
	var b strings.Builder
	for _, np := range p.Notices {
		job := np.Job()
		total += np.Census.Total - np.AlreadySent
		fmt.Fprintf(&b, "  %s %s notice: %s (%d already sent), window %s\n",
			job.Instance.Key, job.Notice, english.Count("recipients", np.Census.Total), np.AlreadySent, WindowLine(job.Window, job.Instance))
	}
	return b.String(), total
}

// Forced says, for each notice the timing guard refused and --force
// overrode, that it is sent anyway and why the guard refused it.
func (p *Plan) Forced() []string {
	var out []string
	for _, np := range p.Notices {
		if np.Guard.Refused() && np.Guard.Forced {
			job := np.Job()
			out = append(out, fmt.Sprintf("%s %s notice: sending despite the timing guard (--force, recorded in the ledger): %s", job.Instance.Key, job.Key(), np.Guard.Refusal))
		}
	}
	return out
}

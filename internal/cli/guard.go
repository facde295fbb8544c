package cli

import (
	"fmt"
	"io"

	"github.com/openfoodfoundation/announce/internal/dispatch"
)

// printGuard is the dry run's account of the timing guard: when the notice
// is due and what a send by hand would do now.
func printGuard(w io.Writer, np *dispatch.NoticePlan) {
	g := np.Guard
	fmt.Fprintf(w, "timing:     %s\n", g.Timing)
	switch {
	case !g.Refused():
		fmt.Fprintf(w, "by hand:    may go now\n")
	case g.Forced:
		fmt.Fprintf(w, "by hand:    refused now (%s); --force sends it anyway, and the ledger records that\n", g.Refusal)
	default:
		fmt.Fprintf(w, "by hand:    refused now: %s (--force sends it anyway)\n", g.Refusal)
	}
}

// warnForced says, before a forced send, what the guard would have refused.
func warnForced(env *Env, p *dispatch.Plan) {
	for _, np := range p.Notices {
		if np.Guard.Refused() && np.Guard.Forced {
			job := np.Job()
			fmt.Fprintf(env.Stderr, "%s %s notice: sending despite the timing guard (--force, recorded in the ledger): %s\n", job.Instance.Key, job.Key(), np.Guard.Refusal)
		}
	}
}

package cli

import (
	"fmt"

	"github.com/openfoodfoundation/announce/internal/dispatch"
)

// warnForced says, before a forced send, what the guard would have refused.
func warnForced(env *Env, p *dispatch.Plan) {
	for _, np := range p.Notices {
		if np.Guard.Refused() && np.Guard.Forced {
			job := np.Job()
			fmt.Fprintf(env.Stderr, "%s %s notice: sending despite the timing guard (--force, recorded in the ledger): %s\n", job.Instance.Key, job.Key(), np.Guard.Refusal)
		}
	}
}

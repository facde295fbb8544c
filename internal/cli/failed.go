package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/dispatch"
)

type retryOptions struct {
	paths    *paths
	state    *stateFlag
	failed   bool
	instance string
	notice   string
}

// newRetryCmd is `announce retry --failed`: permanent failures become
// sendable again, on purpose (the server's refusal was fixed).
func newRetryCmd(env *Env, p *paths, state *stateFlag) *cobra.Command {
	opts := &retryOptions{paths: p, state: state}
	cmd := &cobra.Command{
		Use:   "retry --failed [--instance KEY] [--notice NOTICE]",
		Short: "Make permanent failures sendable again (after fixing their cause)",
		Long: `retry --failed turns the deliveries that failed permanently (a 5xx reply, listed by
announce status --failed) back into pending ones, keeping their Message-ID. The next send
of that notice (announce --instance KEY --notice NOTICE) tries them again. Nothing is sent
by retry itself.
` + exitHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !opts.failed {
				return usageError("retry: say what to retry: --failed")
			}
			_, sched, _, err := opts.paths.load()
			if err != nil {
				return err
			}
			s := dispatch.Scope{Campaign: sched.Campaign, Instance: opts.instance}
			if opts.notice != "" {
				n, err := config.ParseNotice(opts.notice)
				if err != nil {
					return usageError("--notice: %v", err)
				}
				s.Notice = string(n)
			}
			l, err := opts.state.open(cmd.Context())
			if err != nil {
				return err
			}
			defer l.Close()
			n, err := dispatch.RetryFailed(cmd.Context(), l, s)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "%d permanent failures are pending again; send the notice to try them\n", n)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.failed, "failed", false, "the permanent failures")
	f.StringVar(&opts.instance, "instance", "all", "only this instance")
	f.StringVar(&opts.notice, "notice", "", "only this notice")
	return cmd
}

package cli

import (
	"context"
	"fmt"

	"github.com/openfoodfoundation/announce/internal/dispatch"
)

// dryRun previews the plan — every message built as a send would build it,
// and with out written there — and prints it.
func dryRun(ctx context.Context, env *Env, p *dispatch.Plan, out, format string) error {
	pv, err := p.Preview(ctx, dispatch.PreviewOptions{Now: env.Now(), Out: out})
	if err != nil {
		return err
	}
	if err := pv.Write(env.Stdout, format); err != nil {
		return err
	}
	if out != "" {
		fmt.Fprintf(env.Stderr, "wrote the messages to %s\n", out)
	}
	return nil
}

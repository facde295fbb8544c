package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/site"
)

type maintenanceOptions struct {
	paths    *paths
	state    *stateFlag
	instance string
	out      string
}

func newMaintenanceCmd(env *Env, p *paths, state *stateFlag) *cobra.Command {
	opts := &maintenanceOptions{paths: p, state: state}
	cmd := &cobra.Command{
		Use:   "maintenance-page --instance KEY [--out DIR]",
		Short: "Write the page an instance shows while it is down, one file per offered locale",
		Long: `maintenance-page writes DIR/LOCALE.html for every locale the instance offers (default DIR:
maintenance/KEY): the page the web server shows during the window instead of the site — that
maintenance is on, the expected end in the instance's time, when it should be back at the
latest, and how to reach support, in the reader's language, with links to the other languages.
The page is self-contained (no script, no image, no style sheet to fetch) and reloads itself
every five minutes.
` + exitHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runMaintenance(cmd.Context(), env, opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.instance, "instance", "", "instance key (required)")
	f.StringVar(&opts.out, "out", "", "directory to write into (default maintenance/KEY)")
	return cmd
}

func runMaintenance(ctx context.Context, env *Env, opts *maintenanceOptions) error {
	if opts.instance == "" {
		return usageError("maintenance-page: --instance is required")
	}
	in, err := siteInput(ctx, env, opts.paths, opts.state, "")
	if err != nil {
		return err
	}
	if _, ok := in.Instances.Instances[opts.instance]; !ok {
		return usageError("unknown instance %q (known: %v)", opts.instance, in.Instances.Keys())
	}
	files, err := site.Maintenance(in, opts.instance)
	if err != nil {
		return badInput(err)
	}
	out := opts.out
	if out == "" {
		out = "maintenance/" + opts.instance
	}
	if err := files.Write(out); err != nil {
		return err
	}
	for _, name := range files.Names() {
		fmt.Fprintln(env.Stdout, out+"/"+name)
	}
	return nil
}

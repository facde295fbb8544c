package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/english"
	"github.com/openfoodfoundation/announce/internal/site"
)

type siteOptions struct {
	paths   *paths
	state   *stateFlag
	out     string
	now     string
	baseURL string
}

func newSiteCmd(env *Env, p *paths, state *stateFlag) *cobra.Command {
	opts := &siteOptions{paths: p, state: state}
	cmd := &cobra.Command{
		Use:   "site --out DIR [--state LEDGER] [--now RFC3339] [--base-url URL]",
		Short: "Build the static status site: a page, an Atom feed and a calendar per instance and language, and the rollout's timeline",
		Long: `site writes a static site under DIR, for any static web server (no script, no server code):

` + site.LayoutHelp + `
Which notices went out comes from the ledger (--state, default as for due), read only; when
there is no ledger at the default path the site shows the schedule alone. --base-url makes the
feeds' links absolute. Nothing is written when any input is bad.
` + exitHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runSite(cmd.Context(), env, opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.out, "out", "", "directory to write the site into (required)")
	f.StringVar(&opts.now, "now", "", "build as at this moment (RFC 3339): what is upcoming, in progress or completed")
	f.StringVar(&opts.baseURL, "base-url", "", "where the site is published (https://status.example.org/), for absolute links in the feeds")
	return cmd
}

func runSite(ctx context.Context, env *Env, opts *siteOptions) error {
	if opts.out == "" {
		return usageError("site: --out DIR is required")
	}
	start := time.Now()
	in, err := siteInput(ctx, env, opts.paths, opts.state, opts.now)
	if err != nil {
		return err
	}
	in.BaseURL = opts.baseURL
	files, err := site.Build(in)
	if err != nil {
		return badInput(err)
	}
	if err := files.Write(opts.out); err != nil {
		return err
	}
	n, size := files.Size()
	fmt.Fprintf(env.Stderr, "site: %s, %d bytes in %s (%s)\n", english.Count("files", n), size, opts.out, time.Since(start).Round(time.Millisecond))
	return nil
}

// siteInput loads what the site and the maintenance pages are built from
// (site.Load); the ledger only when it exists (an explicit --state must).
func siteInput(ctx context.Context, env *Env, p *paths, state *stateFlag, nowFlag string) (site.Input, error) {
	now, err := parseNow(env, nowFlag)
	if err != nil {
		return site.Input{}, err
	}
	inst, sched, r, err := p.load()
	if err != nil {
		return site.Input{}, err
	}
	l, err := state.openExisting(ctx)
	if err != nil {
		return site.Input{}, err
	}
	if l == nil && state.path != "" {
		return site.Input{}, badInput(fmt.Errorf("--state %s: no such ledger", state.path))
	}
	defer closeLedger(l)
	return site.Load(ctx, l, inst, sched, r, p.templates, now)
}

package site

import (
	"context"
	"os"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/render"
)

// Load gathers what the site and the maintenance pages are built from: the
// configuration, the templates under templatesDir (read from disk, so that
// operators edit them without rebuilding) and, from l, what went out. With
// l nil (no ledger) the site shows the schedule alone. l is only read.
func Load(ctx context.Context, l *ledger.Ledger, inst *config.Instances, sched *config.Schedule, r *render.Renderer, templatesDir string, now time.Time) (Input, error) {
	in := Input{Instances: inst, Schedule: sched, Renderer: r, Templates: os.DirFS(templatesDir), TemplatesDir: templatesDir, Now: now}
	if l == nil {
		return in, nil
	}
	var err error
	in.History, err = ReadHistory(ctx, l, sched.Campaign, inst.Keys())
	return in, err
}

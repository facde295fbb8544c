package dispatch

import (
	"os"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/render"
)

// Files are the inputs every notice is made from, relative to the working
// directory: the instances and schedule files, the templates and the locale
// files.
type Files struct{ Instances, Schedule, Templates, Locales string }

// Load reads the configuration, templates and locales: every input error is
// found here, before any output. A template or locale problem is an
// *InputError, as a configuration problem is config.ErrInvalid.
func (f Files) Load() (*config.Instances, *config.Schedule, *render.Renderer, error) {
	inst, err := config.LoadInstances(f.Instances)
	if err != nil {
		return nil, nil, nil, err
	}
	sched, err := config.LoadSchedule(f.Schedule, inst)
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := render.New(os.DirFS(f.Templates), f.Templates, os.DirFS(f.Locales), f.Locales)
	if err != nil {
		return nil, nil, nil, inputError(err)
	}
	return inst, sched, r, nil
}

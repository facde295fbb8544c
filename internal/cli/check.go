package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/recipients"
	"github.com/openfoodfoundation/announce/internal/render"
)

func newCheckCmd(env *Env, p *paths) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Validate instances, schedule, templates, locales and recipients; send nothing",
		Long: `check reads everything announce would use and prints every problem as
"file:line: message": the instances and schedule files; every template, rendered for
every notice × locale × instance; the locale files (the same messages in each); and every
instance's recipients file. It exits 0 only when there is no problem.
` + exitHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n := runCheck(env.Stdout, p)
			if n > 0 {
				return badInput(fmt.Errorf("check found %d problem(s)", n))
			}
			fmt.Fprintln(env.Stderr, "check: no problems")
			return nil
		},
	}
}

// runCheck prints every problem it finds and returns how many.
func runCheck(w io.Writer, p *paths) int {
	count := 0
	report := func(err error) {
		for _, e := range flatten(err) {
			fmt.Fprintln(w, e)
			count++
		}
	}
	inst, err := config.LoadInstances(p.instances)
	report(err)
	var sched *config.Schedule
	if inst != nil {
		sched, err = config.LoadSchedule(p.schedule, inst)
		report(err)
	}
	r, err := render.New(os.DirFS(p.templates), p.templates, os.DirFS(p.locales), p.locales)
	report(err)
	if r != nil {
		report(checkLocaleKeys(r.Catalog()))
	}
	if inst == nil {
		return count
	}
	if sched != nil {
		// The planner's errors (busy day, blackout, short notice, untested
		// release); its warnings are for announce plan.
		report(errors.Join(planProblems(inst, sched, time.Now())...))
	}
	for _, key := range inst.Keys() {
		in := inst.Instances[key]
		var prep *render.Prepared
		if r != nil && sched != nil {
			w, ok := sched.Window(key)
			if !ok {
				continue // not part of this rollout
			}
			for _, n := range config.AllNotices {
				job := render.Job{Schedule: sched, Instance: in, Window: w, Notice: n}
				if n == config.Reschedule || n == config.Cancel {
					// As if readers had been told of a window a week earlier.
					job.Previous = &render.Span{Start: w.Begin().AddDate(0, 0, -7), End: w.End().AddDate(0, 0, -7), Latest: w.LatestEnd().AddDate(0, 0, -7)}
				}
				pr, err := checkRender(r, job)
				report(err)
				if pr != nil {
					prep = pr
				}
			}
		}
		report(checkRecipients(in, prep))
		report(checkSending(w, inst, in))
	}
	return count
}

// checkRender prepares one notice and renders it for a reader with a name and
// one without, in every locale, plus the forum post.
func checkRender(r *render.Renderer, job render.Job) (*render.Prepared, error) {
	p, err := r.Prepare(job)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, ed := range p.Editions() {
		for _, name := range []string{"", "Ana Puig"} {
			if _, err := p.Render(recipients.Recipient{Email: "check@example.test", Name: name, Locale: ed.Locale()}); err != nil {
				errs = append(errs, err)
			}
		}
		if _, err := p.Forum(ed); err != nil {
			errs = append(errs, err)
		}
	}
	return p, errors.Join(errs...)
}

func checkRecipients(in *config.Instance, p *render.Prepared) error {
	if p == nil {
		// No window to render: still read the file for bad rows.
		rd, err := recipients.Open(in.Recipients)
		if err != nil {
			return err
		}
		defer rd.Close()
		var errs []error
		for {
			_, err := rd.Next()
			if err == io.EOF {
				return errors.Join(errs...)
			}
			var bad *recipients.RowError
			if !errors.As(err, &bad) && err != nil {
				return err
			}
			errs = append(errs, err)
		}
	}
	c, err := dispatch.TakeCensus(p, in.Recipients)
	if err != nil {
		return err
	}
	errs := make([]error, len(c.Invalid))
	for i, bad := range c.Invalid {
		errs[i] = bad
	}
	return errors.Join(errs...)
}

// checkLocaleKeys reports every message that some locale files have and
// others lack: a reader must never get English because a key is missing.
func checkLocaleKeys(c *render.Catalog) error {
	langs := c.Langs()
	has := map[string][]string{} // id → files that have it
	for _, l := range langs {
		for _, id := range l.IDs() {
			has[id] = append(has[id], l.File)
		}
	}
	ids := make([]string, 0, len(has))
	for id := range has {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var errs []error
	for _, l := range langs {
		for _, id := range ids {
			if !slices.Contains(l.IDs(), id) {
				errs = append(errs, fmt.Errorf("%s: message %q is missing (%s has it)", l.File, id, has[id][0]))
			}
		}
	}
	return errors.Join(errs...)
}

// flatten lists the leaves of joined errors, one per problem.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

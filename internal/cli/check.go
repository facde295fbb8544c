package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/dispatch"
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
			n, fault := runCheck(cmd.Context(), env, p)
			if n > 0 && fault {
				return fmt.Errorf("check found %d problem(s); a database could not be read", n) // exit 1
			}
			if n > 0 {
				return badInput(fmt.Errorf("check found %d problem(s)", n))
			}
			fmt.Fprintln(env.Stderr, "check: no problems")
			return nil
		},
	}
}

// runCheck prints every problem it finds and returns how many, and whether
// one was a database that could not be read (a failure, not bad input).
func runCheck(ctx context.Context, env *Env, p *paths) (count int, fault bool) {
	w := env.Stdout
	report := func(err error) {
		for _, e := range flatten(err) {
			fmt.Fprintln(w, e)
			count++
			fault = fault || databaseFault(e)
		}
	}
	inst, err := config.LoadInstances(p.instances)
	report(err)
	var sched *config.Schedule
	if inst != nil {
		sched, err = config.LoadSchedule(p.schedule, inst)
		report(err)
		if sched != nil {
			for _, warn := range sched.Warnings {
				fmt.Fprintf(w, "%s (warning)\n", warn)
			}
		}
	}
	r, err := render.New(os.DirFS(p.templates), p.templates, os.DirFS(p.locales), p.locales)
	report(err)
	if r != nil {
		report(r.Catalog().MissingMessages())
	}
	if inst == nil {
		return count, fault
	}
	report(useDatabases(ctx, env, inst, sched, inst.Keys()))
	if sched != nil {
		// The planner's errors (busy day, blackout, short notice, untested
		// release, live order cycles); its warnings are for announce plan.
		cycles, err := liveOrderCycles(ctx, env, inst, sched)
		report(err)
		report(errors.Join(planProblemsWith(inst, sched, time.Now(), cycles)...))
	}
	report(dispatch.Check(inst, sched, r))
	for _, warn := range dispatch.CheckWarnings(inst) {
		fmt.Fprintln(w, warn)
	}
	for _, warn := range dispatch.SendingWarnings(inst, sched) {
		fmt.Fprintln(w, warn)
	}
	return count, fault
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

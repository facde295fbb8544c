package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/connect"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/render"
)

func newCheckCmd(env *Env, p *paths) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "check [--format text|json]",
		Short: "Validate instances, schedule, templates, locales and recipients; send nothing",
		Long: `check reads everything announce would use and prints every problem as
"file:line: message": the instances and schedule files; every template, rendered for
every notice × locale × instance; the locale files (the same messages in each); and every
instance's recipients file. It exits 0 only when there is no problem.
` + exitHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat("announce check", format); err != nil {
				return err
			}
			c := runCheck(cmd.Context(), env, p)
			if err := c.write(env.Stdout, format); err != nil {
				return err
			}
			n := len(c.Problems)
			if n > 0 && c.fault {
				return fmt.Errorf("check found %s; a database could not be read", count("problems", n)) // exit 1
			}
			if n > 0 {
				return badInput(fmt.Errorf("check found %s", count("problems", n)))
			}
			fmt.Fprintln(env.Stderr, "check: no problems")
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text or json (one object: problems and warnings)")
	return cmd
}

// checkResult is what check found: with --format json, this object.
type checkResult struct {
	Problems []string `json:"problems"` // "file:line: message"
	Warnings []string `json:"warnings"`
	fault    bool     // a database could not be read
	lines    []string // in the order found, warnings marked, for text
}

func (c *checkResult) write(w io.Writer, format string) error {
	if format == "json" {
		return newEncoder(w).Encode(c)
	}
	for _, l := range c.lines {
		fmt.Fprintln(w, l)
	}
	return nil
}

// runCheck finds every problem it can in one pass, and whether one was a
// database that could not be read (a failure, not bad input).
func runCheck(ctx context.Context, env *Env, p *paths) *checkResult {
	c := &checkResult{Problems: []string{}, Warnings: []string{}}
	seen := map[string]bool{} // a database's error comes from the census and the planner
	report := func(err error) {
		for _, e := range flatten(err) {
			if s := e.Error(); !seen[s] {
				seen[s] = true
				c.Problems, c.lines = append(c.Problems, s), append(c.lines, s)
				c.fault = c.fault || connect.DatabaseFault(e)
			}
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
				c.Warnings, c.lines = append(c.Warnings, warn.Error()), append(c.lines, fmt.Sprintf("%s (warning)", warn))
			}
		}
	}
	r, err := render.New(os.DirFS(p.templates), p.templates, os.DirFS(p.locales), p.locales)
	report(err)
	if r != nil {
		report(r.Catalog().MissingMessages())
	}
	if inst == nil {
		return c
	}
	report(useDatabases(ctx, env, inst, sched, inst.Keys()))
	if sched != nil {
		// The planner's errors (busy day, blackout, short notice, untested
		// release, live order cycles); its warnings are for announce plan.
		cycles, err := conn(env).LiveOrderCycles(ctx, inst, sched)
		report(err)
		report(errors.Join(planProblemsWith(inst, sched, time.Now(), cycles)...))
	}
	report(dispatch.Check(inst, sched, r))
	return c
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

// Package check reads everything announce would use and lists every problem
// it finds in one pass — "file:line: message" — without sending anything:
// what announce check prints.
package check

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/connect"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/plan"
	"github.com/openfoodfoundation/announce/internal/render"
)

// Files are what check reads: what every notice is made from.
type Files = dispatch.Files

// Result is what check found: with --format json, this object.
type Result struct {
	Problems []string `json:"problems"` // "file:line: message"
	Warnings []string `json:"warnings"`
	Fault    bool     `json:"-"` // a database could not be read: a failure, not bad input
	lines    []string // in the order found, warnings marked, for text
}

// WriteText writes a line per problem, then per warning ("… (warning)"),
// in the order found.
func (c *Result) WriteText(w io.Writer) error {
	for _, l := range c.lines {
		if _, err := fmt.Fprintln(w, l); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON writes c as one JSON object.
func (c *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(c)
}

// Run finds every problem it can in one pass, as at now: in the instances
// and schedule files, the templates and locales, the planner's rules (with
// the live order cycles of the instances' databases) and every instance's
// recipients.
func Run(ctx context.Context, conn connect.Env, f Files, now time.Time) *Result {
	c := &Result{Problems: []string{}, Warnings: []string{}}
	seen := map[string]bool{} // a database's error comes from the census and the planner
	report := func(err error) {
		for _, e := range Flatten(err) {
			if s := e.Error(); !seen[s] {
				seen[s] = true
				c.Problems, c.lines = append(c.Problems, s), append(c.lines, s)
				c.Fault = c.Fault || connect.DatabaseFault(e)
			}
		}
	}
	inst, err := config.LoadInstances(f.Instances)
	report(err)
	var sched *config.Schedule
	if inst != nil {
		sched, err = config.LoadSchedule(f.Schedule, inst)
		report(err)
		if sched != nil {
			for _, warn := range sched.Warnings {
				c.Warnings, c.lines = append(c.Warnings, warn.Error()), append(c.lines, fmt.Sprintf("%s (warning)", warn))
			}
		}
	}
	r, err := render.New(os.DirFS(f.Templates), f.Templates, os.DirFS(f.Locales), f.Locales)
	report(err)
	if r != nil {
		report(r.Catalog().MissingMessages())
	}
	if inst == nil {
		return c
	}
	report(conn.UseDatabases(ctx, inst, sched, inst.Keys()))
	if sched != nil {
		// The planner's errors (busy day, blackout, short notice, untested
		// release, live order cycles); its warnings are for announce plan.
		cycles, err := conn.LiveOrderCycles(ctx, inst, sched)
		report(err)
		report(errors.Join(plan.Make(inst, sched, plan.Options{Now: now, OrderCycles: cycles}).Problems()...))
	}
	report(dispatch.Check(inst, sched, r))
	// Written as they are: each says "warning" itself.
	for _, warn := range append(dispatch.CheckWarnings(inst), dispatch.SendingWarnings(inst, sched)...) {
		c.Warnings, c.lines = append(c.Warnings, warn), append(c.lines, warn)
	}
	return c
}

// Flatten lists the leaves of joined errors, one per problem.
func Flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Flatten(e)...)
		}
		return out
	}
	return []error{err}
}

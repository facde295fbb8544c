// Package plan checks a rollout's maintenance windows against what each
// instance and operator can live with — busy weekdays, blackouts, support on
// hand, the notice users get, the operator's working hours and other windows,
// the release's testing — says which rule each window breaks and why, and
// suggests the nearest later slot of the same length that breaks none.
//
// A window is checked from its start to its latest end (expected end plus
// the possible extra time): that is how long users may be without the site.
package plan

import (
	"cmp"
	"slices"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/timing"
)

// Step and Horizon bound the search for a better slot: every half hour
// after the window's start, for 60 days.
const (
	Step    = 30 * time.Minute
	Horizon = 60 * 24 * time.Hour
)

// Severity says whether a broken rule stops the plan (Error: exit 1) or is
// a judgment call someone may accept (Warning).
type Severity string

// Severities.
const (
	Warning Severity = "warning"
	Error   Severity = "error"
)

// Rule names a check; findings and messages carry it.
type Rule string

// The rules, in the order they are checked and reported.
const (
	RuleBusyWeekday     Rule = "busy-weekday"     // error: the window falls on one of the instance's busy weekdays
	RuleBlackout        Rule = "blackout"         // error: it overlaps a dated, weekly or one-off blackout
	RuleNotice          Rule = "notice"           // error: the first email goes out too late
	RuleTestReady       Rule = "test-ready"       // error: the release is not tested by then
	RuleSupport         Rule = "support"          // warning: support is not on hand during it or after it
	RuleOperatorHours   Rule = "operator-hours"   // warning: outside the operator's working hours
	RuleOperatorOverlap Rule = "operator-overlap" // warning: the operator runs another window then
	RuleOrderCycle      Rule = "order-cycle"      // error: a live order cycle opens or closes during it or in the hour before
)

// Finding is one rule a window breaks, and why.
type Finding struct {
	Rule     Rule     `json:"rule"`
	Severity Severity `json:"severity"`
	Why      string   `json:"why"`
}

// Slot is a suggested start with the window's own length, in the instance's zone.
type Slot struct {
	Start, End, LatestEnd time.Time
}

// Window is one window of the plan: its moments and what it breaks.
type Window struct {
	Instance *config.Instance
	Window   *config.Window
	// Operator runs the deploy; nil when the schedule names none.
	Operator *config.Operator
	// OperatorZone is the zone of the timeline's operator column: the
	// --operator-tz override, else the operator's; nil for neither.
	OperatorZone *time.Location
	// Moments are the notices' send moments (none for a cancelled window).
	Moments  []timing.Moment
	Findings []Finding
	// Suggestion is the nearest later slot that breaks no rule; nil when
	// nothing is broken, the window has passed, or none is within Horizon.
	Suggestion *Slot
	// Passed: the window started before the plan's moment (no suggestion).
	Passed bool
}

// Cancelled reports whether the window was called off (it is not checked).
func (w *Window) Cancelled() bool { return w.Window.Cancelled }

// Errors counts the window's findings of severity Error.
func (w *Window) Errors() int { return w.count(Error) }

// Warnings counts the window's findings of severity Warning.
func (w *Window) Warnings() int { return w.count(Warning) }

func (w *Window) count(s Severity) int {
	n := 0
	for _, f := range w.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Plan is every window of a schedule, in order of start.
type Plan struct {
	Campaign, Release string
	// InstancesFile and ScheduleFile locate the rules and windows in messages.
	InstancesFile, ScheduleFile string
	Now                         time.Time
	Windows                     []*Window

	sched *config.Schedule
}

// Errors counts every finding of severity Error.
func (p *Plan) Errors() int { return p.sum((*Window).Errors) }

// Warnings counts every finding of severity Warning.
func (p *Plan) Warnings() int { return p.sum((*Window).Warnings) }

func (p *Plan) sum(f func(*Window) int) int {
	n := 0
	for _, w := range p.Windows {
		n += f(w)
	}
	return n
}

// Options change how a plan is made.
type Options struct {
	// Now is the plan's moment: a suggested slot must start after it and
	// leave the minimum notice from it. Zero: no such limit.
	Now time.Time
	// OperatorZone, when set, is the zone of every window's operator column
	// (say, the zone of whoever reads the plan).
	OperatorZone *time.Location
	// OrderCycles are each instance's live order cycles (by instance key),
	// read from its database: they should cover every window and Horizon
	// after it, so that suggestions keep clear of them too.
	OrderCycles map[string][]OrderCycle
}

// Make checks every window of the schedule and suggests slots for those
// that break a rule.
func Make(inst *config.Instances, sched *config.Schedule, opts Options) *Plan {
	p := &Plan{Campaign: sched.Campaign, Release: sched.Release, InstancesFile: inst.File, ScheduleFile: sched.File, Now: opts.Now, sched: sched}
	c := &checker{inst: inst, sched: sched, now: opts.Now, cycles: opts.OrderCycles}
	for _, key := range inst.Keys() {
		if w, ok := sched.Window(key); ok && !w.Cancelled {
			c.windows = append(c.windows, w)
		}
	}
	for _, key := range inst.Keys() {
		w, ok := sched.Window(key)
		if !ok {
			continue
		}
		in := inst.Instances[key]
		pw := &Window{Instance: in, Window: w, Operator: sched.Operator(w), OperatorZone: opts.OperatorZone}
		if pw.OperatorZone == nil && pw.Operator != nil {
			pw.OperatorZone = pw.Operator.Location()
		}
		p.Windows = append(p.Windows, pw)
		if w.Cancelled {
			continue
		}
		pw.Moments = timing.Moments(in, w, sched)
		pw.Findings = c.check(in, w, false)
		pw.Passed = !opts.Now.IsZero() && w.Begin().Before(opts.Now)
		if len(pw.Findings) > 0 && !pw.Passed {
			pw.Suggestion = c.suggest(in, w)
		}
	}
	slices.SortStableFunc(p.Windows, func(a, b *Window) int {
		return cmp.Or(a.Window.Begin().Compare(b.Window.Begin()), cmp.Compare(a.Instance.Key, b.Instance.Key))
	})
	return p
}

// Line returns the schedule line of a window's start, 0 when unknown.
func (p *Plan) Line(w *Window) int { return p.sched.Line("windows." + w.Instance.Key + ".start") }

// suggest returns the nearest slot after w's start, in Step steps within
// Horizon, that breaks no rule (warnings included), or nil.
func (c *checker) suggest(in *config.Instance, w *config.Window) *Slot {
	loc := in.Location()
	for k := 1; k <= int(Horizon/Step); k++ {
		t := w.Begin().Add(time.Duration(k) * Step)
		if !c.now.IsZero() && !t.After(c.now) {
			continue
		}
		cand := w.At(t.In(loc))
		if c.passes(in, cand) {
			return &Slot{Start: cand.Begin(), End: cand.End(), LatestEnd: cand.LatestEnd()}
		}
	}
	return nil
}

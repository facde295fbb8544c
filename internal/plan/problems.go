package plan

import (
	"fmt"
	"time"
)

// Problem is a broken rule of severity error, located at the window's start
// in the schedule. It is not config.ErrInvalid: the files are valid, the
// plan is not.
type Problem struct {
	File string
	Line int
	Rule Rule
	Msg  string // why, and the slot to write instead
}

func (p *Problem) Error() string {
	loc := p.File
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s: %s: %s", loc, p.Rule, p.Msg)
}

// Problems returns one error per broken rule of severity error, as
// "schedule-file:line: rule: why (suggest start = …)". Warnings are left
// out: they are for `announce plan` to show, not for `check` to fail on.
func (p *Plan) Problems() []error {
	var out []error
	for _, w := range p.Windows {
		for _, f := range w.Findings {
			if f.Severity != Error {
				continue
			}
			msg := f.Why
			switch {
			case w.Suggestion != nil:
				msg += " (suggest " + w.Describe(w.Suggestion) + ")"
			case !w.Passed:
				msg += fmt.Sprintf(" (no slot of the same length breaks no rule within %d days)", int(Horizon/(24*time.Hour)))
			}
			out = append(out, &Problem{File: p.ScheduleFile, Line: p.Line(w), Rule: f.Rule, Msg: msg})
		}
	}
	return out
}

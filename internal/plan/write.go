package plan

import (
	"errors"
	"fmt"
	"io"
)

// Write writes the plan in format: text, markdown, json or html (a
// calendar of the windows is ics.WriteRollout's).
func (p *Plan) Write(w io.Writer, format string) error {
	switch format {
	case "text":
		return p.WriteText(w)
	case "markdown":
		return p.WriteMarkdown(w)
	case "json":
		return p.WriteJSON(w)
	case "html":
		return p.WriteHTML(w)
	}
	return fmt.Errorf("plan: unknown format %q", format)
}

// Err is nil when the plan breaks no rule of severity error, else a
// *FailedError with every Problem: a failure of the plan, not bad input.
func (p *Plan) Err() error {
	if p.Errors() == 0 {
		return nil
	}
	return &FailedError{Problems: p.Problems()}
}

// FailedError is a plan that breaks a rule with severity error.
type FailedError struct{ Problems []error }

func (e *FailedError) Error() string   { return errors.Join(e.Problems...).Error() }
func (e *FailedError) Unwrap() []error { return e.Problems }

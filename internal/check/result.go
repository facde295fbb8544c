package check

import (
	"fmt"
	"io"

	"github.com/openfoodfoundation/announce/internal/english"
)

// Write writes c in format: text or json.
func (c *Result) Write(w io.Writer, format string) error {
	switch format {
	case "text":
		return c.WriteText(w)
	case "json":
		return c.WriteJSON(w)
	}
	return fmt.Errorf("check: unknown format %q", format)
}

// Err is nil when c found no problem, else a *ProblemsError.
func (c *Result) Err() error {
	if len(c.Problems) == 0 {
		return nil
	}
	return &ProblemsError{N: len(c.Problems), Fault: c.Fault}
}

// ProblemsError is a check that found problems: bad input, unless a
// database could not be read (Fault), which is a failure to run.
type ProblemsError struct {
	N     int
	Fault bool
}

func (e *ProblemsError) Error() string {
	if e.Fault {
		return fmt.Sprintf("check found %s; a database could not be read", english.Count("problems", e.N))
	}
	return fmt.Sprintf("check found %s", english.Count("problems", e.N))
}

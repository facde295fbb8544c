package cli

import (
	"encoding/json"
	"io"
	"time"

	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/ledger"
)

// The --format json shapes, documented in README ("Output for scripts").
// Each command writes JSON lines (one object a line) unless said otherwise.

// checkFormat refuses a --format the command (by its path) does not write.
func checkFormat(cmd, f string) error {
	for _, v := range formats[cmd] {
		if v == f {
			return nil
		}
	}
	return usageError("--format %q: want one of %v", f, formats[cmd])
}

func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// jsonIf makes the reporter collect the results for --format json rather
// than print the summaries (progress still goes to stderr).
func (r *reporter) jsonIf(format string) {
	if format == "json" {
		r.res = &dispatch.Results{}
	}
}

// events is the callback for dispatch: printing, or collecting for JSON.
func (r *reporter) events() func(dispatch.Event) {
	if r.res == nil {
		return r.report
	}
	return func(e dispatch.Event) {
		switch e.(type) {
		case dispatch.SendStarted, dispatch.Progressed, dispatch.NothingDue:
			r.report(e) // stderr
			return
		case dispatch.SendFinished:
			r.pr.Finish()
		}
		r.res.Add(e)
	}
}

// flush writes the collected results, also after a failed run (what was
// done is done), and returns the run's error.
func (r *reporter) flush(err error) error {
	if r.res == nil {
		return err
	}
	if werr := r.res.WriteJSON(r.env.Stdout); err == nil {
		err = werr
	}
	return err
}

// suppressionJSON is one address of suppress list --format json.
type suppressionJSON struct {
	Address string    `json:"address"`
	Since   time.Time `json:"since"`
	Source  string    `json:"source"`
	Reason  string    `json:"reason"`
}

func writeSuppressionsJSON(w io.Writer, ss []ledger.Suppression) error {
	enc := newEncoder(w)
	for _, s := range ss {
		if err := enc.Encode(suppressionJSON{s.Address, s.Since.UTC(), s.Source, s.Reason}); err != nil {
			return err
		}
	}
	return nil
}

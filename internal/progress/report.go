package progress

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/english"
)

// Reporter prints what a send or due run reports (dispatch's events):
// progress to stderr — a bar on a terminal, log lines otherwise — and the
// summaries and forum results to stdout, as text or, with JSON, as
// dispatch.Results when the run ends.
type Reporter struct {
	stdout, stderr io.Writer
	inst           *config.Instances
	now            func() time.Time
	// Log is where the progress lines and the run's own log go (stderr).
	Log *slog.Logger
	pr  *Progress         // of the notice being sent
	res *dispatch.Results // JSON: collected, written by Flush
}

// NewReporter reports to stdout and stderr; json collects the results for
// Flush instead of printing the summaries.
func NewReporter(stdout, stderr io.Writer, inst *config.Instances, now func() time.Time, json bool) *Reporter {
	r := &Reporter{stdout: stdout, stderr: stderr, inst: inst, now: now, Log: slog.New(slog.NewTextHandler(stderr, nil))}
	if json {
		r.res = &dispatch.Results{}
	}
	return r
}

func (r *Reporter) report(e dispatch.Event) {
	w := r.stdout
	switch e := e.(type) {
	case dispatch.SendStarted:
		job := e.Notice.Job()
		r.pr = New(r.stderr, isTerminal(r.stderr), e.Notice.Census.Total, job.Instance.Key, string(job.Notice), r.Log, r.now)
	case dispatch.Progressed:
		r.pr.Add(e.Outcome)
	case dispatch.SendFinished:
		r.pr.Finish()
		if e.Summary != nil {
			job := e.Notice.Job()
			e.Summary.WriteText(w, fmt.Sprintf("%s %s notice: %s", job.Instance.Key, job.Notice, english.Count("recipients", e.Notice.Census.Total)))
		}
	case dispatch.ForumPosted:
		fmt.Fprintf(w, "%s %s notice: forum: %s %s\n", e.Instance, e.Notice, e.Result.Action.Did(), e.Result.URL)
	case dispatch.NothingDue:
		fmt.Fprintf(r.stderr, "due: nothing to do at %s\n", e.At.UTC().Format(time.RFC3339))
	case dispatch.DueExpired:
		fmt.Fprintf(w, "%s %s notice (due %s): expired, not sent: %s\n", e.Action.Instance, e.Action.Key(), r.dueLocal(e.Action), e.Action.Reason)
	case dispatch.DueSending:
		verb := "sending"
		if e.DryRun {
			verb = "would send (dry run)"
		}
		fmt.Fprintf(w, "%s %s notice (due %s): %s\n", e.Action.Instance, e.Action.Key(), r.dueLocal(e.Action), verb)
	}
}

func (r *Reporter) dueLocal(a dispatch.Action) string {
	return a.Moment.Due.In(r.inst.Instances[a.Instance].Location()).Format("2006-01-02 15:04 MST")
}

// Events is the Report callback for dispatch: printing, or collecting for
// JSON. It is called from the workers at once for Progressed events only;
// the progress counts under its own lock.
func (r *Reporter) Events() func(dispatch.Event) {
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

// Flush writes the collected results (JSON), also after a failed run (what
// was done is done), and returns the run's error.
func (r *Reporter) Flush(err error) error {
	if r.res == nil {
		return err
	}
	if werr := r.res.WriteJSON(r.stdout); err == nil {
		err = werr
	}
	return err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/progress"
)

// confirmAbove is the recipient count from which a person at a terminal is
// asked before a real send.
const confirmAbove = 10

// claimLease is how long the claims and locks of a run hold (see dispatch).
const claimLease = dispatch.ClaimLease

// confirmer asks a person at a terminal before a send to more than a few
// recipients; without a terminal it refuses unless --yes.
func confirmer(env *Env, yes bool) func(*dispatch.Plan) error {
	return func(p *dispatch.Plan) error {
		total := 0
		var b strings.Builder
		for _, np := range p.Notices {
			job := np.Job()
			total += np.Census.Total - np.AlreadySent
			fmt.Fprintf(&b, "  %s %s notice: %s (%d already sent), window %s\n",
				job.Instance.Key, job.Notice, count("recipients", np.Census.Total), np.AlreadySent, dispatch.WindowLine(job.Window, job.Instance))
		}
		if yes || total <= confirmAbove {
			return nil
		}
		f, ok := env.Stdin.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return usageError("a real send to %s needs confirmation: run it at a terminal, or pass --yes\n%s", count("recipients", total), strings.TrimRight(b.String(), "\n"))
		}
		return ask(env.Stdin, env.Stderr, b.String(), total)
	}
}

// errDeclined is a send the person at the terminal did not confirm: a
// failure to run (exit 1), not a usage error.
var errDeclined = errors.New("not confirmed: nothing sent")

// ask asks the person at the terminal to confirm sending total messages.
func ask(in io.Reader, out io.Writer, summary string, total int) error {
	fmt.Fprintf(out, "About to send:\n%sSend %s? [y/N] ", summary, count("messages", total))
	line, _ := bufio.NewReader(in).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return errDeclined
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// reporter prints what a send or due run reports: progress to stderr, the
// summaries and forum results to stdout.
type reporter struct {
	env  *Env
	inst *config.Instances
	now  func() time.Time
	log  *slog.Logger
	pr   *progress.Progress // of the notice being sent
	res  *dispatch.Results  // --format json: collected, written at the end
}

func newReporter(env *Env, inst *config.Instances, now func() time.Time) *reporter {
	return &reporter{env: env, inst: inst, now: now, log: slog.New(slog.NewTextHandler(env.Stderr, nil))}
}

// report is called from the workers at once for Progressed events only;
// the progress counts under its own lock.
func (r *reporter) report(e dispatch.Event) {
	w := r.env.Stdout
	switch e := e.(type) {
	case dispatch.SendStarted:
		job := e.Notice.Job()
		r.pr = progress.New(r.env.Stderr, isTerminal(r.env.Stderr), e.Notice.Census.Total, job.Instance.Key, string(job.Notice), r.log, r.now)
	case dispatch.Progressed:
		r.pr.Add(e.Outcome)
	case dispatch.SendFinished:
		r.pr.Finish()
		if e.Summary != nil {
			job := e.Notice.Job()
			e.Summary.WriteText(w, fmt.Sprintf("%s %s notice: %s", job.Instance.Key, job.Notice, count("recipients", e.Notice.Census.Total)))
		}
	case dispatch.ForumPosted:
		fmt.Fprintf(w, "%s %s notice: forum: %s %s\n", e.Instance, e.Notice, e.Result.Action.Did(), e.Result.URL)
	case dispatch.NothingDue:
		fmt.Fprintf(r.env.Stderr, "due: nothing to do at %s\n", e.At.UTC().Format(time.RFC3339))
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

func (r *reporter) dueLocal(a dispatch.Action) string {
	return a.Moment.Due.In(r.inst.Instances[a.Instance].Location()).Format("2006-01-02 15:04 MST")
}

package dispatch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/render"
	"github.com/openfoodfoundation/announce/internal/timing"
)

// Guard is what due's timing rules say about sending one notice by hand now
// (announce --instance X --notice N): a person can pick the wrong notice,
// the wrong instance or a stale schedule, and a notice cannot be unsent.
//
// A scheduled notice (announce, reminder, start, done) is refused when its
// moment is far off — before timing.Moment.Earliest: the announce may go up
// to its days_before early, the reminder not before the announce's moment,
// the start an hour early, the done once the window began ([manual_early]
// in the schedule changes these) — and when its catch-up limit passed, as
// due would record it expired (announce and reminder once the window
// started or the reminder carries the news, start after the window's end,
// done a day after it), when a later notice of the window already went out,
// and when the window is cancelled. Quiet hours do not refuse: a person at
// the keyboard decided. A reschedule is refused when the window did not move
// from what readers were told, or when the new window already began; a
// cancel when the schedule does not cancel the window, or the window it
// calls off is over.
//
// The guard keeps emails from going out at the wrong time: a run that only
// posts or edits the forum copy (--forum-only, to repair or --update a post)
// is not refused. --force (PlanOptions.Force) sends anyway, and the ledger records that it
// did, with the reason it overrode (ledger.Override).
type Guard struct {
	// Refusal is why the notice should not go by hand now; empty when it may.
	Refusal string
	// Timing is where the notice stands now, for the dry run.
	Timing string
	// Forced is set when the run sends it even if refused (--force).
	Forced bool
}

// Refused reports whether the guard refuses the send.
func (g Guard) Refused() bool { return g.Refusal != "" }

// RefusedError is a manual send the guard refused; nothing was sent. cli
// exits 2 for it: like a declined confirmation, the command, not the run,
// is what is wrong, and the same command says the same until the schedule or
// the clock changes.
type RefusedError struct {
	Instance, Notice, Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s %s notice: refused: %s (nothing sent; --force sends it anyway and the ledger records it)", e.Instance, e.Notice, e.Reason)
}

// guardNotice works out the guard of notice n (change c for a reschedule or
// cancel) of instance in at now.
func guardNotice(ctx context.Context, h *history, s *config.Schedule, in *config.Instance, w *config.Window, n config.Notice, c *Change, now time.Time) (Guard, error) {
	loc := in.Location()
	at := func(t time.Time) string { return t.In(loc).Format("Mon 2006-01-02 15:04 MST") }
	switch n {
	case config.Reschedule:
		g := Guard{Timing: fmt.Sprintf("readers were told %s; the schedule says %s", span(c.Previous, loc), span(render.Span{Start: w.Begin(), End: w.End(), Latest: w.LatestEnd()}, loc))}
		switch {
		case w.Cancelled:
			g.Refusal = "the window is cancelled: the cancel notice tells readers"
		case c.Previous.Start.Equal(w.Begin()) && c.Previous.End.Equal(w.End()) && c.Previous.Latest.Equal(w.LatestEnd()):
			g.Refusal = "the window did not move: readers were told " + span(c.Previous, loc) + ", as the schedule still says"
		case !now.Before(w.Begin()):
			g.Refusal = "the new window already began (" + at(w.Begin()) + ")"
		}
		return g, nil
	case config.Cancel:
		g := Guard{Timing: "readers were told " + span(c.Previous, loc)}
		switch {
		case !w.Cancelled:
			g.Refusal = fmt.Sprintf("%s does not cancel the window of %s (cancelled = true)", s.File, in.Key)
		case !now.Before(c.Previous.Latest):
			g.Refusal = "the window it calls off is over (it ended " + at(c.Previous.Latest) + ")"
		}
		return g, nil
	}
	ms := timing.Moments(in, w, s)
	i := -1
	for j, m := range ms {
		if m.Notice == n {
			i = j
		}
	}
	if i < 0 {
		return Guard{}, inputError(fmt.Errorf("%s: the window of %s does not send the %s notice", s.File, in.Key, n))
	}
	m := ms[i]
	g := Guard{Timing: fmt.Sprintf("due %s, worth sending until %s; by hand from %s", at(m.Due), at(m.Until), at(m.Earliest))}
	if w.Cancelled {
		g.Refusal = "the window is cancelled"
		return g, nil
	}
	outcomes, err := h.outcomes(ctx)
	if err != nil {
		return Guard{}, err
	}
	for _, later := range ms[i+1:] {
		if r, ok := outcomes[ledger.NoticeKey{Instance: in.Key, Notice: string(later.Notice)}]; ok && r.State == ledger.NoticeSent {
			g.Refusal = "the " + string(later.Notice) + " notice was already sent"
		}
	}
	switch {
	case g.Refused():
	case now.Before(m.Earliest):
		g.Refusal = fmt.Sprintf("it is due %s, %s from now; by hand it may go from %s", at(m.Due), roughly(m.Due.Sub(now)), at(m.Earliest))
	case m.At(now) == timing.Expired:
		g.Refusal = "its time is past: " + expiredReason(m)
	}
	return g, nil
}

// expiredReason says why a notice whose validity passed is not sent: due's
// record of an expired notice, and the guard's refusal.
func expiredReason(m timing.Moment) string {
	reason := fmt.Sprintf("not sent before %s", m.Until.Format("2006-01-02 15:04 MST"))
	if m.Superseded != "" {
		reason += fmt.Sprintf(" (the %s notice carries the news)", m.Superseded)
	}
	return reason
}

// span is a window for the operator, in the instance's zone.
func span(s render.Span, loc *time.Location) string {
	b, e, l := s.Start.In(loc), s.End.In(loc), s.Latest.In(loc)
	out := b.Format("Mon 2006-01-02 15:04") + "–" + e.Format("15:04")
	if !l.Equal(e) {
		out += " (at the latest " + l.Format("15:04") + ")"
	}
	return out + " " + e.Format("MST")
}

// roughly writes a duration as a person would say it: "6 days", "13 hours",
// "40 minutes".
func roughly(d time.Duration) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d >= 48*time.Hour:
		return plural(int(d/(24*time.Hour)), "day")
	case d >= 2*time.Hour:
		return plural(int(d/time.Hour), "hour")
	default:
		return plural(max(int(d/time.Minute), 1), "minute")
	}
}

// Refused is what Execute would refuse: a *RefusedError per notice the
// guard refuses (joined), unless the run is forced; nil when it may go.
func (p *Plan) Refused() error { return p.guard() }

// guard refuses the run, one error per refused notice, unless it is forced:
// all or nothing, so that no run is half-sent by the guard.
func (p *Plan) guard() error {
	if p.force {
		return nil
	}
	var errs []error
	for _, np := range p.Notices {
		if np.Guard.Refused() && np.Email {
			job := np.Job()
			errs = append(errs, &RefusedError{Instance: job.Instance.Key, Notice: job.Key(), Reason: np.Guard.Refusal})
		}
	}
	return errors.Join(errs...)
}

// recordOverrides records, under the run lock, each refused notice a forced
// run sends.
func (x *execution) recordOverrides(ctx context.Context, p *Plan) error {
	cmd := x.o.Command
	if !strings.Contains(cmd, "--force") {
		cmd += " --force"
	}
	for _, np := range p.Notices {
		if !np.Guard.Refused() || !np.Email {
			continue
		}
		job := np.Job()
		if err := x.l.RecordOverride(ctx, ledger.Override{Campaign: job.Schedule.Campaign, Instance: job.Instance.Key, Notice: job.Key(),
			Reason: np.Guard.Refusal, Command: cmd, At: x.o.Now()}); err != nil {
			return err
		}
	}
	return nil
}

// GuardHelp says, for --help, what the timing guard of a send by hand does.
const GuardHelp = `A send by hand follows due's timing rules and refuses (exit 2, nothing sent, the reason
on one line) a notice far from its moment (the announce more than its days_before early,
the reminder before the announce's moment, the start more than an hour early, the done
before the window began; [manual_early] in the schedule changes these), one past its
catch-up limit, one after a later notice of the window went out, and a reschedule whose
window did not move. The dry run says what the guard says; --force sends anyway and
records that it did in the ledger.`

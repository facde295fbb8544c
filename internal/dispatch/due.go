package dispatch

import (
	"context"
	"fmt"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/render"
	"github.com/openfoodfoundation/announce/internal/timing"
)

// Action is what `announce due` does about one notice of one instance now.
type Action struct {
	Instance string
	Moment   timing.Moment
	Do       Do
	Reason   string
	// Change is set for reschedule and cancel notices.
	Change *Change
}

// Change is what a reschedule or cancel notice needs: the window readers
// were told about, the reschedule's number, and who was told.
type Change struct {
	Previous render.Span
	Seq      int
	// Sequence is the calendar SEQUENCE the change notice carries.
	Sequence int
	// ToldBy are the ledger notices whose recipients were told (announce,
	// reminder, reschedule-1…): the change goes to them only.
	ToldBy []string
}

// ChangeFor works out the change notice n of instance key, from what the
// ledger says readers were told; ok is false when nobody was told anything
// (then a change sends nothing extra).
func ChangeFor(ctx context.Context, l *ledger.Ledger, campaign, key string, n config.Notice) (c *Change, ok bool, err error) {
	told, reschedules, ok, err := l.LastTold(ctx, campaign, key)
	if err != nil || !ok {
		return nil, false, err
	}
	by, err := l.ToldNotices(ctx, campaign, key)
	if err != nil {
		return nil, false, err
	}
	c = &Change{Previous: render.Span{Start: told.Start, End: told.End, Latest: told.Latest}, ToldBy: by, Sequence: told.Sequence + 1}
	if n == config.Reschedule {
		c.Seq = reschedules + 1
	}
	return c, true, nil
}

// Do is an action's kind.
type Do string

// Action kinds.
const (
	DoSend   Do = "send"   // due and valid: send (what is not yet sent)
	DoExpire Do = "expire" // its validity passed unsent: record it as expired, send nothing
)

// DueNow works out, for each instance with a window, which notices to send
// and which to record as expired at now. Notices with a recorded outcome are
// left alone; a notice is never sent after a later notice of the same window
// went out (a "done" sent by hand ends the "start"). With l nil (no ledger
// yet) nothing was sent before.
func DueNow(ctx context.Context, l *ledger.Ledger, inst *config.Instances, s *config.Schedule, keys []string, now time.Time) ([]Action, error) {
	outcomes := map[ledger.NoticeKey]ledger.NoticeRecord{}
	if l != nil {
		var err error
		if outcomes, err = l.NoticeOutcomes(ctx, s.Campaign); err != nil {
			return nil, err
		}
	}
	var out []Action
	for _, key := range keys {
		w, ok := s.Window(key)
		if !ok {
			continue
		}
		// A change of plan after readers were told: tell them, first.
		var (
			told    ledger.Told
			wasTold bool
		)
		if l != nil {
			var err error
			if told, _, wasTold, err = l.LastTold(ctx, s.Campaign, key); err != nil {
				return nil, err
			}
		}
		switch {
		case wasTold && w.Cancelled:
			if _, done := outcomes[ledger.NoticeKey{Instance: key, Notice: string(config.Cancel)}]; !done {
				a, err := changeAction(ctx, l, s.Campaign, key, config.Cancel, now, told.Latest)
				if err != nil {
					return nil, err
				}
				out = append(out, a)
			}
		case wasTold && !told.Same(w.Begin(), w.End(), w.LatestEnd()):
			a, err := changeAction(ctx, l, s.Campaign, key, config.Reschedule, now, w.Begin())
			if err != nil {
				return nil, err
			}
			if _, done := outcomes[ledger.NoticeKey{Instance: key, Notice: a.Key()}]; !done {
				out = append(out, a)
			}
		}
		ms := timing.Moments(inst.Instances[key], w, s)
		for i, m := range ms {
			if _, done := outcomes[ledger.NoticeKey{Instance: key, Notice: string(m.Notice)}]; done {
				continue
			}
			if w.Cancelled {
				out = append(out, Action{Instance: key, Moment: m, Do: DoExpire, Reason: "the window was cancelled"})
				continue
			}
			later := ""
			for _, n := range ms[i+1:] {
				if r, ok := outcomes[ledger.NoticeKey{Instance: key, Notice: string(n.Notice)}]; ok && r.State == ledger.NoticeSent {
					later = string(n.Notice)
				}
			}
			switch {
			case later != "":
				out = append(out, Action{Instance: key, Moment: m, Do: DoExpire, Reason: "the " + later + " notice was already sent"})
			case m.At(now) == timing.Due:
				out = append(out, Action{Instance: key, Moment: m, Do: DoSend})
			case m.At(now) == timing.Expired:
				out = append(out, Action{Instance: key, Moment: m, Do: DoExpire, Reason: expiredReason(m)})
			}
		}
	}
	return out, nil
}

// changeAction is the send (or, past its use, the expiry) of a change notice.
func changeAction(ctx context.Context, l *ledger.Ledger, campaign, key string, n config.Notice, now, until time.Time) (Action, error) {
	c, _, err := ChangeFor(ctx, l, campaign, key, n)
	if err != nil {
		return Action{}, err
	}
	m := timing.Moment{Notice: n, Planned: now, Due: now, Until: until}
	if !now.Before(until) {
		return Action{Instance: key, Moment: m, Do: DoExpire, Reason: "the window it would correct is already past", Change: c}, nil
	}
	return Action{Instance: key, Moment: m, Do: DoSend, Change: c}, nil
}

// Key is the action's notice name in the ledger ("reschedule-2").
func (a Action) Key() string {
	if a.Change != nil && a.Change.Seq > 0 {
		return fmt.Sprintf("%s-%d", a.Moment.Notice, a.Change.Seq)
	}
	return string(a.Moment.Notice)
}

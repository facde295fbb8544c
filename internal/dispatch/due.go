package dispatch

import (
	"context"
	"fmt"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/timing"
)

// Action is what `announce due` does about one notice of one instance now.
type Action struct {
	Instance string
	Moment   timing.Moment
	Do       Do
	Reason   string
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
// went out (a "done" sent by hand ends the "start").
func DueNow(ctx context.Context, l *ledger.Ledger, inst *config.Instances, s *config.Schedule, keys []string, now time.Time) ([]Action, error) {
	outcomes, err := l.NoticeOutcomes(ctx, s.Campaign)
	if err != nil {
		return nil, err
	}
	var out []Action
	for _, key := range keys {
		w, ok := s.Window(key)
		if !ok {
			continue
		}
		ms := timing.Moments(inst.Instances[key], w, s)
		for i, m := range ms {
			if _, done := outcomes[[2]string{key, string(m.Notice)}]; done {
				continue
			}
			later := ""
			for _, n := range ms[i+1:] {
				if r, ok := outcomes[[2]string{key, string(n.Notice)}]; ok && r.State == ledger.NoticeSent {
					later = string(n.Notice)
				}
			}
			switch {
			case later != "":
				out = append(out, Action{Instance: key, Moment: m, Do: DoExpire, Reason: "the " + later + " notice was already sent"})
			case m.At(now) == timing.Due:
				out = append(out, Action{Instance: key, Moment: m, Do: DoSend})
			case m.At(now) == timing.Expired:
				reason := fmt.Sprintf("not sent before %s", m.Until.Format("2006-01-02 15:04 MST"))
				if m.Superseded != "" {
					reason += fmt.Sprintf(" (the %s notice carries the news)", m.Superseded)
				}
				out = append(out, Action{Instance: key, Moment: m, Do: DoExpire, Reason: reason})
			}
		}
	}
	return out, nil
}

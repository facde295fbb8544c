package plan

import (
	"fmt"
	"slices"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
)

// Event is one row of a window's timeline.
type Event struct {
	What string    // "announce email", "window starts", "expected end", "latest end", …
	At   time.Time // in the instance's zone
	// Note says why a send moment is not the planned one (quiet hours).
	Note string
}

// Timeline returns the window's moments in order: each notice's send moment,
// the start, the expected end and the latest end. A cancelled window has
// only its start and ends.
func (w *Window) Timeline() []Event {
	loc := w.Instance.Location()
	win := w.Window
	ev := []Event{{What: "window starts", At: win.Begin().In(loc)}, {What: "expected end", At: win.End().In(loc)}}
	if win.Extra.Duration > 0 {
		ev = append(ev, Event{What: "latest end", At: win.LatestEnd().In(loc)})
	}
	for _, m := range w.Moments {
		e := Event{What: string(m.Notice) + " email", At: m.Due.In(loc)}
		if !m.Due.Equal(m.Planned) {
			e.Note = fmt.Sprintf("planned %s, moved out of quiet hours", m.Planned.In(loc).Format("15:04"))
		}
		ev = append(ev, e)
	}
	// Stable: at the same moment the window's own rows come first ("window
	// starts" before "start email", "latest end" before "done email").
	slices.SortStableFunc(ev, func(a, b Event) int { return a.At.Compare(b.At) })
	return ev
}

// Times is one moment three ways: the instance's local time, UTC and the
// operator's time (nil without an operator zone).
type Times struct {
	Local    time.Time  `json:"local"`
	UTC      time.Time  `json:"utc"`
	Operator *time.Time `json:"operator,omitempty"`
}

// TimesOf returns t in the window's three zones.
func (w *Window) TimesOf(t time.Time) Times {
	ts := Times{Local: t.In(w.Instance.Location()), UTC: t.UTC()}
	if w.OperatorZone != nil {
		o := t.In(w.OperatorZone)
		ts.Operator = &o
	}
	return ts
}

// TOMLStart is a slot's start as the schedule writes it: "2019-05-07T09:00:00".
func (s *Slot) TOMLStart() string { return config.StartText(s.Start) }

// Describe writes a suggestion for a reader: the start to write in the
// schedule, then the slot in local time, UTC and the operator's time.
func (w *Window) Describe(s *Slot) string {
	out := fmt.Sprintf("start = %s: %s, %s UTC", s.TOMLStart(), span(s.Start, s.LatestEnd), s.Start.UTC().Format("15:04")+"–"+s.LatestEnd.UTC().Format("15:04"))
	if w.OperatorZone != nil {
		who := w.OperatorZone.String()
		if w.ownZone() {
			who = w.Operator.Key
		}
		out += fmt.Sprintf(", %s %s", who, span(s.Start.In(w.OperatorZone), s.LatestEnd.In(w.OperatorZone)))
	}
	return out
}

// operatorLabel names the operator column: "pau, Europe/Madrid".
func (w *Window) operatorLabel() string {
	switch {
	case w.OperatorZone == nil:
		return "none"
	case w.ownZone():
		return w.Operator.Key + ", " + w.OperatorZone.String()
	default:
		return w.OperatorZone.String()
	}
}

// ownZone reports whether the operator column is in the operator's own zone.
func (w *Window) ownZone() bool {
	return w.Operator != nil && w.OperatorZone != nil && w.Operator.Location().String() == w.OperatorZone.String()
}

// operatorName is the window's operator key, or "".
func (w *Window) operatorName() string {
	if w.Operator == nil {
		return ""
	}
	return w.Operator.Key
}

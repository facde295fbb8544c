package plan

import (
	"fmt"
	"strings"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
)

// Lookback is how far back OFN's order-cycle jobs look for cycles that
// opened or closed (they run every 5 minutes over the last hour): a cycle
// that opens or closes more than that before the site is back loses its
// automatic emails. A window keeps clear of any opening or closing from
// Lookback before its start to its latest end.
const Lookback = time.Hour

// OrderCycle is a live order cycle of an instance, read from its database.
type OrderCycle struct {
	Name        string
	Coordinator string    // the coordinating hub
	Opens       time.Time // zero when not set
	Closes      time.Time // zero when not set
}

// orderCycle: no order cycle may open or close during the window or in the
// Lookback before it.
func (c *checker) orderCycle(in *config.Instance, w *config.Window, _ bool) string {
	loc := in.Location()
	from, until := w.Begin().Add(-Lookback), w.LatestEnd()
	var why []string
	for _, oc := range c.cycles[in.Key] {
		for _, m := range []struct {
			verb string
			at   time.Time
		}{{"opens", oc.Opens}, {"closes", oc.Closes}} {
			if m.at.IsZero() || m.at.Before(from) || m.at.After(until) {
				continue
			}
			why = append(why, fmt.Sprintf("order cycle %q of %s %s %s", oc.Name, oc.Coordinator, m.verb, stamp(m.at.In(loc))))
		}
	}
	if len(why) == 0 {
		return ""
	}
	return strings.Join(why, "; ") + fmt.Sprintf(" — within the window or the %s before it, when OFN's order-cycle jobs would miss it (live, from the instance's database)", duration(Lookback))
}

package dispatch

import (
	"sync"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ics"
	"github.com/openfoodfoundation/announce/internal/render"
)

// calendars makes each edition's calendar part once per run: the announce,
// reminder and reschedule notices carry their window (METHOD:PUBLISH, the
// same UID each time, SEQUENCE growing with each change), the cancel notice
// a METHOD:CANCEL; start and done carry none.
type calendars struct {
	p   *render.Prepared
	now time.Time
	mu  sync.Mutex
	by  map[string]calendar
}

type calendar struct {
	data   []byte
	method string
	err    error
}

func newCalendars(p *render.Prepared, now time.Time) *calendars {
	return &calendars{p: p, now: now, by: map[string]calendar{}}
}

// forLocale returns the calendar for readers of one edition, or nothing.
func (c *calendars) forLocale(locale string) ([]byte, string, error) {
	job := c.p.Job()
	method := ics.Publish
	switch job.Notice {
	case config.Announce, config.Reminder, config.Reschedule:
	case config.Cancel:
		method = ics.Cancel
	default:
		return nil, "", nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cal, ok := c.by[locale]; ok {
		return cal.data, cal.method, cal.err
	}
	var title, text string
	for _, ed := range c.p.Editions() {
		if ed.Locale() == locale {
			title, text = ed.Title(), ed.CalendarText()
		}
	}
	data, err := ics.Window(job.Instance, job.Window, job.Schedule, ics.WindowOptions{
		Method: method, Sequence: job.Sequence, Stamp: c.now.UTC().Truncate(time.Second), Summary: title, Description: text})
	cal := calendar{data: data, method: string(method), err: err}
	c.by[locale] = cal
	return cal.data, cal.method, cal.err
}

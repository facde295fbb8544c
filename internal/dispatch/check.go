package dispatch

import (
	"errors"
	"fmt"
	"io"

	"github.com/openfoodfoundation/announce/internal/cldr"
	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/recipients"
	"github.com/openfoodfoundation/announce/internal/render"
)

// Check renders every notice of every instance with a window — for a reader
// with a name and one without, in every locale, and its forum post — and
// reads every instance's recipients file and loads its DKIM key; it returns
// every problem joined.
// A reschedule or cancel is checked as if readers had been told of a window
// a week earlier. sched or r may be nil (they failed to load): then only the
// recipients files are read and the DKIM keys loaded.
func Check(inst *config.Instances, sched *config.Schedule, r *render.Renderer) error {
	var errs []error
	for _, key := range inst.Keys() {
		in := inst.Instances[key]
		if zone := in.Location().String(); !cldr.HasZone(zone) {
			// Every notice would fail the same way: say it once, where it is.
			errs = append(errs, &config.Problem{File: inst.File, Line: inst.Line("instances." + key + ".timezone"), Key: "instances." + key + ".timezone",
				Msg: fmt.Sprintf("time zone %s has no CLDR zone names (internal/cldr has those of every zone in Go's tzdata)", zone)})
			continue
		}
		var prep *render.Prepared
		if r != nil && sched != nil {
			w, ok := sched.Window(key)
			if !ok {
				continue // not part of this rollout
			}
			for _, n := range config.AllNotices {
				job := render.Job{Schedule: sched, Instance: in, Window: w, Notice: n}
				if isChange(n) {
					job.Previous = &render.Span{Start: w.Begin().AddDate(0, 0, -7), End: w.End().AddDate(0, 0, -7), Latest: w.LatestEnd().AddDate(0, 0, -7)}
				}
				pr, err := checkRender(r, job)
				errs = append(errs, err)
				if pr != nil {
					prep = pr
				}
			}
		}
		if in.Recipients != "" { // "": its database could not be opened (reported)
			errs = append(errs, checkRecipients(in, prep))
		}
		_, err := checkSending(inst, in) // its warnings: SendingWarnings
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func checkRender(r *render.Renderer, job render.Job) (*render.Prepared, error) {
	p, err := r.Prepare(job)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, ed := range p.Editions() {
		for _, name := range []string{"", "Ana Puig"} {
			if _, err := p.Render(recipients.Recipient{Email: "check@example.test", Name: name, Locale: ed.Locale()}); err != nil {
				errs = append(errs, err)
			}
		}
		if _, err := p.Forum(ed); err != nil {
			errs = append(errs, err)
		}
	}
	return p, errors.Join(errs...)
}

// checkRecipients lists every bad row of an instance's recipients file.
func checkRecipients(in *config.Instance, p *render.Prepared) error {
	if p == nil {
		// No window to render: still read the file for bad rows.
		rd, err := recipients.Open(in.Recipients)
		if err != nil {
			return err
		}
		defer rd.Close()
		var errs []error
		for {
			_, err := rd.Next()
			if err == io.EOF {
				return errors.Join(errs...)
			}
			var bad *recipients.RowError
			if !errors.As(err, &bad) && err != nil {
				return err
			}
			errs = append(errs, err)
		}
	}
	c, err := TakeCensus(p, in.Recipients)
	if err != nil {
		return err
	}
	errs := make([]error, len(c.Invalid))
	for i, bad := range c.Invalid {
		errs[i] = bad
	}
	return errors.Join(errs...)
}

// CheckWarnings lists what is not an error but would stop a send: a
// recipients file with no valid row (a send of it is refused with
// ErrNoRecipients, and nothing recorded).
func CheckWarnings(inst *config.Instances) []string {
	var warns []string
	for _, key := range inst.Keys() {
		if in := inst.Instances[key]; emptyRecipients(in) {
			warns = append(warns, fmt.Sprintf("warning: %s: no valid recipient: a send to instance %s would be refused", in.Recipients, in.Key))
		}
	}
	return warns
}

// emptyRecipients reports whether an instance's recipients file opens and
// has no valid row (a file that does not open is Check's error).
func emptyRecipients(in *config.Instance) bool {
	rd, err := recipients.Open(in.Recipients)
	if err != nil {
		return false
	}
	defer rd.Close()
	for {
		_, err := rd.Next()
		switch {
		case err == nil:
			return false
		case err == io.EOF:
			return true
		}
		var bad *recipients.RowError
		if !errors.As(err, &bad) {
			return false
		}
	}
}

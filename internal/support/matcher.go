package support

import (
	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/inbox"
	"github.com/openfoodfoundation/announce/internal/render"
)

// NoticeMatcher knows the subject of every notice of the schedule in every
// locale, as the renderer writes it, so that a reply whose client dropped
// In-Reply-To and References still matches its notice. (Our Message-IDs
// are matched by the classifier without it.) An error is a template or
// locale that does not render: bad input.
func NoticeMatcher(inst *config.Instances, sched *config.Schedule, r *render.Renderer) (*inbox.Matcher, error) {
	m := &inbox.Matcher{}
	for _, k := range inst.Keys() {
		w, ok := sched.Window(k)
		if !ok {
			continue
		}
		in := inst.Instances[k]
		for _, n := range w.Notices {
			p, err := r.Prepare(render.Job{Schedule: sched, Instance: in, Window: w, Notice: n})
			if err != nil {
				return nil, err
			}
			ref := inbox.Ref{Campaign: sched.Campaign, Notice: string(n), Instance: k}
			for _, ed := range p.Editions() {
				m.AddSubject(ref, ed.Subject())
			}
		}
	}
	return m, nil
}

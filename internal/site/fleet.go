package site

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/openfoodfoundation/announce/internal/ics"
	"github.com/openfoodfoundation/announce/internal/plan"
)

// fleetPage is what templates/site/fleet.html.tmpl sees. The fleet page is
// for the people running the rollout; like `announce plan`, it is English.
type fleetPage struct {
	Title, Summary, Updated string
	Rows                    []fleetRow
	SVG                     template.HTML
	Findings                []string
}

type fleetRow struct {
	Name, Local, UTC, Status string
	Langs                    []langLink
}

const (
	fleetLocal = "Mon 2006-01-02 15:04"
	fleetUTC   = "2006-01-02 15:04Z"
)

// buildFleet adds index.html, timeline.svg and rollout.ics.
func buildFleet(in Input, t *template.Template, insts []*instanceSite, f *Files) error {
	p := plan.Make(in.Instances, in.Schedule, plan.Options{Now: in.Now})
	chart := p.Chart()
	svg := chart.SVG()
	fp := &fleetPage{
		Title:   fmt.Sprintf("%s (%s): maintenance windows", in.Schedule.Campaign, in.Schedule.Release),
		Summary: fmt.Sprintf("%d windows, %d errors, %d warnings in the plan.", len(p.Windows), p.Errors(), p.Warnings()),
		Updated: "Built " + in.Now.UTC().Format("2006-01-02 15:04 UTC") + " by announce site.",
		SVG:     template.HTML(svg),
	}
	by := map[string]*instanceSite{}
	for _, s := range insts {
		by[s.inst.Key] = s
	}
	for _, w := range p.Windows {
		s := by[w.Instance.Key]
		if s == nil {
			continue
		}
		loc := s.inst.Location()
		b, e := s.win.Begin().In(loc), s.win.End().In(loc)
		row := fleetRow{
			Name:   s.inst.Name,
			Local:  b.Format(fleetLocal) + "–" + e.Format("15:04 MST") + " (" + loc.String() + ")",
			UTC:    b.UTC().Format(fleetUTC) + "–" + e.UTC().Format("15:04Z"),
			Status: s.status,
			Langs:  s.langs("", func(l string) string { return s.dir(l) + "/index.html" }),
		}
		if x := s.win.Extra.Duration; x > 0 {
			row.Local += ", up to " + strings.TrimSuffix(strings.TrimSuffix(x.String(), "0s"), "0m") + " more"
		}
		fp.Rows = append(fp.Rows, row)
		for _, f := range w.Findings {
			fp.Findings = append(fp.Findings, fmt.Sprintf("%s: %s %s: %s", w.Instance.Key, f.Severity, f.Rule, f.Why))
		}
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "fleet", fp); err != nil {
		return fmt.Errorf("fleet page: %w", err)
	}
	f.add("index.html", b.Bytes())
	f.add("timeline.svg", []byte(svg))
	var cal bytes.Buffer
	err := ics.WriteRollout(&cal, in.Instances, in.Schedule, ics.RolloutOptions{Stamp: in.Now.UTC().Truncate(time.Second)})
	if err != nil {
		return fmt.Errorf("rollout calendar: %w", err)
	}
	f.add("rollout.ics", cal.Bytes())
	return nil
}

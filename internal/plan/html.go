package plan

import (
	"html/template"
	"io"
)

// HTMLStyle is the style sheet of the plan's page, shared with the status
// site's fleet page: nothing wider than a phone's screen, long words and
// URLs wrap, tables scroll inside their own box.
const HTMLStyle = `body{margin:0;padding:16px;font-family:Helvetica,Arial,sans-serif;line-height:1.45;color:#222;overflow-wrap:anywhere;}
main{max-width:1100px;margin:0 auto;}
svg.timeline{display:block;width:100%;height:auto;}
.scroll{overflow-x:auto;max-width:100%;}
table{border-collapse:collapse;margin:8px 0;}
th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:normal;}
td.t{white-space:nowrap;}
.error{font-weight:bold;}
.error::before{content:"✖ ";}
.warning::before{content:"⚠ ";}
`

var planHTML = template.Must(template.New("plan").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.P.Campaign}} ({{.P.Release}}): rollout plan</title>
<style>{{.Style}}</style>
</head>
<body>
<main>
<h1>{{.P.Campaign}} ({{.P.Release}})</h1>
<p>{{len .P.Windows}} windows, {{.P.Errors}} errors, {{.P.Warnings}} warnings.</p>
<h2>Timeline (UTC)</h2>
{{.SVG}}
{{range .Rows}}
<section id="w-{{.W.Instance.Key}}">
<h2>{{.Heading}}</h2>
<div class="scroll"><table>
<thead><tr><th></th><th>Local ({{.W.Instance.Location}})</th><th>UTC</th><th>Operator ({{.OperatorLabel}})</th><th></th></tr></thead>
<tbody>
{{- range .Events}}
<tr><th scope="row">{{.What}}</th><td class="t">{{.Local}}</td><td class="t">{{.UTC}}</td><td class="t">{{.Operator}}</td><td>{{.Note}}</td></tr>
{{- end}}
</tbody>
</table></div>
<ul>
{{- range .Verdict}}
<li{{with .Class}} class="{{.}}"{{end}}>{{.Text}}</li>
{{- end}}
</ul>
</section>
{{end}}
</main>
</body>
</html>
`))

type htmlRow struct {
	W             *Window
	Heading       string
	OperatorLabel string
	Events        []htmlEvent
	Verdict       []htmlLine
}

type htmlEvent struct{ What, Local, UTC, Operator, Note string }

type htmlLine struct{ Class, Text string }

// WriteHTML writes the plan as one HTML page: the timeline picture (see
// Chart), then per window the timeline as a table and what it breaks.
func (p *Plan) WriteHTML(out io.Writer) error {
	data := struct {
		P     *Plan
		Style template.CSS
		SVG   template.HTML
		Rows  []htmlRow
	}{P: p, Style: template.CSS(HTMLStyle), SVG: template.HTML(p.Chart().SVG())}
	for _, w := range p.Windows {
		r := htmlRow{W: w, Heading: w.heading(), OperatorLabel: w.operatorLabel()}
		for _, e := range w.Timeline() {
			r.Events = append(r.Events, htmlEvent{What: e.What, Local: e.At.Format(localLayout), UTC: e.At.UTC().Format(utcLayout), Operator: w.operatorCell(e.At), Note: e.Note})
		}
		switch {
		case w.Cancelled():
			r.Verdict = []htmlLine{{Text: "Cancelled: not checked."}}
		case len(w.Findings) == 0:
			r.Verdict = []htmlLine{{Text: "Breaks no rule."}}
		default:
			for _, f := range w.Findings {
				r.Verdict = append(r.Verdict, htmlLine{Class: string(f.Severity), Text: string(f.Severity) + " " + string(f.Rule) + ": " + f.Why})
			}
			r.Verdict = append(r.Verdict, htmlLine{Text: p.suggestionLine(w)})
		}
		data.Rows = append(data.Rows, r)
	}
	return planHTML.Execute(out, data)
}

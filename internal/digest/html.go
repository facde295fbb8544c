package digest

import (
	"html/template"
	"io"
	"strings"
	"time"
)

// htmlPage is the digest as an HTML document. html/template escapes every
// value, so nothing a message holds can become markup.
var htmlPage = template.Must(template.New("digest").Funcs(template.FuncMap{
	"lines":     func(s string) []string { return strings.Split(cleanText(excerpt(s)), "\n") },
	"clean":     clean,
	"addresses": func(as []string) string { return clean(addressList(as)) },
}).Parse(`<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Support inbox digest</title>
</head>
<body style="font-family: sans-serif; line-height: 1.4">
{{- range .}}
<h2>{{clean .Title}} ({{.Instance}}), {{clean .Mailbox}}</h2>
<p>{{.Period}}.</p>
{{- if .Empty}}
<p>Nothing new ({{.Counts.Sent}} sent in {{.Campaign}}).</p>
{{- else}}
<table style="border-collapse: collapse">
<tr><th>sent</th><th>replies</th><th>auto-replies</th><th>hard bounces</th><th>soft bounces</th><th>complaints</th><th>also in the inbox</th><th>unrelated</th></tr>
<tr style="text-align: right"><td>{{.Counts.Sent}}</td><td>{{.Counts.Replies}}</td><td>{{.Counts.AutoReplies}}</td><td>{{.Counts.HardBounces}}</td><td>{{.Counts.SoftBounces}}</td><td>{{.Counts.Complaints}}</td><td>{{.Counts.AlsoInInbox}}</td><td>{{.Counts.Unrelated}}</td></tr>
</table>
{{- if .Problems}}
{{- $r := .}}
<div style="border: 2px solid #c00; padding: 0 1em; margin: 1em 0">
<h3 style="color: #c00">{{.ProblemHeading}}</h3>
<ul>
{{- range .Problems}}
<li><strong>{{clean .Reason}} {{clean .Status}}</strong>, last {{$r.Date .Last}} ({{addresses .Addresses}}):<br><code>{{clean .Reply}}</code></li>
{{- end}}
</ul>
</div>
{{- end}}
{{- if .Suppressed}}
<h3>Suppressed ({{len .Suppressed}})</h3>
<ul>
{{- range .Suppressed}}
<li>{{clean .Address}}: {{clean .Reason}}</li>
{{- end}}
</ul>
{{- end}}
{{- if .Suspicious}}
<h3>Suspicious bounces, not suppressed ({{len .Suspicious}})</h3>
<ul>
{{- range .Suspicious}}
<li>{{clean .Address}}: {{clean .Reason}}</li>
{{- end}}
</ul>
{{- end}}
{{- if .Replies}}
<h3>Replies ({{len .Replies}}, {{.Unanswered}} unanswered)</h3>
{{- $r := .}}
{{- range .Replies}}
<div style="margin: 1em 0">
<p><strong>{{clean .From}}</strong>{{if .Locale}} · {{clean .Locale}}{{end}} · {{$r.Date .Date}} · {{if .Answered}}answered{{else}}<strong>unanswered</strong>{{end}}<br>
Subject: {{clean .Subject}}</p>
<blockquote style="margin: 0 0 0 1em; padding-left: 1em; border-left: 3px solid #ccc">
{{- range $i, $l := lines .Text}}{{if $i}}<br>{{end}}{{$l}}{{end -}}
</blockquote>
</div>
{{- end}}
{{- end}}
{{- if .AlsoInInbox}}
{{- $r := .}}
<h3>Also in the inbox ({{len .AlsoInInbox}})</h3>
<p>Mail from people that answers no notice.</p>
<ul>
{{- range .AlsoInInbox}}
<li><strong>{{clean .From}}</strong> · {{$r.Date .Date}} · {{if .Answered}}answered{{else}}<strong>unanswered</strong>{{end}}: {{clean .Subject}}</li>
{{- end}}
</ul>
{{- end}}
{{- end}}
{{- end}}
</body>
</html>
`))

// htmlReport gives the template the Report's methods by names it can call.
type htmlReport struct {
	*Report
	Title, Period, ProblemHeading string
}

// Date is a time in the instance's zone.
func (h htmlReport) Date(t time.Time) string { return h.Report.date(t) }

func writeHTML(w io.Writer, reports []Report) error {
	data := make([]htmlReport, len(reports))
	for i := range reports {
		data[i] = htmlReport{Report: &reports[i], Title: reports[i].title(), Period: reports[i].period(), ProblemHeading: problemHeading(&reports[i])}
	}
	return htmlPage.Execute(w, data)
}

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
	"lines": func(s string) []string { return strings.Split(cleanText(excerpt(s)), "\n") },
	"clean": clean,
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
<tr><th>sent</th><th>replies</th><th>auto-replies</th><th>hard bounces</th><th>soft bounces</th><th>unrelated</th></tr>
<tr style="text-align: right"><td>{{.Counts.Sent}}</td><td>{{.Counts.Replies}}</td><td>{{.Counts.AutoReplies}}</td><td>{{.Counts.HardBounces}}</td><td>{{.Counts.SoftBounces}}</td><td>{{.Counts.Unrelated}}</td></tr>
</table>
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
{{- end}}
{{- end}}
</body>
</html>
`))

// htmlReport gives the template the Report's methods by names it can call.
type htmlReport struct {
	*Report
	Title, Period string
}

// Date is a time in the instance's zone.
func (h htmlReport) Date(t time.Time) string { return h.Report.date(t) }

func writeHTML(w io.Writer, reports []Report) error {
	data := make([]htmlReport, len(reports))
	for i := range reports {
		data[i] = htmlReport{Report: &reports[i], Title: reports[i].title(), Period: reports[i].period()}
	}
	return htmlPage.Execute(w, data)
}

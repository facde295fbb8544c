package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

const (
	localLayout = "Mon 2006-01-02 15:04 MST"
	utcLayout   = "2006-01-02 15:04Z"
)

// summary is the plan's first line.
func (p *Plan) summary() string {
	return fmt.Sprintf("%s (%s): %d windows, %d errors, %d warnings", p.Campaign, p.Release, len(p.Windows), p.Errors(), p.Warnings())
}

// heading names a window: "katuma · Katuma · operator pau".
func (w *Window) heading() string {
	h := w.Instance.Key + " · " + w.Instance.Name
	if n := w.operatorName(); n != "" {
		h += " · operator " + n
	}
	if w.Cancelled() {
		h += " · CANCELLED"
	}
	return h
}

func (w *Window) operatorCell(t time.Time) string {
	if w.OperatorZone == nil {
		return "-"
	}
	return t.In(w.OperatorZone).Format(localLayout)
}

// WriteText writes the plan as aligned text: per window, its timeline in
// local time, UTC and the operator's time, then what it breaks and the
// suggested slot.
func (p *Plan) WriteText(out io.Writer) error {
	var b strings.Builder
	b.WriteString(p.summary() + "\n")
	for _, w := range p.Windows {
		b.WriteString("\n" + w.heading() + "\n")
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "  \tLOCAL (%s)\tUTC\tOPERATOR (%s)\n", w.Instance.Location(), w.operatorLabel())
		for _, e := range w.Timeline() {
			// The last cell of a line is not padded: no trailing spaces.
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s", e.What, e.At.Format(localLayout), e.At.UTC().Format(utcLayout), w.operatorCell(e.At))
			if e.Note != "" {
				fmt.Fprintf(tw, "\t(%s)", e.Note)
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
		for _, line := range p.verdict(w) {
			b.WriteString("  " + line + "\n")
		}
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// verdict is what a window breaks, one line each, and the suggestion.
func (p *Plan) verdict(w *Window) []string {
	switch {
	case w.Cancelled():
		return []string{"cancelled: not checked"}
	case len(w.Findings) == 0:
		return []string{"ok: breaks no rule"}
	}
	var lines []string
	for _, f := range w.Findings {
		lines = append(lines, fmt.Sprintf("%s %s: %s", f.Severity, f.Rule, f.Why))
	}
	return append(lines, p.suggestionLine(w))
}

func (p *Plan) suggestionLine(w *Window) string {
	switch {
	case w.Suggestion != nil:
		return "suggest " + w.Describe(w.Suggestion)
	case w.Passed:
		return "no suggestion: the window started before " + p.Now.Format(time.RFC3339)
	default:
		return fmt.Sprintf("no suggestion: no slot of the same length breaks no rule within %d days after the start", int(Horizon/(24*time.Hour)))
	}
}

// WriteMarkdown writes the plan for a forum post or an issue: a section per
// window with its timeline as a table and its findings as a list.
func (p *Plan) WriteMarkdown(out io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s (%s)\n\n%d windows, %d errors, %d warnings.\n", md(p.Campaign), md(p.Release), len(p.Windows), p.Errors(), p.Warnings())
	for _, w := range p.Windows {
		fmt.Fprintf(&b, "\n## %s\n\n", md(w.heading()))
		fmt.Fprintf(&b, "| | Local (%s) | UTC | Operator (%s) | |\n|---|---|---|---|---|\n", w.Instance.Location(), md(w.operatorLabel()))
		for _, e := range w.Timeline() {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", e.What, e.At.Format(localLayout), e.At.UTC().Format(utcLayout), w.operatorCell(e.At), md(e.Note))
		}
		b.WriteString("\n")
		switch {
		case w.Cancelled():
			b.WriteString("Cancelled: not checked.\n")
		case len(w.Findings) == 0:
			b.WriteString("Breaks no rule.\n")
		default:
			for _, f := range w.Findings {
				fmt.Fprintf(&b, "- **%s** `%s`: %s\n", f.Severity, f.Rule, md(f.Why))
			}
			fmt.Fprintf(&b, "- %s\n", md(p.suggestionLine(w)))
		}
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// md escapes what would break a table cell or start markup.
var md = strings.NewReplacer(`|`, `\|`, `*`, `\*`, `_`, `\_`, "`", "\\`", `<`, `&lt;`).Replace

// JSON shapes: the --format json output, one document.
type (
	jsonPlan struct {
		Campaign string       `json:"campaign"`
		Release  string       `json:"release"`
		Now      *time.Time   `json:"now,omitempty"`
		Errors   int          `json:"errors"`
		Warnings int          `json:"warnings"`
		Windows  []jsonWindow `json:"windows"`
	}
	jsonWindow struct {
		Instance         string     `json:"instance"`
		Name             string     `json:"name"`
		TimeZone         string     `json:"timezone"`
		Operator         string     `json:"operator,omitempty"`
		OperatorTimeZone string     `json:"operator_timezone,omitempty"`
		Cancelled        bool       `json:"cancelled"`
		Start            Times      `json:"start"`
		End              Times      `json:"end"`
		LatestEnd        Times      `json:"latest_end"`
		Notices          []jsonSend `json:"notices"`
		Findings         []Finding  `json:"findings"`
		Suggestion       *jsonSlot  `json:"suggestion"`
		Passed           bool       `json:"passed"`
		ScheduleLine     int        `json:"schedule_line,omitempty"`
	}
	jsonSend struct {
		Notice  string `json:"notice"`
		Planned Times  `json:"planned"`
		Due     Times  `json:"due"`
	}
	jsonSlot struct {
		TOML      string `json:"toml_start"`
		Start     Times  `json:"start"`
		End       Times  `json:"end"`
		LatestEnd Times  `json:"latest_end"`
	}
)

// WriteJSON writes the plan as one JSON document.
func (p *Plan) WriteJSON(out io.Writer) error {
	doc := jsonPlan{Campaign: p.Campaign, Release: p.Release, Errors: p.Errors(), Warnings: p.Warnings(), Windows: []jsonWindow{}}
	if !p.Now.IsZero() {
		now := p.Now.UTC()
		doc.Now = &now
	}
	for _, w := range p.Windows {
		jw := jsonWindow{
			Instance: w.Instance.Key, Name: w.Instance.Name, TimeZone: w.Instance.Location().String(),
			Operator: w.operatorName(), Cancelled: w.Cancelled(), Passed: w.Passed, ScheduleLine: p.Line(w),
			Start: w.TimesOf(w.Window.Begin()), End: w.TimesOf(w.Window.End()), LatestEnd: w.TimesOf(w.Window.LatestEnd()),
			Notices: []jsonSend{}, Findings: w.Findings,
		}
		if w.OperatorZone != nil {
			jw.OperatorTimeZone = w.OperatorZone.String()
		}
		if jw.Findings == nil {
			jw.Findings = []Finding{}
		}
		for _, m := range w.Moments {
			jw.Notices = append(jw.Notices, jsonSend{Notice: string(m.Notice), Planned: w.TimesOf(m.Planned), Due: w.TimesOf(m.Due)})
		}
		if s := w.Suggestion; s != nil {
			jw.Suggestion = &jsonSlot{TOML: s.TOMLStart(), Start: w.TimesOf(s.Start), End: w.TimesOf(s.End), LatestEnd: w.TimesOf(s.LatestEnd)}
		}
		doc.Windows = append(doc.Windows, jw)
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

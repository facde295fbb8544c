package dispatch

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/mail"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ofndb"
	"github.com/openfoodfoundation/announce/internal/render"
)

// WriteText writes the preview for the operator: per notice the window,
// the census by locale, fallback and segment, the skipped rows, the first
// message of each locale as sent (headers decoded, the text part), and the
// forum copy. --out has the exact bytes.
func (pv *Preview) WriteText(w io.Writer) error {
	for i, np := range pv.Notices {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if np.Email {
			if err := printJob(w, np); err != nil {
				return err
			}
		}
		if np.Forum != nil {
			printForumPlan(w, np.NoticePlan)
		}
	}
	return nil
}

func printJob(w io.Writer, np *NoticePreview) error {
	job := np.Job()
	in, win := job.Instance, job.Window
	c := np.Census
	fmt.Fprintf(w, "=== %s (%s) · %s notice · campaign %s, release %s\n", in.Key, in.Name, job.Notice, job.Schedule.Campaign, job.Schedule.Release)
	fmt.Fprintf(w, "window:     %s\n", WindowLine(win, in))
	printGuard(w, np.NoticePlan)
	fmt.Fprintf(w, "recipients: %d from %s", c.Total, in.Recipients)
	if len(c.Invalid) > 0 {
		fmt.Fprintf(w, ", %d invalid rows skipped", len(c.Invalid))
	}
	fmt.Fprintln(w)
	for _, ed := range np.Prepared.Editions() {
		fmt.Fprintf(w, "  %-6s %5d  %s\n", ed.Locale(), c.PerLocale[ed.Locale()], ed.Subject())
	}
	for _, fb := range []render.Fallback{render.NoLocale, render.NotOffered} {
		if n := c.Fallback[fb]; n > 0 {
			fmt.Fprintf(w, "  %d read the default locale %s (%s)\n", n, np.Prepared.Editions()[0].Locale(), fb)
		}
	}
	regional := slices.SortedFunc(maps.Keys(c.Regional), func(a, b RegionalFallback) int {
		return cmp.Or(strings.Compare(a.Reader, b.Reader), strings.Compare(a.Edition, b.Edition))
	})
	for _, rf := range regional {
		fmt.Fprintf(w, "  %d %s read %s (%s)\n", c.Regional[rf], rf.Reader, rf.Edition, render.OtherRegion)
	}
	printSegments(w, np)
	for _, bad := range c.Invalid {
		fmt.Fprintf(w, "  skipped %s\n", bad)
	}
	for _, ed := range np.Prepared.Editions() {
		d, ok := np.Samples[ed.Locale()]
		if !ok {
			continue // nobody reads this locale
		}
		loc := ed.Locale()
		fmt.Fprintf(w, "\n--- %s message, as sent to %s ---\n", loc, d.Message.Recipient.Email)
		if err := printMessage(w, d); err != nil {
			return err
		}
	}
	return nil
}

// WindowLine is the window for the operator: local time, UTC, possible extra.
func WindowLine(w *config.Window, in *config.Instance) string {
	loc := in.Location()
	b, e, l := w.Begin().In(loc), w.End().In(loc), w.LatestEnd().In(loc)
	s := fmt.Sprintf("%s–%s %s (%s)", b.Format("Mon 2006-01-02 15:04"), e.Format("15:04"), zoneLabel(e), loc)
	if zoneLabel(b) != zoneLabel(e) {
		s = fmt.Sprintf("%s %s–%s %s (%s)", b.Format("Mon 2006-01-02 15:04"), zoneLabel(b), e.Format("15:04"), zoneLabel(e), loc)
	}
	if !sameDate(b, e) {
		s = fmt.Sprintf("%s %s – %s %s (%s)", b.Format("Mon 2006-01-02 15:04"), zoneLabel(b), e.Format("Mon 2006-01-02 15:04"), zoneLabel(e), loc)
	}
	s += fmt.Sprintf(" = %s–%s UTC", b.UTC().Format("2006-01-02 15:04"), e.UTC().Format("15:04"))
	if w.Extra.Duration > 0 {
		s += fmt.Sprintf(", may run %s longer (until %s %s)", shortDuration(w.Extra.Duration), l.Format("15:04"), zoneLabel(l))
	}
	return s
}

// shortDuration writes 1h, 1h30m, 45m rather than time.Duration's 1h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(s, "h0m") + map[bool]string{true: "h", false: ""}[strings.HasSuffix(s, "h0m")]
}

func zoneLabel(t time.Time) string { return t.Format("MST") }

func sameDate(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// printMessage shows the message's headers decoded for reading and its plain
// text part; --out has the exact bytes.
func printMessage(w io.Writer, d *Delivery) error {
	var raw bytes.Buffer
	if _, err := d.Msg.WriteTo(&raw); err != nil {
		return err
	}
	m, err := mail.ReadMessage(&raw)
	if err != nil {
		return fmt.Errorf("read back built message: %w", err)
	}
	dec := new(mime.WordDecoder)
	keys := make([]string, 0, len(m.Header))
	for k := range m.Header {
		if k == "Content-Type" || k == "Mime-Version" {
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range m.Header[k] {
			if dv, err := dec.DecodeHeader(v); err == nil {
				v = dv
			}
			fmt.Fprintf(w, "%s: %s\n", k, strings.Join(strings.Fields(v), " "))
		}
	}
	fmt.Fprintf(w, "\n%s", d.Message.Text)
	if !strings.HasSuffix(d.Message.Text, "\n") {
		fmt.Fprintln(w)
	}
	return nil
}

// printSegments adds the census per segment and locale to the dry run of an
// instance whose recipients come from its database (segments strongest
// first; a CSV's free-form roles are not counted).
// printGuard says when the notice is due and whether a send by hand may go
// now (the timing guard), or what it would refuse.
func printGuard(w io.Writer, np *NoticePlan) {
	g := np.Guard
	fmt.Fprintf(w, "timing:     %s\n", g.Timing)
	switch {
	case !g.Refused():
		fmt.Fprintf(w, "by hand:    may go now\n")
	case g.Forced:
		fmt.Fprintf(w, "by hand:    refused now (%s); --force sends it anyway, and the ledger records that\n", g.Refusal)
	default:
		fmt.Fprintf(w, "by hand:    refused now: %s (--force sends it anyway)\n", g.Refusal)
	}
}

func printSegments(w io.Writer, np *NoticePreview) {
	if np.Job().Instance.Database() == nil {
		return
	}
	for _, s := range ofndb.Segments {
		per := np.Census.PerRole[s.Role()]
		if len(per) == 0 {
			continue
		}
		total := 0
		var parts []string
		for _, ed := range np.Prepared.Editions() {
			if n := per[ed.Locale()]; n > 0 {
				total += n
				parts = append(parts, fmt.Sprintf("%s %d", ed.Locale(), n))
			}
		}
		fmt.Fprintf(w, "  %-24s %5d  as %s (%s)\n", string(s)+":", total, s.Role(), strings.Join(parts, ", "))
	}
}

// Did says what posting a forum copy did, for the operator.
func (a ForumAction) Did() string { return forumDid[a] }

var forumDid = map[ForumAction]string{
	ForumCreate:  "created the topic",
	ForumReply:   "replied in the topic",
	ForumUpdate:  "edited the post",
	ForumNothing: "already posted, unchanged",
	ForumChanged: "the text changed since it was posted; run with --update to edit the post",
}

// printForumPlan shows the forum copy a send would post and how.
func printForumPlan(w io.Writer, np *NoticePlan) {
	job, f := np.Job(), np.Forum
	fmt.Fprintf(w, "\n--- forum copy: %s, %s (category %s) ---\n", f.Action, f.Endpoint, job.Instance.Forum.Category)
	if job.Notice == config.Announce {
		fmt.Fprintf(w, "title: %s\nexternal_id: %s\n", f.Copy.Title, f.Copy.ExternalID)
	}
	fmt.Fprintf(w, "\n%s", f.Copy.Markdown)
}

// WriteText writes the summary of a send for the operator: the counts by
// outcome, the invalid rows, each failure with the server's reply. head is
// its first line ("katuma announce notice: 13 recipients").
func (s *Summary) WriteText(w io.Writer, head string) {
	fmt.Fprintln(w, head)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	for r := Sent; r <= Unrecorded; r++ {
		if s.Counts[r] > 0 || r <= Suppressed {
			fmt.Fprintf(tw, "  %d\t %s\n", s.Counts[r], r)
		}
	}
	if len(s.Invalid) > 0 {
		fmt.Fprintf(tw, "  %d\t invalid rows skipped\n", len(s.Invalid))
	}
	tw.Flush()
	for _, f := range s.Failures {
		what := "failed"
		if f.Result == Uncertain {
			what = "uncertain"
		}
		fmt.Fprintf(w, "  %s %s: %s\n", what, f.Recipient, f.Reply)
	}
	if s.Stopped != "" {
		fmt.Fprintf(w, "  stopped, %d not sent: %s\n", s.Counts[NotSent], s.Stopped)
	}
}

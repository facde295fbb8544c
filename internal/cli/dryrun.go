package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/render"
)

type dryRunPlan struct {
	instances   *config.Instances
	schedule    *config.Schedule
	renderer    *render.Renderer
	keys        []string
	notices     []config.Notice // nil: every notice of each window
	out         string
	skipInvalid bool
	forum       forumFlags
	// posted is what the ledger says was posted on the forums (dry run).
	posted map[[2]string]ledger.ForumPost
	// changes holds, per instance, what a reschedule or cancel notice
	// corrects and who was told (from the ledger).
	changes map[string]*change
	// sequences is each instance's calendar SEQUENCE so far (from the ledger).
	sequences map[string]int
}

type change struct {
	*dispatch.Change
	only map[string]bool
}

// forumFlags are --no-forum, --forum-only and --update.
type forumFlags struct{ skip, only, update bool }

// job is one notice of one instance, prepared and counted.
type job struct {
	prep   *render.Prepared
	census *dispatch.Census
	// only, for a reschedule or cancel, is who was told (nil: everyone).
	only map[string]bool
}

// dryRun prepares every job first — so every input error surfaces before any
// output — then renders each message and shows (and with --out writes) it.
func dryRun(ctx context.Context, env *Env, plan dryRunPlan) error {
	jobs, err := prepareJobs(plan)
	if err != nil {
		return err
	}
	var stage string
	if plan.out != "" {
		if stage, err = stageDir(plan.out); err != nil {
			return err
		}
		defer os.RemoveAll(stage) // gone after the rename; left only on failure
	}
	now := env.Now()
	w := env.Stdout
	for i, j := range jobs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		sink := &previewSink{dir: stage, samples: map[string]*dispatch.Delivery{}}
		if stage != "" {
			sink.dir = filepath.Join(stage, j.prep.Job().Instance.Key, string(j.prep.Job().Notice))
			if err := os.MkdirAll(sink.dir, 0o755); err != nil {
				return err
			}
			if err := writeForum(sink.dir, j.prep); err != nil {
				return err
			}
		}
		var only func(string) bool
		if j.only != nil {
			only = func(k string) bool { return j.only[k] }
		}
		if err := dispatch.Run(ctx, j.prep, j.prep.Job().Instance.Recipients, now, sink, only); err != nil {
			return err
		}
		if !plan.forum.only {
			if err := printJob(w, j, sink); err != nil {
				return err
			}
		}
		if in := j.prep.Job().Instance; in.Forum != nil && !plan.forum.skip {
			if err := printForumPlan(w, j.prep, plan.posted, plan.forum.update); err != nil {
				return err
			}
		}
	}
	if stage != "" {
		if err := publish(stage, plan.out); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "wrote the messages to %s\n", plan.out)
	}
	return nil
}

func prepareJobs(plan dryRunPlan) ([]job, error) {
	var jobs []job
	var invalid []error
	for _, key := range plan.keys {
		in := plan.instances.Instances[key]
		w, _ := plan.schedule.Window(key)
		notices := plan.notices
		if notices == nil {
			notices = w.Notices
		}
		for _, n := range notices {
			if !w.Sends(n) && n != config.Reschedule && n != config.Cancel {
				return nil, badInput(fmt.Errorf("%s: the window of %s does not send the %s notice (notices = %v)", plan.schedule.File, key, n, w.Notices))
			}
			rj := render.Job{Schedule: plan.schedule, Instance: in, Window: w, Notice: n}
			var only map[string]bool
			if n == config.Reschedule || n == config.Cancel {
				c := plan.changes[key]
				if c == nil {
					return nil, badInput(fmt.Errorf("%s: nobody was told of a window yet (no announce or reminder sent): a %s notice has nothing to correct", key, n))
				}
				rj.Previous, rj.Seq, rj.Sequence, only = &c.Previous, c.Seq, c.Sequence, c.only
			} else {
				rj.Sequence = plan.sequences[key]
			}
			prep, err := plan.renderer.Prepare(rj)
			if err != nil {
				return nil, badInput(err)
			}
			c, err := dispatch.TakeCensus(prep, in.Recipients)
			if err != nil {
				return nil, err
			}
			if len(c.Invalid) > 0 && !plan.skipInvalid {
				invalid = append(invalid, &dispatch.InvalidError{Rows: c.Invalid})
			}
			jobs = append(jobs, job{prep: prep, census: c, only: only})
			if len(c.Invalid) > 0 {
				break // one census per recipients file is enough to report its rows
			}
		}
	}
	if len(invalid) > 0 {
		return nil, errors.Join(append(invalid, errors.New("(fix the rows, or pass --skip-invalid to send to the others)"))...)
	}
	return jobs, nil
}

// previewSink keeps the first message of each locale and, with a directory,
// writes every message there as the exact bytes a send would transmit.
type previewSink struct {
	dir     string
	n       int
	samples map[string]*dispatch.Delivery
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9@._+-]`)

func (s *previewSink) Deliver(_ context.Context, d *dispatch.Delivery) error {
	s.n++
	if _, ok := s.samples[d.Message.Locale]; !ok {
		s.samples[d.Message.Locale] = d
	}
	if s.dir == "" {
		return nil
	}
	name := fmt.Sprintf("%06d-%s.eml", d.Message.Recipient.Line, unsafeName.ReplaceAllString(d.Message.Recipient.Email, "_"))
	var b bytes.Buffer
	if _, err := d.Msg.WriteTo(&b); err != nil {
		return fmt.Errorf("write message to %s: %w", d.Message.Recipient.Email, err)
	}
	return os.WriteFile(filepath.Join(s.dir, name), b.Bytes(), 0o644)
}

// writeForum writes the forum copy in the instance's default language.
func writeForum(dir string, p *render.Prepared) error {
	post, err := p.Forum(p.Editions()[0])
	if err != nil {
		return badInput(err)
	}
	return os.WriteFile(filepath.Join(dir, "forum.md"), []byte(forumFile(post)), 0o644)
}

func forumFile(p *render.Post) string {
	return fmt.Sprintf("---\ntitle: %s\nlocale: %s\n---\n%s", p.Title, p.Locale, p.Markdown)
}

// stageDir makes a sibling of out to write into; publish renames it into
// place, so a run that fails leaves no half-written output behind.
func stageDir(out string) (string, error) {
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return "", usageError("--out %s: directory is not empty", out)
	}
	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	return os.MkdirTemp(parent, "."+filepath.Base(out)+".tmp-")
}

func publish(stage, out string) error {
	if err := os.Remove(out); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.Rename(stage, out)
}

func printJob(w io.Writer, j job, s *previewSink) error {
	job := j.prep.Job()
	in, win := job.Instance, job.Window
	c := j.census
	fmt.Fprintf(w, "=== %s (%s) · %s notice · campaign %s, release %s\n", in.Key, in.Name, job.Notice, job.Schedule.Campaign, job.Schedule.Release)
	fmt.Fprintf(w, "window:     %s\n", windowLine(win, in))
	fmt.Fprintf(w, "recipients: %d from %s", c.Total, in.Recipients)
	if len(c.Invalid) > 0 {
		fmt.Fprintf(w, ", %d invalid rows skipped", len(c.Invalid))
	}
	fmt.Fprintln(w)
	for _, ed := range j.prep.Editions() {
		fmt.Fprintf(w, "  %-6s %5d  %s\n", ed.Locale(), c.PerLocale[ed.Locale()], ed.Subject())
	}
	for _, fb := range []render.Fallback{render.NoLocale, render.NotOffered} {
		if n := c.Fallback[fb]; n > 0 {
			fmt.Fprintf(w, "  %d read the default locale %s (%s)\n", n, j.prep.Editions()[0].Locale(), fb)
		}
	}
	printSegments(w, j)
	for _, bad := range c.Invalid {
		fmt.Fprintf(w, "  skipped %s\n", bad)
	}
	for _, ed := range j.prep.Editions() {
		d, ok := s.samples[ed.Locale()]
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

// windowLine is the window for the operator: local time, UTC, possible extra.
func windowLine(w *config.Window, in *config.Instance) string {
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
func printMessage(w io.Writer, d *dispatch.Delivery) error {
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

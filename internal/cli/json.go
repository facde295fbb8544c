package cli

import (
	"encoding/json"
	"io"
	"time"

	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/recipients"
)

// The --format json shapes, documented in README ("Output for scripts").
// Each command writes JSON lines (one object a line) unless said otherwise.

// checkFormat refuses a --format the command (by its path) does not write.
func checkFormat(cmd, f string) error {
	for _, v := range formats[cmd] {
		if v == f {
			return nil
		}
	}
	return usageError("--format %q: want one of %v", f, formats[cmd])
}

func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// windowJSON is a window in UTC.
type windowJSON struct {
	Begin     time.Time `json:"begin"`
	End       time.Time `json:"end"`
	LatestEnd time.Time `json:"latest_end"`
}

type editionJSON struct {
	Locale     string `json:"locale"`
	Subject    string `json:"subject"`
	Recipients int    `json:"recipients"`
}

type forumJSON struct {
	Action   string `json:"action"`
	Endpoint string `json:"endpoint,omitempty"` // dry run: the request it would make
	Title    string `json:"title,omitempty"`
	URL      string `json:"url,omitempty"` // send: the post
}

// dryRunJSON is one notice of a dry run (announce --dry-run --format json).
type dryRunJSON struct {
	Instance    string        `json:"instance"`
	Notice      string        `json:"notice"`
	Campaign    string        `json:"campaign"`
	Release     string        `json:"release"`
	Window      windowJSON    `json:"window"`
	Email       bool          `json:"email"` // false: --forum-only
	Recipients  int           `json:"recipients"`
	AlreadySent int           `json:"already_sent"`
	Messages    int           `json:"messages"` // built (and written with --out)
	Editions    []editionJSON `json:"editions"`
	InvalidRows []string      `json:"invalid_rows"`
	Forum       *forumJSON    `json:"forum"` // null: no forum, or --no-forum
}

func writeDryRunJSON(w io.Writer, pv *dispatch.Preview) error {
	enc := newEncoder(w)
	for _, np := range pv.Notices {
		job := np.Job()
		v := dryRunJSON{Instance: job.Instance.Key, Notice: string(job.Notice), Campaign: job.Schedule.Campaign, Release: job.Schedule.Release,
			Window: windowJSON{job.Window.Begin().UTC(), job.Window.End().UTC(), job.Window.LatestEnd().UTC()},
			Email:  np.Email, Recipients: np.Census.Total, AlreadySent: np.AlreadySent, Messages: np.Messages,
			Editions: []editionJSON{}, InvalidRows: rowErrors(np.Census.Invalid)}
		for _, ed := range np.Prepared.Editions() {
			v.Editions = append(v.Editions, editionJSON{ed.Locale(), ed.Subject(), np.Census.PerLocale[ed.Locale()]})
		}
		if f := np.Forum; f != nil {
			v.Forum = &forumJSON{Action: string(f.Action), Endpoint: f.Endpoint, Title: f.Copy.Title}
		}
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	return nil
}

func rowErrors(rows []*recipients.RowError) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, r.Error())
	}
	return out
}

// resultJSON is one notice a send or a due run dealt with (announce
// --notice N --format json, due --format json), written when the run ends.
type resultJSON struct {
	Instance    string         `json:"instance"`
	Notice      string         `json:"notice"`
	Due         *time.Time     `json:"due,omitempty"` // due: the notice's moment
	State       string         `json:"state"`         // done, expired or would send (due --dry-run)
	Reason      string         `json:"reason,omitempty"`
	Recipients  int            `json:"recipients"`
	Counts      map[string]int `json:"counts,omitempty"` // by outcome, when emails were sent
	InvalidRows int            `json:"invalid_rows"`
	Failures    []failureJSON  `json:"failures,omitempty"`
	Forum       *forumJSON     `json:"forum,omitempty"`
}

type failureJSON struct {
	Recipient string `json:"recipient"`
	Reply     string `json:"reply"`
}

// outcomeNames are the keys of resultJSON.Counts, by dispatch.Result.
var outcomeNames = [...]string{"sent", "already_sent", "suppressed", "failed_temporary", "failed_permanent", "held_by_another_run"}

// results collects what a send or due run reports, in order.
type results struct {
	list []*resultJSON
}

func (rs *results) get(instance, notice string) *resultJSON {
	for _, r := range rs.list {
		if r.Instance == instance && r.Notice == notice {
			return r
		}
	}
	r := &resultJSON{Instance: instance, Notice: notice, State: "done"}
	rs.list = append(rs.list, r)
	return r
}

func (rs *results) add(e dispatch.Event) {
	switch e := e.(type) {
	case dispatch.SendFinished:
		job := e.Notice.Job()
		r := rs.get(job.Instance.Key, string(job.Notice))
		r.Recipients = e.Notice.Census.Total
		if s := e.Summary; s != nil {
			r.Counts = map[string]int{}
			for i, n := range s.Counts {
				r.Counts[outcomeNames[i]] = n
			}
			r.InvalidRows = len(s.Invalid)
			for _, f := range s.Failures {
				r.Failures = append(r.Failures, failureJSON{f.Recipient, f.Reply})
			}
		}
	case dispatch.ForumPosted:
		rs.get(e.Instance, e.Notice).Forum = &forumJSON{Action: string(e.Result.Action), URL: e.Result.URL}
	case dispatch.DueExpired:
		r := rs.due(e.Action)
		r.State, r.Reason = "expired", e.Action.Reason
	case dispatch.DueSending:
		if r := rs.due(e.Action); e.DryRun {
			r.State = "would send"
		}
	}
}

func (rs *results) due(a dispatch.Action) *resultJSON {
	r := rs.get(a.Instance, string(a.Moment.Notice))
	at := a.Moment.Due.UTC()
	r.Due = &at
	return r
}

func (rs *results) write(w io.Writer) error {
	enc := newEncoder(w)
	for _, r := range rs.list {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// jsonIf makes the reporter collect the results for --format json rather
// than print the summaries (progress still goes to stderr).
func (r *reporter) jsonIf(format string) {
	if format == "json" {
		r.res = &results{}
	}
}

// events is the callback for dispatch: printing, or collecting for JSON.
func (r *reporter) events() func(dispatch.Event) {
	if r.res == nil {
		return r.report
	}
	return func(e dispatch.Event) {
		switch e.(type) {
		case dispatch.SendStarted, dispatch.Progressed, dispatch.NothingDue:
			r.report(e) // stderr
			return
		case dispatch.SendFinished:
			r.pr.Finish()
		}
		r.res.add(e)
	}
}

// flush writes the collected results, also after a failed run (what was
// done is done), and returns the run's error.
func (r *reporter) flush(err error) error {
	if r.res == nil {
		return err
	}
	if werr := r.res.write(r.env.Stdout); err == nil {
		err = werr
	}
	return err
}

// suppressionJSON is one address of suppress list --format json.
type suppressionJSON struct {
	Address string    `json:"address"`
	Since   time.Time `json:"since"`
	Source  string    `json:"source"`
	Reason  string    `json:"reason"`
}

func writeSuppressionsJSON(w io.Writer, ss []ledger.Suppression) error {
	enc := newEncoder(w)
	for _, s := range ss {
		if err := enc.Encode(suppressionJSON{s.Address, s.Since.UTC(), s.Source, s.Reason}); err != nil {
			return err
		}
	}
	return nil
}

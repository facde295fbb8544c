package dispatch

import (
	"encoding/json"
	"io"
	"time"

	"github.com/openfoodfoundation/announce/internal/recipients"
)

// The --format json shapes of the dry run, the send and the due run,
// documented in README ("Output for scripts").

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

// DryRunJSON is one notice of a dry run (announce --dry-run --format json).
type DryRunJSON struct {
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

// WriteJSON writes the preview as JSON lines, one object a notice (the
// shape is in README, "Output for scripts").
func (pv *Preview) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, np := range pv.Notices {
		job := np.Job()
		v := DryRunJSON{Instance: job.Instance.Key, Notice: string(job.Notice), Campaign: job.Schedule.Campaign, Release: job.Schedule.Release,
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

// ResultJSON is one notice a send or a due run dealt with (announce
// --notice N --format json, due --format json), written when the run ends.
type ResultJSON struct {
	Instance    string         `json:"instance"`
	Notice      string         `json:"notice"`
	Due         *time.Time     `json:"due,omitempty"` // due: the notice's moment
	State       string         `json:"state"`         // done, expired or would send (due --dry-run)
	Reason      string         `json:"reason,omitempty"`
	Recipients  int            `json:"recipients"`
	Counts      map[string]int `json:"counts,omitempty"` // by outcome, when emails were sent
	InvalidRows int            `json:"invalid_rows"`
	Failures    []failureJSON  `json:"failures,omitempty"` // failed or uncertain, with the server's reply
	Stopped     string         `json:"stopped,omitempty"`  // why the run stopped before the end (Ctrl-C, the server refused the run)
	Forum       *forumJSON     `json:"forum,omitempty"`
}

type failureJSON struct {
	Recipient string `json:"recipient"`
	Reply     string `json:"reply"`
}

// outcomeNames are the keys of resultJSON.Counts, by Result.
var outcomeNames = [...]string{"sent", "already_sent", "suppressed", "failed_temporary", "failed_permanent", "held_by_another_run",
	"uncertain", "not_sent", "unrecorded"}

// Results collects what a send or due run reports, in order, for --format
// json: the send summary and the due run as one value.
type Results struct {
	list []*ResultJSON
}

func (rs *Results) get(instance, notice string) *ResultJSON {
	for _, r := range rs.list {
		if r.Instance == instance && r.Notice == notice {
			return r
		}
	}
	r := &ResultJSON{Instance: instance, Notice: notice, State: "done"}
	rs.list = append(rs.list, r)
	return r
}

// Add records what e says; call it from the Report callback for every
// event but Progressed.
func (rs *Results) Add(e Event) {
	switch e := e.(type) {
	case SendFinished:
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
			r.Stopped = s.Stopped
		}
	case ForumPosted:
		rs.get(e.Instance, e.Notice).Forum = &forumJSON{Action: string(e.Result.Action), URL: e.Result.URL}
	case DueExpired:
		r := rs.due(e.Action)
		r.State, r.Reason = "expired", e.Action.Reason
	case DueSending:
		if r := rs.due(e.Action); e.DryRun {
			r.State = "would send"
		}
	}
}

func (rs *Results) due(a Action) *ResultJSON {
	r := rs.get(a.Instance, string(a.Moment.Notice))
	at := a.Moment.Due.UTC()
	r.Due = &at
	return r
}

// WriteJSON writes the results as JSON lines, one object a notice.
func (rs *Results) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range rs.list {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

package digest

import (
	"encoding/json"
	"io"
	"time"
)

// jsonReport is the JSON of one report: one object per line.
type jsonReport struct {
	Instance   string       `json:"instance"`
	Name       string       `json:"name"`
	Mailbox    string       `json:"mailbox"`
	Campaign   string       `json:"campaign"`
	Since      *time.Time   `json:"since,omitempty"`
	Generated  time.Time    `json:"generated"`
	Counts     Counts       `json:"counts"`
	Unanswered int          `json:"unanswered"`
	Suppressed []Suppressed `json:"suppressed"`
	Suspicious []Suppressed `json:"suspicious,omitempty"`
	Replies    []Reply      `json:"replies"`
	// Problems are sender-side failures: ours to fix.
	Problems    []Problem `json:"problems"`
	AlsoInInbox []Message `json:"also_in_inbox"`
}

func writeJSON(w io.Writer, reports []Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range reports {
		j := jsonReport{Instance: r.Instance, Name: r.Name, Mailbox: r.Mailbox, Campaign: r.Campaign, Generated: r.Generated,
			Counts: r.Counts, Unanswered: r.Unanswered(), Suppressed: r.Suppressed, Suspicious: r.Suspicious, Replies: make([]Reply, len(r.Replies))}
		if !r.Since.IsZero() {
			j.Since = &r.Since
		}
		if j.Suppressed == nil {
			j.Suppressed = []Suppressed{}
		}
		j.Problems, j.AlsoInInbox = []Problem{}, make([]Message, len(r.AlsoInInbox))
		for _, p := range r.Problems {
			p.Last = p.Last.In(r.zone())
			j.Problems = append(j.Problems, p)
		}
		for i, m := range r.AlsoInInbox {
			m.Date = m.Date.In(r.zone())
			j.AlsoInInbox[i] = m
		}
		for i, p := range r.Replies {
			p.Date = p.Date.In(r.zone())
			p.Text = excerpt(p.Text)
			j.Replies[i] = p
		}
		if err := enc.Encode(j); err != nil {
			return err
		}
	}
	return nil
}

// Package digest writes what came back to an instance's support inbox after a
// notice — counts, what was suppressed, and each person's reply — as text,
// Markdown, HTML or JSON. It is pure: a Report in, bytes out; everything that
// came from a message is escaped for the format it goes into.
package digest

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Report is one instance's digest.
type Report struct {
	Instance string         // key, e.g. "katuma"
	Name     string         // display name, e.g. "Katuma"
	Zone     *time.Location // dates are shown in it; nil is UTC
	Mailbox  string
	Campaign string
	// Since is the start of the period covered; zero means "everything new
	// since the last digest".
	Since      time.Time
	Generated  time.Time
	Counts     Counts
	Suppressed []Suppressed
	// Suspicious are bounces that suppressed nobody: the Message-ID they
	// quote was never sent to the address they name (forged, or
	// misdirected). Reason says which Message-ID. Each is also counted as
	// a bounce, so a report with one is never Empty.
	Suspicious []Suppressed
	Replies    []Reply // people's replies; Sort orders them
	// Problems are bounces for reasons of ours (SPF, DKIM, DMARC, a block
	// list, content judged spam…): the addresses are fine and stay, and
	// every later message fails the same way until we fix it.
	Problems []Problem
	// AlsoInInbox is mail from people that answers no notice: the support
	// inbox is where they wrote.
	AlsoInInbox []Message
}

// Problem is one sender-side failure, with the reply that said so, and the
// addresses it hit.
type Problem struct {
	Reason    string    `json:"reason"` // the bounce-reason taxonomy's: authfailure, blocked…
	Status    string    `json:"status"`
	Reply     string    `json:"reply"` // the server's words
	Addresses []string  `json:"addresses"`
	Last      time.Time `json:"last"`
}

// Message is a person's mail that answers no notice of ours.
type Message struct {
	From     string    `json:"from"`
	Address  string    `json:"address"`
	Date     time.Time `json:"date"`
	Subject  string    `json:"subject"`
	Answered bool      `json:"answered"`
}

// AddProblem adds one sender-side bounce, grouped with those of the same
// reason, status and reply.
func (r *Report) AddProblem(reason, status, reply, address string, date time.Time) {
	for i := range r.Problems {
		p := &r.Problems[i]
		if p.Reason == reason && p.Status == status && p.Reply == reply {
			if !slices.Contains(p.Addresses, address) {
				p.Addresses = append(p.Addresses, address)
			}
			if date.After(p.Last) {
				p.Last = date
			}
			return
		}
	}
	r.Problems = append(r.Problems, Problem{Reason: reason, Status: status, Reply: reply, Addresses: []string{address}, Last: date})
}

// Counts are the messages of each kind in the period, and the deliveries
// sent in the campaign.
type Counts struct {
	Sent        int `json:"sent"`
	Replies     int `json:"replies"`
	AutoReplies int `json:"auto_replies"`
	HardBounces int `json:"hard_bounces"`
	SoftBounces int `json:"soft_bounces"`
	Complaints  int `json:"complaints"`
	AlsoInInbox int `json:"also_in_inbox"` // people's mail answering no notice
	Unrelated   int `json:"unrelated"`
}

// Suppressed is an address a bounce put on the suppression list.
type Suppressed struct {
	Address string `json:"address"`
	Reason  string `json:"reason"`
}

// Reply is what one person wrote back.
type Reply struct {
	From     string    `json:"from"` // as written: "Name <address>"
	Address  string    `json:"address"`
	Locale   string    `json:"locale,omitempty"`
	Date     time.Time `json:"date"`
	Subject  string    `json:"subject"`
	Notice   string    `json:"notice,omitempty"`
	Text     string    `json:"text"` // what they wrote, the quoted notice stripped
	Answered bool      `json:"answered"`
}

// Sort puts the replies that wait for an answer first, each group oldest
// first.
func (r *Report) Sort() {
	slices.SortStableFunc(r.Replies, func(a, b Reply) int {
		if a.Answered != b.Answered {
			if a.Answered {
				return 1
			}
			return -1
		}
		return a.Date.Compare(b.Date)
	})
	slices.SortFunc(r.Suppressed, func(a, b Suppressed) int { return cmp.Compare(a.Address, b.Address) })
	slices.SortStableFunc(r.AlsoInInbox, func(a, b Message) int {
		if a.Answered != b.Answered {
			if a.Answered {
				return 1
			}
			return -1
		}
		return a.Date.Compare(b.Date)
	})
	for i := range r.Problems {
		slices.Sort(r.Problems[i].Addresses)
	}
	slices.SortFunc(r.Problems, func(a, b Problem) int { return cmp.Compare(len(b.Addresses), len(a.Addresses)) })
}

// Unanswered counts the replies without \Answered.
func (r *Report) Unanswered() int {
	n := 0
	for _, p := range r.Replies {
		if !p.Answered {
			n++
		}
	}
	return n
}

// Empty reports whether nothing arrived in the period.
func (r *Report) Empty() bool {
	c := r.Counts
	return c.Replies+c.AutoReplies+c.HardBounces+c.SoftBounces+c.Complaints+c.AlsoInInbox+c.Unrelated == 0 &&
		len(r.Suppressed) == 0 && len(r.Problems) == 0 && len(r.AlsoInInbox) == 0
}

// problemHeading is the loud line above the problems of ours.
func problemHeading(r *Report) string {
	n := 0
	for _, p := range r.Problems {
		n += len(p.Addresses)
	}
	return fmt.Sprintf("PROBLEM OF OURS: %d address(es) refused our mail for a reason on our side; the addresses stay, "+
		"and every later message will fail the same way until it is fixed", n)
}

// addressList names the first few addresses of a problem.
func addressList(as []string) string {
	const show = 3
	if len(as) <= show {
		return strings.Join(as, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(as[:show], ", "), len(as)-show)
}

func (r *Report) zone() *time.Location {
	if r.Zone == nil {
		return time.UTC
	}
	return r.Zone
}

// date is a time as the instance's people read it, with its zone.
func (r *Report) date(t time.Time) string {
	if t.IsZero() {
		return "(no date)"
	}
	return t.In(r.zone()).Format("Mon 2006-01-02 15:04 MST")
}

func (r *Report) title() string {
	name := r.Name
	if name == "" {
		name = r.Instance
	}
	return name
}

func (r *Report) period() string {
	if r.Since.IsZero() {
		return "new since the last digest"
	}
	return "since " + r.date(r.Since)
}

// Format is an output format.
type Format string

// Formats.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	HTML     Format = "html"
	JSON     Format = "json"
)

// ParseFormat checks a format's name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case Text, Markdown, HTML, JSON:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want text, markdown, html or json)", s)
}

// Write writes the reports in format f.
func Write(w io.Writer, f Format, reports []Report) error {
	for i := range reports {
		reports[i].Sort()
	}
	switch f {
	case Text:
		return writeText(w, reports)
	case Markdown:
		return writeMarkdown(w, reports)
	case HTML:
		return writeHTML(w, reports)
	case JSON:
		return writeJSON(w, reports)
	}
	return fmt.Errorf("unknown format %q", f)
}

// Excerpt limits.
const (
	excerptLines = 8
	excerptChars = 800
)

// excerpt is the first lines of what a person wrote: at most excerptLines
// lines and excerptChars bytes, blank runs folded, with … when cut.
func excerpt(text string) string {
	var lines []string
	size := 0
	cut := false
	blank := false
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		l = strings.TrimRight(l, " \t\r")
		if l == "" {
			if !blank && len(lines) > 0 {
				lines = append(lines, "")
			}
			blank = true
			continue
		}
		blank = false
		if len(lines) == excerptLines || size+len(l) > excerptChars {
			cut = true
			if len(lines) < excerptLines && size < excerptChars {
				n := excerptChars - size
				for n > 0 && !utf8.RuneStart(l[n]) {
					n--
				}
				lines = append(lines, l[:n])
			}
			break
		}
		lines = append(lines, l)
		size += len(l) + 1
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	out := strings.Join(lines, "\n")
	if cut {
		out += " …"
	}
	return out
}

// clean makes one-line text of a header value: control characters (a
// hostile subject's escape sequences, bidi overrides aside) become spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}

// cleanText is clean for multi-line text: newlines stay.
func cleanText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}

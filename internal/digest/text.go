package digest

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

func countsLine(c Counts) string {
	return fmt.Sprintf("sent %d · replies %d · auto-replies %d · hard bounces %d · soft bounces %d · complaints %d · also in the inbox %d · unrelated %d",
		c.Sent, c.Replies, c.AutoReplies, c.HardBounces, c.SoftBounces, c.Complaints, c.AlsoInInbox, c.Unrelated)
}

func answered(p Reply) string { return answeredWord(p.Answered) }

func answeredWord(a bool) string {
	if a {
		return "answered"
	}
	return "unanswered"
}

func writeText(w io.Writer, reports []Report) error {
	b := bufio.NewWriter(w)
	for i, r := range reports {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(b, "%s (%s), %s: %s\n", clean(r.title()), r.Instance, clean(r.Mailbox), r.period())
		if r.Empty() {
			fmt.Fprintf(b, "  nothing new (%d sent in %s)\n", r.Counts.Sent, r.Campaign)
			continue
		}
		fmt.Fprintf(b, "  %s\n", countsLine(r.Counts))
		if len(r.Problems) > 0 {
			fmt.Fprintf(b, "\n  !!! %s:\n", problemHeading(&r))
			for _, p := range r.Problems {
				fmt.Fprintf(b, "    %s %s, last %s (%s):\n      %s\n", clean(p.Reason), clean(p.Status), r.date(p.Last),
					clean(addressList(p.Addresses)), clean(p.Reply))
			}
		}
		if len(r.Suppressed) > 0 {
			fmt.Fprintf(b, "\n  Suppressed (%d):\n", len(r.Suppressed))
			for _, s := range r.Suppressed {
				fmt.Fprintf(b, "    %s: %s\n", clean(s.Address), clean(s.Reason))
			}
		}
		if len(r.Suspicious) > 0 {
			fmt.Fprintf(b, "\n  Suspicious bounces, not suppressed (%d):\n", len(r.Suspicious))
			for _, s := range r.Suspicious {
				fmt.Fprintf(b, "    %s: %s\n", clean(s.Address), clean(s.Reason))
			}
		}
		if len(r.Replies) > 0 {
			fmt.Fprintf(b, "\n  Replies (%d, %d unanswered), unanswered first, oldest first:\n", len(r.Replies), r.Unanswered())
			for _, p := range r.Replies {
				loc := ""
				if p.Locale != "" {
					loc = " [" + clean(p.Locale) + "]"
				}
				fmt.Fprintf(b, "\n    %s  %s%s  (%s)\n", r.date(p.Date), clean(p.From), loc, answered(p))
				fmt.Fprintf(b, "    Subject: %s\n", clean(p.Subject))
				for _, l := range strings.Split(cleanText(excerpt(p.Text)), "\n") {
					fmt.Fprintf(b, "    | %s\n", l)
				}
			}
		}
		if len(r.AlsoInInbox) > 0 {
			fmt.Fprintf(b, "\n  Also in the inbox (%d), mail from people that answers no notice:\n", len(r.AlsoInInbox))
			for _, m := range r.AlsoInInbox {
				fmt.Fprintf(b, "    %s  %s  (%s)\n      Subject: %s\n", r.date(m.Date), clean(m.From), answeredWord(m.Answered), clean(m.Subject))
			}
		}
	}
	return b.Flush()
}

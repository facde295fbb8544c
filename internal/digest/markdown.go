package digest

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// mdEscaper escapes what Markdown (CommonMark, Discourse) would read as
// markup or HTML in text that came from a message.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, `<`, `&lt;`, `>`, `&gt;`,
	`#`, `\#`, `|`, `\|`, `!`, `\!`, `~`, `\~`, `&`, `&amp;`,
)

func md(s string) string { return mdEscaper.Replace(clean(s)) }

func writeMarkdown(w io.Writer, reports []Report) error {
	b := bufio.NewWriter(w)
	for i, r := range reports {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(b, "## %s (%s), %s\n\n%s.\n\n", md(r.title()), md(r.Instance), md(r.Mailbox), r.period())
		if r.Empty() {
			fmt.Fprintf(b, "Nothing new (%d sent in %s).\n", r.Counts.Sent, md(r.Campaign))
			continue
		}
		c := r.Counts
		fmt.Fprintf(b, "| sent | replies | auto-replies | hard bounces | soft bounces | complaints | also in the inbox | unrelated |\n")
		fmt.Fprintf(b, "|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		fmt.Fprintf(b, "| %d | %d | %d | %d | %d | %d | %d | %d |\n", c.Sent, c.Replies, c.AutoReplies, c.HardBounces, c.SoftBounces,
			c.Complaints, c.AlsoInInbox, c.Unrelated)
		if len(r.Problems) > 0 {
			fmt.Fprintf(b, "\n### ⚠ %s\n\n", md(problemHeading(&r)))
			for _, p := range r.Problems {
				fmt.Fprintf(b, "- **%s %s**, last %s (%s): `%s`\n", md(p.Reason), md(p.Status), r.date(p.Last), md(addressList(p.Addresses)),
					strings.ReplaceAll(clean(p.Reply), "`", "'"))
			}
		}
		if len(r.Suppressed) > 0 {
			fmt.Fprintf(b, "\n### Suppressed (%d)\n\n", len(r.Suppressed))
			for _, s := range r.Suppressed {
				fmt.Fprintf(b, "- %s: %s\n", md(s.Address), md(s.Reason))
			}
		}
		if len(r.Suspicious) > 0 {
			fmt.Fprintf(b, "\n### Suspicious bounces, not suppressed (%d)\n\n", len(r.Suspicious))
			for _, s := range r.Suspicious {
				fmt.Fprintf(b, "- %s: %s\n", md(s.Address), md(s.Reason))
			}
		}
		if len(r.Replies) > 0 {
			fmt.Fprintf(b, "\n### Replies (%d, %d unanswered)\n", len(r.Replies), r.Unanswered())
			for _, p := range r.Replies {
				loc := ""
				if p.Locale != "" {
					loc = " · " + md(p.Locale)
				}
				fmt.Fprintf(b, "\n**%s**%s · %s · %s  \n", md(p.From), loc, r.date(p.Date), answered(p))
				fmt.Fprintf(b, "Subject: %s\n\n", md(p.Subject))
				for _, l := range strings.Split(cleanText(excerpt(p.Text)), "\n") {
					fmt.Fprintf(b, "> %s\n", mdEscaper.Replace(l))
				}
			}
		}
		if len(r.AlsoInInbox) > 0 {
			fmt.Fprintf(b, "\n### Also in the inbox (%d)\n\nMail from people that answers no notice.\n\n", len(r.AlsoInInbox))
			for _, m := range r.AlsoInInbox {
				fmt.Fprintf(b, "- **%s** · %s · %s: %s\n", md(m.From), r.date(m.Date), answeredWord(m.Answered), md(m.Subject))
			}
		}
	}
	return b.Flush()
}

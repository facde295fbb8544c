package timeline

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// Geometry of the picture, in SVG user units; the picture scales to its
// container (viewBox, no fixed width).
const (
	width    = 1000.0
	plotX    = 210.0 // the plot starts here: lane labels to the left
	plotW    = width - plotX - 10
	rowH     = 34.0 // a lane: a text line, then its band
	bandY    = 14.0 // the band's top within a row
	bandH    = 16.0
	fontSize = 11
	wrapAt   = 150 // characters per line of a note
)

func x(t, day time.Time) float64 { return plotX + plotW*t.Sub(day).Hours()/24 }

// WriteSVG writes the chart as a standalone SVG document (it can also be
// inlined in HTML as it is: it has no XML declaration).
func (c *Chart) WriteSVG(w io.Writer) error {
	var b bytes.Buffer
	c.svg(&b)
	_, err := w.Write(b.Bytes())
	return err
}

// SVG returns the picture as a string, for inlining in a page.
func (c *Chart) SVG() string {
	var b bytes.Buffer
	c.svg(&b)
	return b.String()
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// notesOf returns the 1-based numbers of the notes about a lane.
func (c *Chart) notesOf(lane string) []int {
	var out []int
	for i, n := range c.Notes {
		if n.Lane == lane {
			out = append(out, i+1)
		}
	}
	return out
}

func (c *Chart) svg(out *bytes.Buffer) {
	var body bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&body, format, args...) }
	nf, nt := c.night()
	y := 8.0

	// Legend: every texture with its meaning.
	legend := []struct{ fill, stroke, label string }{
		{"url(#tl-win)", "#000", "window (expected length)"},
		{"url(#tl-extra)", "#000", "possible extra time"},
		{"url(#tl-night)", "none", fmt.Sprintf("night %02d:%02d–%02d:%02d local", nf.Hour, nf.Minute, nt.Hour, nt.Minute)},
		{"url(#tl-busy)", "#555", "busy weekday"},
		{"url(#tl-blackout)", "#000", "blackout"},
		{"url(#tl-work)", "#555", "operator working hours"},
	}
	lx := 10.0
	ly := y
	for _, l := range legend {
		wText := float64(len([]rune(l.label)))*6.2 + 30
		if lx+wText > width {
			lx, ly = 10, ly+18
		}
		p(`<rect x="%.1f" y="%.1f" width="18" height="12" fill="%s" stroke="%s"/>`, lx, ly, l.fill, l.stroke)
		p(`<text x="%.1f" y="%.1f">%s</text>`, lx+22, ly+10, esc(l.label))
		lx += wText
	}
	y = ly + 30

	days := c.Days()
	if len(days) == 0 {
		p(`<text x="10" y="%.1f">no windows</text>`, y+10)
		y += 20
	}
	for i, day := range days {
		end := day.Add(24 * time.Hour)
		if i > 0 {
			if gap := int(day.Sub(days[i-1]).Hours()/24) - 1; gap > 0 {
				p(`<text x="%.1f" y="%.1f" font-style="italic">… %d day%s without a window …</text>`, plotX, y+4, gap, plural(gap))
				y += 18
			}
		}
		p(`<text x="10" y="%.1f" font-weight="bold">%s (UTC)</text>`, y+12, day.Format("Monday 2 January 2006"))
		y += 18
		// Hour axis: ticks and labels every 3 hours, a light rule every hour.
		for h := 0; h <= 24; h++ {
			hx := plotX + plotW*float64(h)/24
			if h%3 == 0 {
				p(`<text x="%.1f" y="%.1f" text-anchor="%s">%02d:00</text>`, hx, y+10, anchorAt(h), h)
			}
		}
		y += 14
		top := y
		rows := 0
		for _, o := range c.Operators {
			p(`<text x="10" y="%.1f">%s</text>`, y+bandY+12, esc(o.Label))
			p(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#999"/>`, plotX, y+bandY, plotW, bandH)
			for _, s := range o.Hours {
				c.span(&body, s, day, end, y, "url(#tl-work)", "#555", "working hours")
			}
			y += rowH
			rows++
		}
		for _, l := range c.Lanes {
			p(`<text x="10" y="%.1f">%s</text>`, y+bandY+12, esc(l.Label))
			p(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#fff" stroke="#999"/>`, plotX, y+bandY, plotW, bandH)
			if l.Zone != nil {
				for _, s := range nights(l.Zone, nf, nt, day, end) {
					s.Label = "night in " + l.Zone.String()
					c.span(&body, s, day, end, y, "url(#tl-night)", "none", "")
				}
			}
			for _, s := range l.Busy {
				c.span(&body, s, day, end, y, "url(#tl-busy)", "#555", s.Label)
			}
			for _, s := range l.Blackouts {
				c.span(&body, s, day, end, y, "url(#tl-blackout)", "#000", s.Label)
			}
			notes := c.notesOf(l.Key)
			for _, bar := range l.Windows {
				c.bar(&body, bar, notes, day, end, y)
			}
			y += rowH
			rows++
		}
		// Hour rules over every row, drawn last so they show through.
		for h := 0; h <= 24; h += 3 {
			hx := plotX + plotW*float64(h)/24
			p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#777" stroke-dasharray="2 3"/>`, hx, top, hx, top+float64(rows)*rowH)
		}
		y += 10
	}

	var rules []string
	for _, l := range c.Lanes {
		for _, r := range l.Rules {
			rules = append(rules, l.Key+": "+r)
		}
	}
	if len(rules) > 0 {
		y += 8
		p(`<text x="10" y="%.1f" font-weight="bold">Busy weekdays and blackouts (drawn where they fall on a day shown)</text>`, y+12)
		y += 20
		for _, r := range rules {
			for j, line := range wrap(r, wrapAt) {
				ind := 10.0
				if j > 0 {
					ind = 30
				}
				p(`<text x="%.1f" y="%.1f">%s</text>`, ind, y+12, esc(line))
				y += 15
			}
		}
	}
	if len(c.Notes) > 0 {
		y += 8
		p(`<text x="10" y="%.1f" font-weight="bold">Warnings and errors of the plan</text>`, y+12)
		y += 20
		for i, n := range c.Notes {
			lines := wrap(fmt.Sprintf("[%d] %s: %s", i+1, n.Lane, n.Text), wrapAt)
			for j, line := range lines {
				ind := 10.0
				if j > 0 {
					ind = 30
				}
				p(`<text x="%.1f" y="%.1f">%s</text>`, ind, y+12, esc(line))
				y += 15
			}
			y += 3
		}
	}
	y += 8

	fmt.Fprintf(out, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-labelledby="tl-title" font-family="Helvetica, Arial, sans-serif" font-size="%d" class="timeline">`, width, y, fontSize)
	fmt.Fprintf(out, `<title id="tl-title">%s</title>`, esc(c.Title+": maintenance windows on a UTC axis"))
	out.WriteString(defs)
	out.Write(body.Bytes())
	out.WriteString("</svg>\n")
}

// defs are the textures: each kind of shape differs by pattern, not only by
// hue, so the picture reads in grey and in print.
const defs = `<defs>` +
	`<pattern id="tl-win" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#1f3a93"/></pattern>` +
	`<pattern id="tl-extra" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#fff"/><circle cx="3" cy="3" r="1.3" fill="#1f3a93"/></pattern>` +
	`<pattern id="tl-night" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#d8d8e0"/></pattern>` +
	`<pattern id="tl-busy" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="none"/><line x1="0" y1="0" x2="0" y2="8" stroke="#a0522d" stroke-width="2"/></pattern>` +
	`<pattern id="tl-blackout" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="none"/><path d="M0 0L6 6M6 0L0 6" stroke="#b00" stroke-width="1.2"/></pattern>` +
	`<pattern id="tl-work" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#e5f2e5"/><line x1="0" y1="3" x2="6" y2="3" stroke="#2e7d32" stroke-width="1.5"/></pattern>` +
	`</defs>`

// span draws s clipped to [day, end) on the band of the row at y, with its
// label above it when it starts on this day.
func (c *Chart) span(b *bytes.Buffer, s Span, day, end time.Time, y float64, fill, stroke, label string) {
	from, until := s.From, s.Until
	if !until.After(day) || !from.Before(end) {
		return
	}
	starts := !from.Before(day)
	if from.Before(day) {
		from = day
	}
	if until.After(end) {
		until = end
	}
	x0, x1 := x(from, day), x(until, day)
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="%s"><title>%s</title></rect>`,
		x0, y+bandY, x1-x0, bandH, fill, stroke, esc(s.Label+" ("+s.From.UTC().Format("Mon 15:04")+"–"+s.Until.UTC().Format("Mon 15:04")+" UTC)"))
	if label != "" && (starts || x0 == plotX) {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="9">%s</text>`, x0+1, y+bandY-3, esc(label))
	}
}

// bar draws a window: solid for its expected length, dotted for the extra
// time, its label and notes beside it.
func (c *Chart) bar(b *bytes.Buffer, bar Bar, notes []int, day, end time.Time, y float64) {
	latest := bar.Latest
	if latest.Before(bar.End) {
		latest = bar.End
	}
	if !latest.After(day) || !bar.Start.Before(end) {
		return
	}
	label := bar.Label
	if bar.Cancelled {
		label = "CANCELLED " + label
	}
	for _, n := range notes {
		label += fmt.Sprintf(" [%d]", n)
	}
	title := esc(label + " · " + bar.Start.UTC().Format("15:04") + "–" + bar.End.UTC().Format("15:04") + " UTC")
	clip := func(t time.Time) float64 {
		switch {
		case t.Before(day):
			return plotX
		case t.After(end):
			return plotX + plotW
		}
		return x(t, day)
	}
	dash := ""
	if bar.Cancelled {
		dash = ` stroke-dasharray="4 2"`
	}
	x0, x1, x2 := clip(bar.Start), clip(bar.End), clip(latest)
	if x1 > x0 {
		fill := "url(#tl-win)"
		if bar.Cancelled {
			fill = "#fff"
		}
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="#000"%s><title>%s</title></rect>`, x0, y+bandY, x1-x0, bandH, fill, dash, title)
	}
	if x2 > x1 {
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="url(#tl-extra)" stroke="#000"%s><title>%s</title></rect>`, x1, y+bandY, x2-x1, bandH, dash, title)
	}
	// The label goes above the bar, leftwards when it would leave the plot.
	anchor, lx := "start", x0
	if lx+float64(len([]rune(label)))*6 > width {
		anchor, lx = "end", x2
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-weight="bold" text-anchor="%s" class="window-label">%s</text>`, lx, y+bandY-3, anchor, esc(label))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// wrap breaks s into lines of at most n characters at spaces.
func wrap(s string, n int) []string {
	var lines []string
	var cur []rune
	for _, word := range strings.Fields(s) {
		w := []rune(word)
		if len(cur) > 0 && len(cur)+1+len(w) > n {
			lines = append(lines, string(cur))
			cur = nil
		}
		if len(cur) > 0 {
			cur = append(cur, ' ')
		}
		cur = append(cur, w...)
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// anchorAt keeps the axis's end labels inside the picture.
func anchorAt(h int) string {
	switch h {
	case 0:
		return "start"
	case 24:
		return "end"
	}
	return "middle"
}

package timeline

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// shape is one drawn element, as a reader of the SVG finds it.
type shape struct {
	Name        string
	Fill, Title string
	X, W        string
	Text        string
}

func shapes(t *testing.T, svg string) []shape {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	var out []shape
	var stack []*shape
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			s := &shape{Name: tok.Name.Local}
			for _, a := range tok.Attr {
				switch a.Name.Local {
				case "fill":
					s.Fill = a.Value
				case "x":
					s.X = a.Value
				case "width":
					s.W = a.Value
				}
			}
			stack = append(stack, s)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(tok)
			}
		case xml.EndElement:
			s := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if s.Name == "title" && len(stack) > 0 {
				stack[len(stack)-1].Title = s.Text
			}
			out = append(out, *s)
		}
	}
}

func count(ss []shape, f func(shape) bool) int {
	n := 0
	for _, s := range ss {
		if f(s) {
			n++
		}
	}
	return n
}

// A window over midnight UTC on a busy day, across a blackout: drawn in
// both days' blocks, each thing with its own texture and words.
func TestChart(t *testing.T) {
	mel := mustZone(t, "Australia/Melbourne")
	start := time.Date(2019, 7, 31, 8, 0, 0, 0, mel) // Wed 08:00 AEST = Tue 22:00 UTC
	c := &Chart{
		Title: "test",
		Lanes: []Lane{{
			Key: "au", Label: "au · Australia/Melbourne", Zone: mel,
			Windows:   []Bar{{Start: start, End: start.Add(3 * time.Hour), Latest: start.Add(4 * time.Hour), Label: "Wed 08:00–11:00 AEST"}},
			Busy:      []Span{{From: time.Date(2019, 7, 31, 0, 0, 0, 0, mel), Until: time.Date(2019, 8, 1, 0, 0, 0, 0, mel), Label: "busy: Wednesday"}},
			Blackouts: []Span{{From: start.Add(time.Hour), Until: start.Add(2 * time.Hour), Label: "blackout: a hub closes"}},
			Rules:     []string{"busy on Wednesday"},
		}},
		Operators: []Operator{{Label: "pau works", Hours: []Span{{From: time.Date(2019, 7, 30, 7, 0, 0, 0, time.UTC), Until: time.Date(2019, 7, 30, 16, 0, 0, 0, time.UTC), Label: "pau works"}}}},
		Notes:     []Note{{Lane: "au", Text: "warning support: " + strings.Repeat("nobody is on hand ", 20)}},
	}
	var days []string
	for _, d := range c.Days() {
		days = append(days, d.Format("2006-01-02"))
	}
	if strings.Join(days, " ") != "2019-07-30 2019-07-31" {
		t.Fatalf("Days() = %v, want the two UTC days the window touches", days)
	}
	ss := shapes(t, c.SVG())
	texts := map[string]bool{}
	for _, s := range ss {
		if s.Name == "text" {
			texts[s.Text] = true
		}
	}
	for _, want := range []string{"Tuesday 30 July 2019 (UTC)", "Wednesday 31 July 2019 (UTC)", "Wed 08:00–11:00 AEST [1]", "busy: Wednesday", "blackout: a hub closes", "au: busy on Wednesday", "00:00", "24:00"} {
		if !texts[want] {
			t.Errorf("no text %q", want)
		}
	}
	if n := count(ss, func(s shape) bool { return s.Fill == "url(#tl-win)" && s.Name == "rect" && s.Title != "" }); n != 2 {
		t.Errorf("%d window rects, want one per day it touches", n)
	}
	if n := count(ss, func(s shape) bool { return s.Fill == "url(#tl-extra)" && s.Title != "" }); n != 1 {
		t.Errorf("%d extra-time rects, want 1 (it is all on the second day)", n)
	}
	if n := count(ss, func(s shape) bool {
		return s.Fill == "url(#tl-blackout)" && strings.HasPrefix(s.Title, "blackout: a hub closes")
	}); n != 1 {
		t.Errorf("%d blackout rects, want 1", n)
	}
	if n := count(ss, func(s shape) bool { return s.Fill == "url(#tl-work)" && s.Title != "" }); n != 1 {
		t.Errorf("%d working-hours rects, want 1 (Tuesday only)", n)
	}
	// Melbourne's nights, 22:00–07:00 AEST = 12:00–21:00 UTC: one per block.
	nights := 0
	for _, s := range ss {
		if s.Fill == "url(#tl-night)" && s.Title != "" {
			nights++
			if !strings.Contains(s.Title, "12:00–") || !strings.Contains(s.Title, "21:00 UTC") {
				t.Errorf("night %q, want 12:00–21:00 UTC", s.Title)
			}
		}
	}
	if nights != 2 {
		t.Errorf("%d nights drawn, want one per day", nights)
	}
	// The long note wraps: no line longer than wrapAt.
	for _, s := range ss {
		if s.Name == "text" && len([]rune(s.Text)) > wrapAt {
			t.Errorf("text line of %d characters: %q", len([]rune(s.Text)), s.Text)
		}
	}
}

// Nights follow the zone's offset across a DST change.
func TestNightsAcrossDST(t *testing.T) {
	mad := mustZone(t, "Europe/Madrid")
	day := time.Date(2019, 10, 27, 0, 0, 0, 0, time.UTC) // CEST ends at 01:00 UTC
	got := nights(mad, Clock{22, 0}, Clock{7, 0}, day, day.Add(24*time.Hour))
	var spans []string
	for _, s := range got {
		spans = append(spans, s.From.UTC().Format("01-02 15:04")+"/"+s.Until.UTC().Format("01-02 15:04"))
	}
	want := "10-26 20:00/10-27 06:00 10-27 21:00/10-28 06:00"
	if strings.Join(spans, " ") != want {
		t.Errorf("nights = %v, want %s", spans, want)
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want []string
	}{
		{"a b c", 3, []string{"a b", "c"}},
		{"averylongword b", 4, []string{"averylongword", "b"}},
		{"", 5, nil},
	}
	for _, tt := range tests {
		if got := wrap(tt.in, tt.n); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestEmpty(t *testing.T) {
	if s := (&Chart{Title: "none"}).SVG(); !strings.Contains(s, ">no windows</text>") {
		t.Errorf("empty chart: %s", s)
	}
}

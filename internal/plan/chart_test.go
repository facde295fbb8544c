package plan

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func shipped(t *testing.T) *Plan {
	t.Helper()
	// Relative paths: the findings name the file, and the golden files must
	// read the same in every checkout.
	inst, err := config.LoadInstances("../../config/instances.toml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := config.LoadSchedule("../../config/schedule.toml", inst)
	if err != nil {
		t.Fatal(err)
	}
	return Make(inst, s, Options{Now: april20})
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the code writes now (go test ./internal/plan -update rewrites it after checking the change)", path)
	}
}

func TestChartShipped(t *testing.T) {
	p := shipped(t)
	c := p.Chart()
	if len(c.Lanes) != len(p.Windows) {
		t.Fatalf("%d lanes, want one per window (%d)", len(c.Lanes), len(p.Windows))
	}
	if got := len(c.Notes); got != p.Warnings()+p.Errors() {
		t.Errorf("%d notes, want every finding (%d)", got, p.Warnings()+p.Errors())
	}
	// The windows fall on twelve UTC days: the picture shows those.
	var days []string
	for _, d := range c.Days() {
		days = append(days, d.Format("2006-01-02"))
	}
	if want := "2019-05-07 2019-06-13 2019-06-18 2019-07-04 2019-07-09 2019-07-11 2019-07-16 2019-07-18 2019-07-23 2019-07-25 2019-07-30 2019-08-01"; strings.Join(days, " ") != want {
		t.Errorf("Days() = %v, want %s", days, want)
	}
	for _, l := range c.Lanes {
		switch l.Key {
		case "katuma":
			if len(l.Busy) == 0 || !strings.Contains(l.Busy[0].Label, "Monday") {
				t.Errorf("katuma: busy %v, want its Mondays", l.Busy)
			}
		case "canada":
			// The weekly Sunday blackout and the one-off on May 6.
			var oneOff bool
			for _, b := range l.Blackouts {
				if b.Until.Equal(time.Date(2019, 5, 6, 14, 0, 0, 0, time.UTC)) && b.From.Equal(time.Date(2019, 5, 6, 2, 0, 0, 0, time.UTC)) {
					oneOff = true
				}
			}
			if !oneOff || len(l.Blackouts) < 5 {
				t.Errorf("canada: blackouts %v, want the Sundays and May 6 02:00–14:00 UTC", l.Blackouts)
			}
		}
	}
	if len(c.Operators) != 1 || len(c.Operators[0].Hours) == 0 {
		t.Errorf("operators %+v, want pau's working days", c.Operators)
	}

	svg := c.SVG()
	// Well-formed XML, and every window's label is text in it (not colour).
	dec := xml.NewDecoder(strings.NewReader(svg))
	var texts []string
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("SVG is not well-formed: %v", err)
			}
			break
		}
		if cd, ok := tok.(xml.CharData); ok {
			texts = append(texts, string(cd))
		}
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"Tue 09:00–11:00 CEST (+1h)", "Thu 03:00–05:00 EDT (+1h) [2] [3]", "Tue 21:00–Wed 01:00 AEST (+1h)", "busy weekday", "blackout", "night 22:00–07:00 local", "operator working hours", "pau works · Europe/Madrid", "warning support", "… 36 days without a window …", "katuma: busy on Monday (local day)", "canada: blackout 12h before every Sunday 20:00 America/New_York (large hubs close their order cycles)", "canada: blackout 12h before 2019-05-06 10:00 America/New_York", "france: blackout from 2019-08-15"} {
		if !strings.Contains(all, want) {
			t.Errorf("the SVG's text lacks %q", want)
		}
	}
	golden(t, "shipped.svg", []byte(svg))
}

func TestWriteHTMLShipped(t *testing.T) {
	var b bytes.Buffer
	if err := shipped(t).WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<html lang="en">`, `<svg `, "canada · Open Food Network Canada · operator pau", "<th scope=\"row\">window starts</th>", `class="warning"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("WriteHTML lacks %q", want)
		}
	}
	golden(t, "shipped.html", b.Bytes())
}

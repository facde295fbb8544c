package cldr

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// fixtures is testdata/fixtures.json: what Intl.DateTimeFormat printed, by
// gen/fixtures.mjs, for instants in every locale.
type fixtures struct {
	Node, ICU, CLDR, TZ string
	Zones               []string // every zone Go can load, for Sweeps
	Entries             []fixture
	Sweeps              []sweep
}

type fixture struct {
	Kind    string // date, time, range or zone
	Locale  string
	Zone    string
	At, End time.Time
	Want    string
	V8      bool // Want went through V8's U+202F rewrite; see v8
}

// UnmarshalJSON reads an entry written as
// [kind, locale, zone, at, end or "", want, v8 as 0 or 1].
func (f *fixture) UnmarshalJSON(b []byte) error {
	var raw [7]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var at, end string
	var v8 int
	for i, dst := range []any{&f.Kind, &f.Locale, &f.Zone, &at, &end, &f.Want, &v8} {
		if err := json.Unmarshal(raw[i], dst); err != nil {
			return fmt.Errorf("fixture %s: field %d: %w", b, i, err)
		}
	}
	var err error
	if f.At, err = time.Parse(time.RFC3339, at); err != nil {
		return err
	}
	if end != "" {
		if f.End, err = time.Parse(time.RFC3339, end); err != nil {
			return err
		}
	}
	f.V8 = v8 == 1
	return nil
}

// sweep is the short name of every zone in Zones at one instant.
type sweep struct {
	Locale string
	At     time.Time
	Want   []string
}

// v8 is the rewrite V8 applies to what format and formatToParts return, and
// to a formatRange that collapses to one time (v8 commit 90be99fab31c,
// crbug.com/1414292, for web pages that parse dates): U+202F becomes U+0020.
// ICU, and this package, keep U+202F; ranges keep it in node too.
func v8(s string) string { return strings.ReplaceAll(s, "\u202f", " ") }

// TestFixtures compares the package's output with Intl's for every fixture
// entry. The fixtures come from Intl directly, not from data_gen.go, so this
// checks that gen.mjs read the patterns right.
func TestFixtures(t *testing.T) {
	raw, err := os.ReadFile("testdata/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixtures
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("testdata/fixtures.json: %v", err)
	}
	if f.ICU != icuVersion || f.CLDR != cldrVersion {
		t.Fatalf("fixtures are from ICU %s (CLDR %s), data_gen.go from ICU %s (CLDR %s): run go generate with one node",
			f.ICU, f.CLDR, icuVersion, cldrVersion)
	}

	// Group by kind, then locale, keeping the file's order.
	type group struct{ kind, locale string }
	var order []group
	groups := map[group][]fixture{}
	for _, e := range f.Entries {
		g := group{e.Kind, e.Locale}
		if groups[g] == nil {
			order = append(order, g)
		}
		groups[g] = append(groups[g], e)
	}
	for _, d := range generated {
		if groups[group{"date", d.tag}] == nil {
			t.Errorf("no fixtures for %s: run go generate", d.tag)
		}
	}

	t.Run("sweeps", func(t *testing.T) { testSweeps(t, &f) })

	locs := map[string]*time.Location{}
	for _, g := range order {
		t.Run(g.kind+"/"+g.locale, func(t *testing.T) {
			l := For(g.locale)
			if l == nil || l.Tag() != g.locale {
				t.Fatalf("For(%q) = %v, want the %s data", g.locale, l, g.locale)
			}
			for _, e := range groups[g] {
				loc := locs[e.Zone]
				if loc == nil {
					loc = load(t, e.Zone)
					locs[e.Zone] = loc
				}
				call, got := format(l, e.Kind, e.At.In(loc), e.End.In(loc))
				compared := got
				if e.V8 {
					compared = v8(got)
				}
				if compared != e.Want {
					t.Errorf("%s = %q, want %q", call, got, e.Want)
				}
			}
		})
	}
}

// format calls the method for kind and says how it called it.
func format(l *Locale, kind string, at, end time.Time) (call, got string) {
	switch kind {
	case "date":
		return fmt.Sprintf("Date(%v)", at), l.Date(at)
	case "time":
		return fmt.Sprintf("Time(%v)", at), l.Time(at)
	case "range":
		return fmt.Sprintf("TimeRange(%v, %v)", at, end), l.TimeRange(at, end)
	case "zone":
		return fmt.Sprintf("Zone(%v)", at), l.Zone(at)
	}
	return fmt.Sprintf("unknown fixture kind %q", kind), ""
}

// testSweeps checks the name of every zone Go can load, at each sweep's
// instant, and that the generated data covers exactly those zones.
func testSweeps(t *testing.T, f *fixtures) {
	if len(f.Zones) != len(zoneIDs) {
		t.Errorf("fixtures sweep %d zones, data_gen.go has %d: run go generate with one Go", len(f.Zones), len(zoneIDs))
	}
	locs := make([]*time.Location, len(f.Zones))
	for i, z := range f.Zones {
		if !HasZone(z) {
			t.Errorf("HasZone(%q) = false, want true", z)
		}
		locs[i] = load(t, z)
	}
	locales := map[string]bool{}
	for _, s := range f.Sweeps {
		locales[s.Locale] = true
		l := For(s.Locale)
		if l == nil || l.Tag() != s.Locale {
			t.Errorf("For(%q) = %v, want the %s data", s.Locale, l, s.Locale)
			continue
		}
		if len(s.Want) != len(locs) {
			t.Fatalf("sweep %s %v has %d names for %d zones", s.Locale, s.At, len(s.Want), len(locs))
		}
		for i, loc := range locs {
			at := s.At.In(loc)
			if got := l.Zone(at); got != v8(s.Want[i]) && v8(got) != s.Want[i] {
				t.Errorf("%s: Zone(%v) = %q, want %q", s.Locale, at, got, s.Want[i])
			}
		}
	}
	for _, d := range generated {
		if !locales[d.tag] {
			t.Errorf("no zone sweep for %s: run go generate", d.tag)
		}
	}
}

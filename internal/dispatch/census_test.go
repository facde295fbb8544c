package dispatch

import (
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/openfoodfoundation/announce/internal/render"
)

// The census counts and names the readers who get their language in another
// region's form, as it counts those who get another language.
func TestCensusRegionalFallback(t *testing.T) {
	p := katumaJob(t) // offers es and ca
	path := filepath.Join(t.TempDir(), "r.csv")
	csv := "email,name,locale\n" +
		"a@example.test,A,es_US\n" + "b@example.test,B,es_US\n" + "c@example.test,C,es_CO\n" +
		"d@example.test,D,ca_ES\n" + "e@example.test,E,es\n" + "f@example.test,F,de\n"
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := TakeCensus(p, path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[RegionalFallback]int{{"es_US", "es"}: 2, {"es_CO", "es"}: 1}
	if !maps.Equal(c.Regional, want) {
		t.Errorf("Regional = %v, want %v", c.Regional, want)
	}
	if c.Fallback[render.OtherRegion] != 3 || c.Fallback[render.NotOffered] != 1 {
		t.Errorf("Fallback = %v, want 3 other region and 1 not offered", c.Fallback)
	}
}

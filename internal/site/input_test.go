package site

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/openfoodfoundation/announce/internal/ledger"
)

// TestLoad: without a ledger the site has no history (the schedule alone);
// with one, a record per instance, and either builds.
func TestLoad(t *testing.T) {
	ctx := context.Background()
	shipped := shippedInput(t, june13)
	l, err := ledger.Open(ctx, filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, tt := range []struct {
		name   string
		l      *ledger.Ledger
		record bool
	}{{"no ledger", nil, false}, {"ledger", l, true}} {
		t.Run(tt.name, func(t *testing.T) {
			in, err := Load(ctx, tt.l, shipped.Instances, shipped.Schedule, shipped.Renderer, filepath.Join(root, "templates"), june13)
			if err != nil {
				t.Fatal(err)
			}
			if got := in.History != nil; got != tt.record {
				t.Fatalf("Load: history = %v, want %v", got, tt.record)
			}
			for _, k := range in.Instances.Keys() {
				if tt.record && in.History[k] == nil {
					t.Errorf("Load: no record for %s", k)
				}
			}
			build(t, in)
		})
	}
}

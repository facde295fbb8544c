package dispatch

import (
	"context"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

// TestPlanSendCreatesLast: the first send makes its ledger only once the
// plan is sound and the timing guard lets it through.
func TestPlanSendCreatesLast(t *testing.T) {
	ctx := context.Background()
	srv := mailertest.Start(t, mailertest.Options{})
	opts, _ := planFixture(t, srv, 3)
	tests := []struct {
		name       string
		now        time.Time
		recipients string // "" keeps the fixture's file
		wantCreate bool
	}{
		{"sound", time.Date(2019, 4, 30, 10, 0, 0, 0, time.UTC), "", true},
		{"refused by the guard (a month early)", time.Date(2019, 3, 30, 10, 0, 0, 0, time.UTC), "", false},
		{"bad input (no recipients file)", time.Date(2019, 4, 30, 10, 0, 0, 0, time.UTC), filepath.Join(t.TempDir(), "missing.csv"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := opts
			o.Now = tt.now
			if tt.recipients != "" {
				in := *o.Instances.Instances["katuma"]
				in.Recipients = tt.recipients
				inst := *o.Instances
				inst.Instances = maps.Clone(inst.Instances)
				inst.Instances["katuma"] = &in
				o.Instances = &inst
			}
			created := false
			create := func(ctx context.Context) (*ledger.Ledger, error) {
				created = true
				return ledger.Open(ctx, filepath.Join(t.TempDir(), "ledger.db"))
			}
			p, l, err := PlanSend(ctx, nil, create, o)
			if l != nil {
				defer l.Close()
			}
			if created != tt.wantCreate || (err == nil) != tt.wantCreate {
				t.Fatalf("PlanSend: created %v, err %v; want created %v", created, err, tt.wantCreate)
			}
			if tt.wantCreate && (l == nil || len(p.Notices) != 1) {
				t.Errorf("PlanSend = %v, %v; want a plan of one notice against the new ledger", p, l)
			}
		})
	}
}

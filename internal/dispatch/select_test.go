package dispatch

import (
	"errors"
	"slices"
	"testing"

	"github.com/openfoodfoundation/announce/internal/config"
)

func TestSelectInstances(t *testing.T) {
	inst, err := config.LoadInstances("../../config/instances.toml")
	if err != nil {
		t.Fatal(err)
	}
	sched, err := config.LoadSchedule("../../config/schedule.toml", inst)
	if err != nil {
		t.Fatal(err)
	}
	delete(sched.Windows, "belgium") // an instance without a window this rollout
	var withWindow []string
	for _, k := range inst.Keys() {
		if k != "belgium" {
			withWindow = append(withWindow, k)
		}
	}
	tests := []struct {
		sel       string
		want      []string
		unknown   bool // ErrUnknownInstance
		badConfig bool // an InputError
	}{
		{sel: "all", want: withWindow},
		{sel: "katuma", want: []string{"katuma"}},
		{sel: "atlantis", unknown: true},
		{sel: "belgium", badConfig: true},
	}
	for _, tt := range tests {
		t.Run(tt.sel, func(t *testing.T) {
			got, err := SelectInstances(inst, sched, tt.sel)
			var in *InputError
			if errors.Is(err, ErrUnknownInstance) != tt.unknown || errors.As(err, &in) != tt.badConfig {
				t.Fatalf("SelectInstances(%q) error = %v, want unknown %v, input error %v", tt.sel, err, tt.unknown, tt.badConfig)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("SelectInstances(%q) = %v, want %v", tt.sel, got, tt.want)
			}
		})
	}
}

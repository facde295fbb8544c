package check

import (
	"errors"
	"strings"
	"testing"
)

func TestResultErr(t *testing.T) {
	tests := []struct {
		name  string
		c     Result
		want  string // "" is no error
		fault bool
	}{
		{"clean", Result{Problems: []string{}}, "", false},
		{"one", Result{Problems: []string{"a.toml:1: x"}}, "check found 1 problem", false},
		{"two, a database down", Result{Problems: []string{"a", "b"}, Fault: true}, "check found 2 problems; a database could not be read", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Err()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Err() = %v, want nil", err)
				}
				return
			}
			var pe *ProblemsError
			if !errors.As(err, &pe) || err.Error() != tt.want || pe.Fault != tt.fault {
				t.Errorf("Err() = %v, want %q (fault %v)", err, tt.want, tt.fault)
			}
		})
	}
	var b strings.Builder
	if err := (&Result{}).Write(&b, "yaml"); err == nil {
		t.Error(`Write(yaml) = nil, want an error`)
	}
}

package dispatch

import (
	"errors"
	"fmt"

	"github.com/openfoodfoundation/announce/internal/config"
)

// ErrUnknownInstance is a selected instance the instances file does not
// name: the command line is wrong.
var ErrUnknownInstance = errors.New("unknown instance")

// SelectInstances resolves an instance selection (--instance) against the
// schedule: "all" is every instance with a window, in key order; a key must
// name an instance (else ErrUnknownInstance) that has a window (else an
// InputError naming the schedule file).
func SelectInstances(inst *config.Instances, sched *config.Schedule, sel string) ([]string, error) {
	if sel == "all" {
		var keys []string
		for _, k := range inst.Keys() {
			if _, ok := sched.Window(k); ok {
				keys = append(keys, k)
			}
		}
		return keys, nil
	}
	if _, ok := inst.Instances[sel]; !ok {
		return nil, fmt.Errorf("%w %q (known: %v)", ErrUnknownInstance, sel, inst.Keys())
	}
	if _, ok := sched.Window(sel); !ok {
		return nil, inputError(fmt.Errorf("%s: no window for instance %q", sched.File, sel))
	}
	return []string{sel}, nil
}

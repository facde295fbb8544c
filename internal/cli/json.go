package cli

import (
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/progress"
)

// The --format json shapes, documented in README ("Output for scripts").
// Each command writes JSON lines (one object a line) unless said otherwise.

// checkFormat refuses a --format the command (by its path) does not write.
func checkFormat(cmd, f string) error {
	for _, v := range formats[cmd] {
		if v == f {
			return nil
		}
	}
	vs := formats[cmd]
	want := vs[len(vs)-1]
	if len(vs) > 1 {
		want = strings.Join(vs[:len(vs)-1], ", ") + " or " + want
	}
	return usageError("--format %q: want %s", f, want)
}

func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// newReporter prints a send's or due run's events to env, as text or JSON.
func newReporter(env *Env, inst *config.Instances, now func() time.Time, format string) *progress.Reporter {
	return progress.NewReporter(env.Stdout, env.Stderr, inst, now, format == "json")
}

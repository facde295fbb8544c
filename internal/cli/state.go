package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ledger"
)

// stateHelp is the ledger's precedence, for --help.
const stateHelp = `ledger database; else $ANNOUNCE_STATE, else state = "PATH" in the instances file, else $STATE_DIRECTORY/ledger.db (systemd), else $XDG_STATE_HOME/announce/ledger.db or ~/.local/state/announce/ledger.db`

// stateFlag is --state, the ledger's path; the environment and the
// instances file's state key are its other sources (ledger.Locate).
type stateFlag struct {
	path      string
	env       *Env
	instances *string
}

func (s *stateFlag) register(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&s.path, "state", "", stateHelp)
}

// bind gives the flag what the other sources of the ledger's path need: the
// environment, and the instances file (its state key). Without it (tests
// that set path) only the flag and the defaults count, and nothing is said.
func (s *stateFlag) bind(env *Env, instances *string) {
	s.env, s.instances = env, instances
}

func (s *stateFlag) sources() ledger.Sources {
	src := ledger.Sources{Flag: s.path}
	if s.env != nil {
		src.Getenv = s.env.Getenv
	}
	if s.instances != nil {
		file := *s.instances
		src.ConfigFile, src.ReadConfig = file, func() (string, bool, error) { return config.ReadState(file) }
	}
	return src
}

// find opens the ledger in mode m and names it on stderr (ledger.Found);
// quiet says nothing when there is none (a send then creates it, and says so).
func (s *stateFlag) find(ctx context.Context, m ledger.Mode, quiet bool) (*ledger.Ledger, error) {
	f, err := ledger.Find(ctx, s.sources(), m)
	if err != nil {
		return nil, err
	}
	if s.env != nil && s.env.Stderr != nil && (f.Ledger != nil || !quiet) {
		fmt.Fprintln(s.env.Stderr, f.Line())
	}
	return f.Ledger, nil
}

// open opens the ledger, creating it when there is none.
func (s *stateFlag) open(ctx context.Context) (*ledger.Ledger, error) {
	return s.find(ctx, ledger.Create, false)
}

// openExisting opens the ledger only when it exists (what a dry run reads).
func (s *stateFlag) openExisting(ctx context.Context) (*ledger.Ledger, error) {
	return s.find(ctx, ledger.Existing, false)
}

// openForSend is openExisting for a send, which creates the ledger (and
// says so) when there is none.
func (s *stateFlag) openForSend(ctx context.Context) (*ledger.Ledger, error) {
	return s.find(ctx, ledger.Existing, true)
}

// openReadOnly opens the ledger for a command that only reads it (status,
// suppress list): without writing and without creating one.
func (s *stateFlag) openReadOnly(ctx context.Context) (*ledger.Ledger, error) {
	return s.find(ctx, ledger.ReadOnly, false)
}

// closeLedger closes l if it is open.
func closeLedger(l *ledger.Ledger) {
	if l != nil {
		l.Close()
	}
}

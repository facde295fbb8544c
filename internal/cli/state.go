package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ledger"
)

// stateHelp is the ledger's precedence, for --help.
const stateHelp = `ledger database; else $ANNOUNCE_STATE, else state = "PATH" in the instances file, else $STATE_DIRECTORY/ledger.db (systemd), else $XDG_STATE_HOME/announce/ledger.db or ~/.local/state/announce/ledger.db`

// bind gives the flag what the other sources of the ledger's path need: the
// environment, and the instances file (its state key). Without it (tests
// that set path) only the flag and the defaults count, and nothing is said.
func (s *stateFlag) bind(env *Env, instances *string) {
	s.env, s.instances = env, instances
}

// locate finds the ledger: --state > $ANNOUNCE_STATE > the instances file's
// state > $STATE_DIRECTORY > XDG (ledger.Locate).
func (s *stateFlag) locate() (ledger.Location, error) {
	src := ledger.Sources{Flag: s.path}
	if s.env != nil {
		src.Getenv = s.env.Getenv
	}
	if s.path == "" && s.instances != nil && (s.env == nil || s.env.Getenv("ANNOUNCE_STATE") == "") {
		st, ok, err := config.ReadState(*s.instances)
		if err != nil {
			return ledger.Location{}, err
		}
		if ok {
			src.Config, src.ConfigFile = st, *s.instances
		}
	}
	return ledger.Locate(src)
}

// say tells the person which ledger a run uses, on stderr (stdout may be
// JSON, HTML or a table that a script reads): a send against the wrong,
// empty ledger sends everything again, so every command that reads or
// writes the ledger names it.
func (s *stateFlag) say(format string, args ...any) {
	if s.env != nil && s.env.Stderr != nil {
		fmt.Fprintf(s.env.Stderr, format+"\n", args...)
	}
}

// create opens the ledger, creating it when there is none, and says which.
func (s *stateFlag) create(ctx context.Context) (*ledger.Ledger, error) {
	loc, err := s.locate()
	if err != nil {
		return nil, err
	}
	_, statErr := os.Stat(loc.Path)
	l, err := ledger.Open(ctx, loc.Path)
	if err != nil {
		return nil, err
	}
	if errors.Is(statErr, os.ErrNotExist) {
		s.say("ledger: %s, new: nothing was sent from it before", loc)
	} else {
		s.say("ledger: %s", loc)
	}
	return l, nil
}

// existing opens the ledger only when it exists: nil, and no file created,
// when there is none. One that exists but cannot be read is an error, not an
// empty past. It says which ledger it opened and, when missing is true,
// that there is none.
func (s *stateFlag) existing(ctx context.Context, missing bool) (*ledger.Ledger, error) {
	loc, err := s.locate()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(loc.Path); errors.Is(err, os.ErrNotExist) {
		if missing {
			s.say("no ledger at %s: nothing sent yet", loc)
		}
		return nil, nil
	}
	l, err := ledger.Open(ctx, loc.Path)
	if err == nil {
		s.say("ledger: %s", loc)
	}
	return l, err
}

// openForSend is openExisting for a send, which creates the ledger (and
// says so) when there is none.
func (s *stateFlag) openForSend(ctx context.Context) (*ledger.Ledger, error) {
	return s.existing(ctx, false)
}

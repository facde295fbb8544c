package cli

import (
	"context"
	"errors"
	"io/fs"

	"github.com/openfoodfoundation/announce/internal/ledger"
)

// openReadOnly opens the ledger for a command that only reads it (status,
// suppress list): without writing, so that it works on a read-only file or
// file system, and without creating one — nil when there is none, which it
// says, as it names the one it opened.
func (s *stateFlag) openReadOnly(ctx context.Context) (*ledger.Ledger, error) {
	loc, err := s.locate()
	if err != nil {
		return nil, err
	}
	l, err := ledger.OpenReadOnly(ctx, loc.Path)
	if errors.Is(err, fs.ErrNotExist) {
		s.say("no ledger at %s: nothing sent yet", loc)
		return nil, nil
	}
	if err == nil {
		s.say("ledger: %s", loc)
	}
	return l, err
}

package cli

import (
	"context"
	"errors"
	"io/fs"

	"github.com/openfoodfoundation/announce/internal/ledger"
)

// openReadOnly opens the ledger for a command that only reads it (status,
// suppress list): without writing, so that it works on a read-only file or
// file system. A ledger that does not exist yet is opened as before.
func (s *stateFlag) openReadOnly(ctx context.Context) (*ledger.Ledger, error) {
	p, err := s.resolve()
	if err != nil {
		return nil, err
	}
	l, err := ledger.OpenReadOnly(ctx, p)
	if errors.Is(err, fs.ErrNotExist) {
		return ledger.Open(ctx, p)
	}
	return l, err
}

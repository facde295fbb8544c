package ledger

import (
	"context"
	"errors"
	"io/fs"
	"os"
)

// Mode is how a command opens the ledger it found.
type Mode int

const (
	// Create opens the ledger, creating it where there is none (a command
	// that writes: a send, suppress add).
	Create Mode = iota
	// Existing opens the ledger only where it exists: nil, and no file
	// created, where there is none (a dry run, the site). One that exists
	// but cannot be opened is an error, not an empty past.
	Existing
	// ReadOnly opens an existing ledger without writing it (status, suppress
	// list), so that it works on a read-only file or file system; nil where
	// there is none.
	ReadOnly
)

// Found is the ledger a command opened and what to tell the person about
// it. A send against the wrong, empty ledger sends everything again, so
// every command that reads or writes the ledger names it (on stderr: stdout
// may be a table, JSON or HTML that a script reads).
type Found struct {
	// Ledger is nil when the mode creates none and there is none.
	Ledger   *Ledger
	Location Location
	// New is a ledger that Create made now.
	New bool
}

// Line names the ledger: "ledger: PATH (from SOURCE)", with ", new: …"
// when it was made now, or "no ledger at …: nothing sent yet" when there
// is none.
func (f Found) Line() string {
	switch {
	case f.Ledger == nil:
		return "no ledger at " + f.Location.String() + ": nothing sent yet"
	case f.New:
		return "ledger: " + f.Location.String() + ", new: nothing was sent from it before"
	}
	return "ledger: " + f.Location.String()
}

// Find locates the ledger from src (Locate) and opens it in mode m.
func Find(ctx context.Context, src Sources, m Mode) (Found, error) {
	loc, err := Locate(src)
	if err != nil {
		return Found{}, err
	}
	return OpenAt(ctx, loc, m)
}

// OpenAt opens the ledger at loc in mode m.
func OpenAt(ctx context.Context, loc Location, m Mode) (Found, error) {
	f := Found{Location: loc}
	var err error
	switch m {
	case ReadOnly:
		f.Ledger, err = OpenReadOnly(ctx, loc.Path)
		if errors.Is(err, fs.ErrNotExist) {
			return f, nil
		}
	default:
		_, statErr := os.Stat(loc.Path)
		if errors.Is(statErr, fs.ErrNotExist) {
			if m == Existing {
				return f, nil
			}
			f.New = true
		}
		f.Ledger, err = Open(ctx, loc.Path)
	}
	if err != nil {
		return Found{}, err
	}
	return f, nil
}

// WhichHelp says, for --help, what the ledger is and which one a command
// uses (Locate's order).
const WhichHelp = `A real send records every recipient in the ledger (--state): a rerun sends only what
was not sent, after a crash or Ctrl-C too. Which ledger: --state, else $ANNOUNCE_STATE,
else state = "PATH" in the instances file, else $STATE_DIRECTORY/ledger.db (systemd's
StateDirectory=), else $XDG_STATE_HOME/announce/ledger.db; every command names it on
stderr, and read-only ones never create it.`

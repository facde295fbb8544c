package config

import (
	"errors"
	"fmt"
	"os"

	"github.com/BurntSushi/toml"
)

// ReadState returns the instances file's top-level state key (the ledger's
// path) without validating the rest of the file, for the commands that read
// no other configuration (suppress). A missing file is no state key: ok is
// false and err nil.
func ReadState(path string) (state string, ok bool, err error) {
	src, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, &Problem{File: path, Msg: fmt.Sprintf("cannot read: %v", unwrapPathErr(err))}
	}
	var v struct {
		State string `toml:"state"`
	}
	if _, err := toml.Decode(string(src), &v); err != nil {
		return "", false, decodeError(path, err)
	}
	return v.State, v.State != "", nil
}

// checkManualEarly checks [manual_early]: one duration per scheduled notice.
func checkManualEarly(ps *problems, m map[string]Duration) {
	for name := range m {
		n, err := ParseNotice(name)
		if err != nil {
			ps.add("manual_early."+name, "%v", err)
			continue
		}
		if n == Reschedule || n == Cancel {
			ps.add("manual_early."+name, "a %s notice has no moment to be early for; only announce, reminder, start and done", n)
		}
	}
}

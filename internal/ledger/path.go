package ledger

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Where the ledger is, in order of precedence: the first that is set wins.
// One ledger for every way announce runs — by hand, from cron, from the
// systemd unit (StateDirectory=announce gives $STATE_DIRECTORY) — because a
// send against another, empty ledger sends everything again.
//
//	--state PATH                      the flag
//	$ANNOUNCE_STATE                   the environment
//	state = "PATH" in the instances file
//	$STATE_DIRECTORY/ledger.db        systemd's StateDirectory= (the first, when several)
//	$XDG_STATE_HOME/announce/ledger.db, else ~/.local/state/announce/ledger.db
type Sources struct {
	Flag string
	// Config is the instances file's state key; ConfigFile names the file.
	Config, ConfigFile string
	// ReadConfig, when Config is empty, reads the instances file's state key:
	// only when the flag and $ANNOUNCE_STATE are unset, so that a broken
	// instances file does not stop a command that names its ledger.
	ReadConfig func() (state string, ok bool, err error)
	// Getenv reads ANNOUNCE_STATE, STATE_DIRECTORY, XDG_STATE_HOME and HOME.
	Getenv func(string) string
}

// Location is the ledger's path and which source named it.
type Location struct {
	Path string
	From string // "--state", "$ANNOUNCE_STATE", "state in config/instances.toml", …
}

func (l Location) String() string { return l.Path + " (from " + l.From + ")" }

// Locate finds the ledger's path from s.
func Locate(s Sources) (Location, error) {
	getenv := s.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	switch {
	case s.Flag != "":
		return Location{Path: s.Flag, From: "--state"}, nil
	case getenv("ANNOUNCE_STATE") != "":
		return Location{Path: getenv("ANNOUNCE_STATE"), From: "$ANNOUNCE_STATE"}, nil
	}
	if s.Config == "" && s.ReadConfig != nil {
		st, ok, err := s.ReadConfig()
		if err != nil {
			return Location{}, err
		}
		if ok {
			s.Config = st
		}
	}
	if s.Config != "" {
		return Location{Path: s.Config, From: "state in " + s.ConfigFile}, nil
	}
	// systemd joins several StateDirectory= entries with ':'.
	if dir, _, _ := strings.Cut(getenv("STATE_DIRECTORY"), ":"); filepath.IsAbs(dir) {
		return Location{Path: filepath.Join(dir, "ledger.db"), From: "$STATE_DIRECTORY"}, nil
	}
	return defaultLocation(getenv)
}

// defaultLocation is the XDG default: $XDG_STATE_HOME/announce/ledger.db, or
// ~/.local/state/announce/ledger.db when XDG_STATE_HOME is unset or relative
// (the XDG spec says to ignore relative values).
func defaultLocation(getenv func(string) string) (Location, error) {
	if dir := getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return Location{Path: filepath.Join(dir, "announce", "ledger.db"), From: "$XDG_STATE_HOME"}, nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return Location{}, fmt.Errorf("default ledger path: %w", err)
		}
	}
	return Location{Path: filepath.Join(home, ".local", "state", "announce", "ledger.db"), From: "the default, ~/.local/state"}, nil
}

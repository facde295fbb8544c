package ledger

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFind: each mode opens or creates the ledger, or leaves it absent, and
// says which.
func TestFind(t *testing.T) {
	tests := []struct {
		name     string
		mode     Mode
		exists   bool
		wantOpen bool
		wantFile bool // the file exists afterwards
		wantLine string
	}{
		{"create, missing", Create, false, true, true, "ledger: PATH (from --state), new: nothing was sent from it before"},
		{"create, present", Create, true, true, true, "ledger: PATH (from --state)"},
		{"existing, missing", Existing, false, false, false, "no ledger at PATH (from --state): nothing sent yet"},
		{"existing, present", Existing, true, true, true, "ledger: PATH (from --state)"},
		{"read-only, missing", ReadOnly, false, false, false, "no ledger at PATH (from --state): nothing sent yet"},
		{"read-only, present", ReadOnly, true, true, true, "ledger: PATH (from --state)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "ledger.db")
			if tt.exists {
				l, err := Open(ctx, path)
				if err != nil {
					t.Fatal(err)
				}
				l.Close()
			}
			f, err := Find(ctx, Sources{Flag: path, Getenv: func(string) string { return "" }}, tt.mode)
			if err != nil {
				t.Fatalf("Find: %v", err)
			}
			if f.Ledger != nil {
				defer f.Ledger.Close()
			}
			if got := f.Ledger != nil; got != tt.wantOpen {
				t.Errorf("Find opened a ledger = %v, want %v", got, tt.wantOpen)
			}
			if _, err := os.Stat(path); (err == nil) != tt.wantFile {
				t.Errorf("file exists = %v, want %v", err == nil, tt.wantFile)
			}
			if want := replacePath(tt.wantLine, path); f.Line() != want {
				t.Errorf("Line() = %q, want %q", f.Line(), want)
			}
		})
	}
}

// TestFindReadsConfigLast: the instances file is read only when neither the
// flag nor $ANNOUNCE_STATE names the ledger, so a broken one does not stop a
// command that does.
func TestFindReadsConfigLast(t *testing.T) {
	broken := errors.New("instances.toml:1: broken")
	read := func() (string, bool, error) { return "", false, broken }
	dir := t.TempDir()
	src := Sources{Flag: filepath.Join(dir, "flag.db"), ConfigFile: "instances.toml", ReadConfig: read, Getenv: func(string) string { return "" }}
	if _, err := Locate(src); err != nil {
		t.Errorf("Locate with --state = %v, want no error", err)
	}
	src.Flag = ""
	if _, err := Locate(src); !errors.Is(err, broken) {
		t.Errorf("Locate without --state = %v, want %v", err, broken)
	}
	src.ReadConfig = func() (string, bool, error) { return filepath.Join(dir, "conf.db"), true, nil }
	loc, err := Locate(src)
	if want := (Location{Path: filepath.Join(dir, "conf.db"), From: "state in instances.toml"}); err != nil || loc != want {
		t.Errorf("Locate = %v, %v; want %v", loc, err, want)
	}
}

func replacePath(line, path string) string { return strings.Replace(line, "PATH", path, 1) }

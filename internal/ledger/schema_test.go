package ledger

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func userVersion(t *testing.T, l *Ledger) int {
	t.Helper()
	var v int
	if err := l.db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		path string // under t.TempDir()
	}{
		{"plain", "ledger.db"},
		{"creates parent directories", "state/announce/ledger.db"},
		{"URI characters in path", "a dir?x=1#frag%20/ledger.db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.path)

			l := reopen(t, path)
			if got, want := userVersion(t, l), len(migrations); got != want {
				t.Errorf("user_version = %d, want %d", got, want)
			}
			var mode string
			if err := l.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
				t.Errorf("journal_mode = %q, %v, want wal", mode, err)
			}
			var sync int
			if err := l.db.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil || sync != 1 {
				t.Errorf("synchronous = %d, %v, want 1 (NORMAL)", sync, err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatalf("ledger not at %q: %v", path, err)
			}
			if perm := fi.Mode().Perm(); perm != 0o600 {
				t.Errorf("ledger mode = %v, want 0600", perm)
			}
			k := testKey(1)
			enqueue(t, l, k)
			// SQLite, not just Open, uses the file at path.
			if _, err := os.Stat(path + "-wal"); err != nil {
				t.Errorf("no WAL beside the ledger: %v", err)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}

			// Reopening migrates nothing and keeps the rows.
			l = reopen(t, path)
			if got, want := userVersion(t, l), len(migrations); got != want {
				t.Errorf("after reopen: user_version = %d, want %d", got, want)
			}
			if got := stateOf(t, l, k); got != statePending {
				t.Errorf("after reopen: state = %q, want %q", got, statePending)
			}
			c, err := l.Counts(ctx, Scope{})
			if err != nil || c.Total() != 1 {
				t.Errorf("after reopen: Counts = %+v, %v, want 1 row", c, err)
			}
		})
	}
}

func TestMigrateAppendedStep(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	enqueue(t, l, testKey(1))

	steps := append(migrations[:len(migrations):len(migrations)],
		`CREATE TABLE later (id INTEGER PRIMARY KEY); INSERT INTO later VALUES (1);`)
	for range 2 { // the second run must be a no-op
		if err := migrate(ctx, l.db, steps); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	var n int
	if err := l.db.QueryRow("SELECT count(*) FROM later").Scan(&n); err != nil || n != 1 {
		t.Errorf("later has %d rows, %v; want 1 (step run once)", n, err)
	}
	if got, want := userVersion(t, l), len(steps); got != want {
		t.Errorf("user_version = %d, want %d", got, want)
	}
	if got := stateOf(t, l, testKey(1)); got != statePending {
		t.Errorf("state = %q after migration, want %q", got, statePending)
	}
}

func TestMigrateFailedStepRollsBack(t *testing.T) {
	ctx := context.Background()
	l, _ := openTest(t)
	steps := append(migrations[:len(migrations):len(migrations)],
		`CREATE TABLE half (x); THIS IS NOT SQL;`)
	if err := migrate(ctx, l.db, steps); err == nil {
		t.Fatal("migrate with a broken step succeeded")
	}
	if got, want := userVersion(t, l), len(migrations); got != want {
		t.Errorf("user_version = %d, want %d", got, want)
	}
	var n int
	l.db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'half'").Scan(&n)
	if n != 0 {
		t.Error("table of the failed step exists")
	}
}

func TestOpenNewerSchema(t *testing.T) {
	ctx := context.Background()
	l, path := openTest(t)
	if _, err := l.db.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, path)
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("Open of a newer ledger: %v, want ErrSchemaTooNew", err)
	}
}

func TestDefaultPath(t *testing.T) {
	home := t.TempDir()
	for _, tc := range []struct {
		name, xdg, want string
	}{
		{"XDG_STATE_HOME", "/var/lib/x", "/var/lib/x/announce/ledger.db"},
		{"unset", "", filepath.Join(home, ".local/state/announce/ledger.db")},
		{"relative is ignored", "rel/state", filepath.Join(home, ".local/state/announce/ledger.db")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("HOME", home)
			t.Setenv("XDG_STATE_HOME", tc.xdg)
			got, err := DefaultPath()
			if err != nil || got != filepath.FromSlash(tc.want) {
				t.Errorf("DefaultPath() = %q, %v, want %q", got, err, tc.want)
			}
		})
	}
}

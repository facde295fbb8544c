package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLedgerSources: the ledger is --state, else $ANNOUNCE_STATE, else the
// instances file's state, else $STATE_DIRECTORY/ledger.db; every command says
// which, and the first to write creates it there.
func TestLedgerSources(t *testing.T) {
	tests := []struct {
		name   string
		config bool // state = ".../config.db" in the instances file
		env    map[string]string
		flag   bool
		want   string // the file, under the test's directory
		from   string
	}{
		{"STATE_DIRECTORY (systemd)", false, map[string]string{"STATE_DIRECTORY": "DIR/systemd"}, false, "systemd/ledger.db", "$STATE_DIRECTORY"},
		{"the instances file over STATE_DIRECTORY", true, map[string]string{"STATE_DIRECTORY": "DIR/systemd"}, false, "config.db", "state in config/instances.toml"},
		{"ANNOUNCE_STATE over the instances file", true, map[string]string{"ANNOUNCE_STATE": "DIR/env.db", "STATE_DIRECTORY": "DIR/systemd"}, false, "env.db", "$ANNOUNCE_STATE"},
		{"--state over everything", true, map[string]string{"ANNOUNCE_STATE": "DIR/env.db", "STATE_DIRECTORY": "DIR/systemd"}, true, "flag.db", "--state"},
		{"XDG_STATE_HOME last", false, map[string]string{"XDG_STATE_HOME": "DIR/xdg"}, false, "xdg/announce/ledger.db", "$XDG_STATE_HOME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sandbox(t)
			dir := t.TempDir()
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = strings.ReplaceAll(v, "DIR", dir)
			}
			if tt.config {
				b, err := os.ReadFile("config/instances.toml")
				if err != nil {
					t.Fatal(err)
				}
				writeFile(t, "config/instances.toml", "state = "+`"`+filepath.Join(dir, "config.db")+`"`+"\n"+string(b))
			}
			var flag []string
			if tt.flag {
				flag = []string{"--state", filepath.Join(dir, "flag.db")}
			}
			want := filepath.Join(dir, tt.want)
			run := func(args ...string) (int, string, string) {
				return runCLIAt(t, fixedNow, env, append(args, flag...)...)
			}
			code, _, stderr := run("status", "--instance", "katuma")
			if line := "no ledger at " + want + " (from " + tt.from + "): nothing sent yet\n"; code != 0 || !strings.HasPrefix(stderr, line) {
				t.Errorf("status: exit %d, stderr %q; want it to begin %q", code, stderr, line)
			}
			code, _, stderr = run("suppress", "add", "gone@example.test", "--reason", "left")
			if line := "ledger: " + want + " (from " + tt.from + "), new: nothing was sent from it before\n"; code != 0 || !strings.HasPrefix(stderr, line) {
				t.Errorf("suppress add: exit %d, stderr %q; want it to begin %q", code, stderr, line)
			}
			if _, err := os.Stat(want); err != nil {
				t.Errorf("no ledger at %s after suppress add: %v", want, err)
			}
			code, stdout, stderr := run("suppress", "list")
			if line := "ledger: " + want + " (from " + tt.from + ")\n"; code != 0 || stderr != line || !strings.Contains(stdout, "gone@example.test") {
				t.Errorf("suppress list: exit %d, stdout %q, stderr %q; want the address and %q", code, stdout, stderr, line)
			}
		})
	}
}

// Read-only commands never create a ledger, and those that read one say
// when there is none.
func TestReadOnlyCreatesNoLedger(t *testing.T) {
	sandbox(t)
	missing := filepath.Join(t.TempDir(), "state", "ledger.db")
	env := map[string]string{"ANNOUNCE_STATE": missing}
	note := "no ledger at " + missing + " (from $ANNOUNCE_STATE): nothing sent yet\n"
	for _, tt := range []struct {
		args []string
		says bool // it reads the ledger, so it says there is none
	}{
		{[]string{"--instance", "katuma", "--dry-run", "--notice", "announce"}, true},
		{[]string{"--instance", "all", "--dry-run"}, true},
		{[]string{"status"}, true},
		{[]string{"status", "--format", "json"}, true},
		{[]string{"due", "--dry-run", "--now", "2019-05-06T09:00:00+02:00"}, true},
		{[]string{"suppress", "list"}, true},
		{[]string{"site", "--out", filepath.Join(t.TempDir(), "site")}, true},
		{[]string{"plan"}, false},
		{[]string{"check"}, false},
	} {
		code, stdout, stderr := runCLIAt(t, fixedNow, env, tt.args...)
		if tt.says && !strings.Contains(stderr, note) {
			t.Errorf("%v: exit %d, stderr %q; want %q", tt.args, code, stderr, note)
		}
		if !tt.says && withoutLedgerLine(stdout+stderr) != stdout+stderr {
			t.Errorf("%v reads no ledger, yet mentions one:\n%s%s", tt.args, stdout, stderr)
		}
		if _, err := os.Stat(filepath.Dir(missing)); !os.IsNotExist(err) {
			t.Fatalf("%v created %s (%v)", tt.args, filepath.Dir(missing), err)
		}
	}
}

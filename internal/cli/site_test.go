package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// announce site on the shipped example: the fleet, every instance in every
// offered language, feeds and calendars; bad usage is exit 2 and writes
// nothing.
func TestSiteCommand(t *testing.T) {
	chdirRoot(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir()) // no ledger: the schedule alone
	out := filepath.Join(t.TempDir(), "site")
	code, _, stderr := runCLI(t, "site", "--out", out, "--now", "2019-06-13T08:00:00Z")
	if code != exitOK {
		t.Fatalf("site: exit %d: %s", code, stderr)
	}
	var files []string
	filepath.Walk(out, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			rel, _ := filepath.Rel(out, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	// 13 instances, 32 offered locales: 3 files per locale, 1 per instance, 3 for the fleet.
	if len(files) != 32*3+13+3 {
		t.Errorf("%d files, want %d: %v", len(files), 32*3+13+3, files)
	}
	if !strings.Contains(stderr, "site: 112 files") {
		t.Errorf("stderr %q, want the count", stderr)
	}

	for _, tt := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"site"}, exitInput, "--out DIR is required"},
		{[]string{"site", "--out", filepath.Join(t.TempDir(), "x"), "--state", filepath.Join(t.TempDir(), "none.db")}, exitInput, "no such ledger"},
		{[]string{"maintenance-page"}, exitInput, "--instance is required"},
		{[]string{"maintenance-page", "--instance", "atlantis"}, exitInput, `unknown instance "atlantis"`},
	} {
		code, _, stderr := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.msg) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tt.args, code, stderr, tt.code, tt.msg)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "x")); err == nil {
		t.Error("a failed run wrote files")
	}
}

func TestMaintenancePageCommand(t *testing.T) {
	chdirRoot(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "maintenance-page", "--instance", "canada", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := out + "/en-CA.html\n" + out + "/fr-CA.html\n"; stdout != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	b, err := os.ReadFile(filepath.Join(out, "fr-CA.html"))
	if err != nil || !strings.Contains(string(b), `<html lang="fr-CA">`) {
		t.Errorf("fr-CA.html: %v\n%s", err, b)
	}
}

func TestPlanHTML(t *testing.T) {
	chdirRoot(t)
	code, stdout, stderr := runPlanCLI(t, "--format", "html")
	if code != exitOK || !strings.HasPrefix(stdout, "<!DOCTYPE html>") || !strings.Contains(stdout, "<svg ") || !strings.Contains(stdout, "<table>") {
		t.Errorf("plan --format html: exit %d, %s\n%.300s", code, stderr, stdout)
	}
}

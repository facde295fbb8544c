package cli

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testEnv and testHTTP are the environment and forum HTTP client the CLI
// sees in tests (set by useForum).
var (
	testEnv  = map[string]string{}
	testHTTP *http.Client
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixedNow is the Date of every golden message.
var fixedNow = time.Date(2019, 4, 30, 10, 0, 0, 0, time.UTC)

// runCLI runs announce from the repository root (where the shipped config's
// relative paths point) and returns exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Now: func() time.Time { return fixedNow },
		Getenv: testGetenv, HTTPClient: testHTTP}
	code := run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

// chdirRoot moves the test to the repository root and returns the absolute
// path of this package's testdata.
func chdirRoot(t *testing.T) string {
	t.Helper()
	td, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..")
	return td
}

// TestGoldenMessages writes every notice of Katuma (es, ca) and Canada (en-CA,
// fr-CA) with --out and compares each .eml and forum.md byte for byte.
func TestGoldenMessages(t *testing.T) {
	td := chdirRoot(t)
	for _, inst := range []string{"katuma", "canada"} {
		t.Run(inst, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, _, stderr := runCLI(t, "--instance", inst, "--dry-run", "--out", out, "--state", filepath.Join(t.TempDir(), "none.db"))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			compareTree(t, filepath.Join(out, inst), filepath.Join(td, "golden", inst))
		})
	}
}

func compareTree(t *testing.T, got, want string) {
	t.Helper()
	if *update {
		if err := os.RemoveAll(want); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(want, os.DirFS(got)); err != nil {
			t.Fatal(err)
		}
		return
	}
	seen := map[string]bool{}
	err := fs.WalkDir(os.DirFS(got), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		seen[p] = true
		g, _ := os.ReadFile(filepath.Join(got, p))
		w, err := os.ReadFile(filepath.Join(want, p))
		if err != nil {
			t.Errorf("%s: unexpected file (run go test ./internal/cli -update)", p)
			return nil
		}
		if !bytes.Equal(g, w) {
			t.Errorf("%s differs from golden:\n--- got\n%s\n--- want\n%s", p, g, w)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fs.WalkDir(os.DirFS(want), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !seen[p] {
			t.Errorf("%s: golden file not produced", p)
		}
		return nil
	})
}

func TestGoldenDryRunOutput(t *testing.T) {
	td := chdirRoot(t)
	code, stdout, stderr := runCLI(t, "--instance", "katuma", "--dry-run", "--notice", "announce", "--state", filepath.Join(t.TempDir(), "none.db"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden := filepath.Join(td, "dryrun-katuma-announce.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if stdout != string(want) {
		t.Errorf("dry run output =\n%s\nwant\n%s", stdout, want)
	}
}

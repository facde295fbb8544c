package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// --version and `announce version` print the same line: the module version
// and the revision the binary was built from.
func TestVersion(t *testing.T) {
	chdirRoot(t)
	code, flag, stderr := runCLI(t, "--version")
	if code != 0 || !strings.HasPrefix(flag, "announce ") || stderr != "" {
		t.Fatalf("--version: exit %d, stdout %q, stderr %q", code, flag, stderr)
	}
	code, cmd, stderr := runCLI(t, "version")
	if code != 0 || cmd != flag {
		t.Errorf("version: exit %d, %q, want %q (stderr %q)", code, cmd, flag, stderr)
	}
}

// Ctrl-C at the prompt aborts at once: nothing sent, exit 1, though no
// line was typed.
func TestInterruptAtPrompt(t *testing.T) {
	r, w := io.Pipe() // a terminal nobody types at
	defer w.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- ask(ctx, r, io.Discard, "", 20) }()
	cancel()
	select {
	case err := <-done:
		if err == nil || exitCode(err) != exitFailure || !strings.Contains(err.Error(), "not confirmed: nothing sent") {
			t.Errorf("interrupted prompt: %v (exit %d), want not confirmed, exit 1", err, exitCode(err))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the prompt waited for a line after Ctrl-C")
	}
}

// Every usage error exits 2, cobra's (arguments, unknown commands and
// flags) as well as announce's own.
func TestUsageErrorsExit2(t *testing.T) {
	chdirRoot(t)
	for _, args := range [][]string{
		{"nope"},
		{"--bogus"},
		{"check", "extra"},
		{"status", "--nope"},
		{"suppress"}, // help, exit 0: see below
		{"suppress", "nope"},
		{"suppress", "add"},
		{"suppress", "list", "extra"},
		{"classify"},
		{"completion", "nope"},
		{"completion", "bash", "extra"},
		{"version", "extra"},
		{"help", "nothing"},
		{"help", "suppress", "nothing"},
		{"plan", "--format", "yaml"},
		{"classify", "--format", "text", "x.eml"},
		{"--instance", "katuma", "--dry-run", "--notice", "nope"},
	} {
		code, stdout, stderr := runCLI(t, args...)
		if args[0] == "suppress" && len(args) == 1 {
			if code != 0 || !strings.Contains(stdout, "Usage:") {
				t.Errorf("suppress: exit %d, stdout %q, want its help and 0", code, stdout)
			}
			continue
		}
		if code != exitInput || !strings.HasPrefix(stderr, "announce: usage: ") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q, want 2 and one \"announce: usage: …\" line", args, code, stderr)
		}
	}
}

// A send declined at the prompt is not a usage error: exit 1, and the
// message does not say "usage".
func TestDeclinedConfirmation(t *testing.T) {
	for _, answer := range []string{"", "n\n", "no\n", "nope\n"} {
		var out bytes.Buffer
		err := ask(t.Context(), strings.NewReader(answer), &out, "  katuma announce notice: 20 recipients\n", 20)
		if err == nil || exitCode(err) != exitFailure || strings.Contains(err.Error(), "usage") {
			t.Errorf("answer %q: %v (exit %d), want exit 1 without \"usage\"", answer, err, exitCode(err))
		}
		if !strings.Contains(out.String(), "Send 20 messages? [y/N] ") {
			t.Errorf("prompt %q", out.String())
		}
	}
	for _, answer := range []string{"y\n", "YES\n", " yes \n"} {
		if err := ask(t.Context(), strings.NewReader(answer), &bytes.Buffer{}, "", 20); err != nil {
			t.Errorf("answer %q: %v, want confirmed", answer, err)
		}
	}
}

// announce man writes a page per command, from the commands' help.
func TestManPages(t *testing.T) {
	chdirRoot(t)
	dir := filepath.Join(t.TempDir(), "man")
	code, _, stderr := runCLI(t, "man", "--out", dir)
	if code != 0 {
		t.Fatalf("man: exit %d: %s", code, stderr)
	}
	for page, want := range map[string]string{
		"announce.1":              "announce - Tell the users of an OFN instance about scheduled maintenance",
		"announce-check.1":        "announce-check - Validate instances",
		"announce-suppress-add.1": "announce-suppress-add - Add addresses",
		"announce-man.1":          "announce-man - Write the manual pages",
		"announce-due.1":          `\fB--dry-run\fP`,
	} {
		b, err := os.ReadFile(filepath.Join(dir, page))
		if err != nil {
			t.Errorf("%s: %v", page, err)
			continue
		}
		s := string(b)
		if !strings.Contains(s, `.TH "ANNOUNCE" "1" "Apr 2019"`) || !strings.Contains(s, want) {
			t.Errorf("%s lacks the header or %q:\n%.400s", page, want, s)
		}
	}
	if code, _, stderr := runCLI(t, "man"); code != exitInput || !strings.Contains(stderr, "--out DIR is required") {
		t.Errorf("man without --out: exit %d, %q", code, stderr)
	}
}

// The shells complete --instance from the instances file, --notice and
// --format from what the command takes.
func TestCompletion(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		args []string
		want string // the candidates, one a line
	}{
		{[]string{"--instance", ""}, "australia\nbelgium\ncanada\nfrance\ngermany\ngreece\nhungary\nindia\nireland\nkatuma\nnewzealand\nuk\nus\nall\n"},
		{[]string{"maintenance-page", "--instance", ""}, "australia\nbelgium\ncanada\nfrance\ngermany\ngreece\nhungary\nindia\nireland\nkatuma\nnewzealand\nuk\nus\n"},
		{[]string{"--notice", ""}, "announce\nreminder\nstart\ndone\nreschedule\ncancel\n"},
		{[]string{"plan", "--format", ""}, "text\nmarkdown\njson\nics\nhtml\n"},
		{[]string{"status", "--format", ""}, "text\njson\n"},
		{[]string{"suppress", "list", "--format", ""}, "text\njson\n"},
		{[]string{"classify", "--format", ""}, "json\n"},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, append([]string{"__complete"}, tt.args...)...)
		if want := tt.want + ":4\n"; code != 0 || stdout != want {
			t.Errorf("complete %v: exit %d\n%s\nwant\n%s(stderr %s)", tt.args, code, stdout, want, stderr)
		}
	}
	// Every --format's help names the values completed.
	root := newRootCmd(&Env{})
	conventions(root, &Env{})
	walk(root, func(c *cobra.Command) {
		f := c.Flags().Lookup("format")
		if f == nil {
			return
		}
		vs, ok := formats[c.CommandPath()]
		if !ok {
			t.Errorf("%s has --format but no completion", c.CommandPath())
		}
		for _, v := range vs {
			if !strings.Contains(f.Usage, v) {
				t.Errorf("%s --format: usage %q does not name %s", c.CommandPath(), f.Usage, v)
			}
		}
	})
}

// README's layout names every package under internal/.
func TestReadmeNamesEveryPackage(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir("../../internal", func(p string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == "testdata":
			return filepath.SkipDir
		case !d.IsDir():
			return nil
		}
		gos, _ := filepath.Glob(filepath.Join(p, "*.go"))
		if len(gos) == 0 {
			return nil
		}
		rel, _ := filepath.Rel("../..", p)
		if !strings.Contains(string(readme), "| `"+filepath.ToSlash(rel)+"` |") {
			t.Errorf("README's layout does not name %s", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

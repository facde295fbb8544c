package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// classify prints one JSON object per file, with the file as given; an
// unreadable file is reported, the others still classified, and the exit
// status is 2.
func TestClassifyFiles(t *testing.T) {
	corpus := filepath.Join("..", "inbox", "testdata", "corpus")
	files := []string{
		filepath.Join(corpus, "bounce-postfix-user-unknown.eml"),
		filepath.Join(t.TempDir(), "missing.eml"),
		filepath.Join(corpus, "reply-ca-gmail.eml"),
		t.TempDir(), // a directory
		filepath.Join(corpus, "unrelated-newsletter.eml"),
		filepath.Join(corpus, "..", "bounces", "authfailure--microsoft-dmarc-5.7.26.eml"),
	}
	var out, errb bytes.Buffer
	code, _, stderr := execCmd(t, newClassifyCmd(testCLIEnv(&out, &errb)), files...)
	if code != exitInput {
		t.Errorf("exit %d, want %d", code, exitInput)
	}
	if !strings.Contains(stderr, "missing.eml: no such file or directory") || !strings.Contains(stderr, "is a directory") {
		t.Errorf("stderr = %q, want both unreadable files named", stderr)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("stdout has %d lines, want 4:\n%s", len(lines), out.String())
	}
	for i, want := range []struct{ file, kind, more string }{
		{files[0], "bounce", `"recipient":"nuria@lacistella.example"`},
		{files[2], "reply", `"text":"Hola`},
		{files[4], "other", `"reasons":[`},
		{files[5], "bounce", `"reason":"authfailure","side":"sender","suppress":"never"`},
	} {
		var v struct{ File, Kind string }
		if err := json.Unmarshal([]byte(lines[i]), &v); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, lines[i])
		}
		if v.File != want.file || v.Kind != want.kind || !strings.Contains(lines[i], want.more) {
			t.Errorf("line %d = %s, want file %q, kind %q and %s", i+1, lines[i], want.file, want.kind, want.more)
		}
	}
}

func TestClassifyNeedsAFile(t *testing.T) {
	var out, errb bytes.Buffer
	if code, _, _ := execCmd(t, newClassifyCmd(testCLIEnv(&out, &errb))); code == exitOK {
		t.Error("classify without a file succeeded")
	}
}

// classify - reads the message from standard input, among files; a second
// - is an error (standard input is read once).
func TestClassifyStdin(t *testing.T) {
	corpus := filepath.Join("..", "inbox", "testdata", "corpus")
	raw, err := os.ReadFile(filepath.Join(corpus, "bounce-postfix-user-unknown.eml"))
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := testCLIEnv(&out, &errb)
	env.Stdin = bytes.NewReader(raw)
	reply := filepath.Join(corpus, "reply-ca-gmail.eml")
	code, _, stderr := execCmd(t, newClassifyCmd(env), "-", reply)
	if code != exitOK {
		t.Fatalf("classify - %s: exit %d, stderr %q", reply, code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"file":"-"`) || !strings.Contains(lines[0], `"kind":"bounce"`) ||
		!strings.Contains(lines[0], `"recipient":"nuria@lacistella.example"`) || !strings.Contains(lines[1], `"kind":"reply"`) {
		t.Errorf("classify - %s printed:\n%s\nwant the bounce from standard input, then the reply", reply, out.String())
	}

	out.Reset()
	env.Stdin = bytes.NewReader(raw)
	code, _, stderr = execCmd(t, newClassifyCmd(env), "-", "-")
	if code != exitInput || !strings.Contains(stderr, "standard input given twice") || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("classify - -: exit %d, stderr %q, stdout %q; want 2, one message and the second - refused", code, stderr, out.String())
	}
}

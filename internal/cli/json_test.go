package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/check"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/english"
	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

// decodeLines decodes JSON lines strictly into T: a key the shape does not
// document fails.
func decodeLines[T any](t *testing.T, what, s string) []T {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	var out []T
	for dec.More() {
		var v T
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v in\n%s", what, err, s)
		}
		out = append(out, v)
	}
	return out
}

// A send, a due run, the suppression list and a dry run, each with
// --format json: one object per notice (address), the documented shape.
func TestFormatJSON(t *testing.T) {
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	state := dueSandbox(t, srv)

	code, stdout, stderr := runCLI(t, "--instance", "katuma", "--notice", "done", "--yes", "--force", "--state", state, "--format", "json")
	if code != 0 {
		t.Fatalf("send: exit %d: %s", code, stderr)
	}
	sent := decodeLines[dispatch.ResultJSON](t, "send", stdout)
	if len(sent) != 1 || sent[0].Instance != "katuma" || sent[0].Notice != "done" || sent[0].State != "done" ||
		sent[0].Recipients != 13 || sent[0].Counts["sent"] != 13 || sent[0].Counts["failed_permanent"] != 0 || sent[0].Due != nil {
		t.Errorf("send --format json = %+v, want katuma done: 13 sent\n%s", sent, stdout)
	}

	code, stdout, stderr = runCLI(t, "due", "--now", "2019-05-07T10:30:00Z", "--state", state, "--instance", "katuma", "--format", "json")
	if code != 0 {
		t.Fatalf("due: exit %d: %s", code, stderr)
	}
	due := decodeLines[dispatch.ResultJSON](t, "due", stdout)
	var notices []string
	for _, d := range due {
		notices = append(notices, d.Notice)
		if d.State != "expired" || d.Reason != "the done notice was already sent" || d.Due == nil || d.Recipients != 0 {
			t.Errorf("due --format json: %+v, want expired since done was sent", d)
		}
	}
	if strings.Join(notices, " ") != "announce reminder start" || due[2].Due.Format(time.RFC3339) != "2019-05-07T07:00:00Z" {
		t.Errorf("due --format json = %+v\n%s", due, stdout)
	}

	code, stdout, stderr = runCLI(t, "due", "--dry-run", "--now", "2019-04-30T10:00:00Z", "--state", filepath.Join(t.TempDir(), "new.db"), "--instance", "katuma", "--format", "json")
	would := decodeLines[dispatch.ResultJSON](t, "due --dry-run", stdout)
	if code != 0 || len(would) != 1 || would[0].Notice != "announce" || would[0].State != "would send" || would[0].Due == nil || would[0].Counts != nil {
		t.Errorf("due --dry-run --format json: exit %d, %+v (%s)\n%s", code, would, stderr, stdout)
	}

	if code, _, stderr := runCLI(t, "suppress", "add", "--state", state, "--reason", "asked", "Pau@Example.test"); code != 0 {
		t.Fatalf("suppress add: %d %s", code, stderr)
	}
	code, stdout, _ = runCLI(t, "suppress", "list", "--state", state, "--format", "json")
	list := decodeLines[dispatch.SuppressionJSON](t, "suppress list", stdout)
	if code != 0 || len(list) != 1 || list[0].Address != "pau@example.test" || list[0].Reason != "asked" || list[0].Source != "operator" || list[0].Since.IsZero() {
		t.Errorf("suppress list --format json: exit %d, %+v\n%s", code, list, stdout)
	}

	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr = runCLI(t, "--instance", "katuma", "--dry-run", "--notice", "announce", "--state", state, "--format", "json", "--out", out)
	if code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, stderr)
	}
	dry := decodeLines[dispatch.DryRunJSON](t, "dry run", stdout)
	if len(dry) != 1 || dry[0].Instance != "katuma" || dry[0].Notice != "announce" || !dry[0].Email || dry[0].Recipients != 13 ||
		dry[0].Messages != 13 || len(dry[0].Editions) == 0 || dry[0].Editions[0].Locale != "es" || dry[0].Forum != nil ||
		dry[0].Window.Begin.Location().String() != "UTC" {
		t.Errorf("dry run --format json = %+v\n%s", dry, stdout)
	}
	n := 0
	for _, ed := range dry[0].Editions {
		n += ed.Recipients
	}
	if n != dry[0].Recipients {
		t.Errorf("editions count %d recipients, the notice %d", n, dry[0].Recipients)
	}
}

// check --format json: one object with every problem and warning, and the
// exit status of the text form.
func TestCheckJSON(t *testing.T) {
	sandbox(t)
	edit(t, "recipients/katuma.csv", "\n", "\nnot-an-address,es,,\n")
	edit(t, "config/schedule.toml", "[windows.katuma]", "[windows.katuma]\nbogus_key = 1")
	code, stdout, stderr := runCLI(t, "check", "--format", "json")
	got := decodeLines[check.Result](t, "check", stdout)
	if code != exitInput || len(got) != 1 || !strings.Contains(stderr, "check found ") {
		t.Fatalf("check --format json: exit %d, %d objects\n%s\n%s", code, len(got), stdout, stderr)
	}
	all := strings.Join(got[0].Problems, "\n")
	for _, file := range []string{"config/schedule.toml:", "recipients/katuma.csv:"} {
		if !strings.Contains(all, file) {
			t.Errorf("one pass missed the problem in %s:\n%s", file, all)
		}
	}
	_, plain, _ := runCLI(t, "check")
	for _, p := range got[0].Problems {
		if !strings.Contains(plain, p+"\n") {
			t.Errorf("json problem %q is not in the text output", p)
		}
	}
	if want := english.Count("problems", len(got[0].Problems)); !strings.Contains(stderr, "check found "+want+"\n") {
		t.Errorf("stderr %q, want check found %s", stderr, want)
	}
	if got[0].Warnings == nil {
		t.Errorf("warnings is null, want a list")
	}
}

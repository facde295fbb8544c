package cli

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/openfoodfoundation/announce/internal/forum"
	"github.com/openfoodfoundation/announce/internal/forum/forumtest"
	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

// The dry run and the send are one plan: these three used to differ.

// With language = "all", --out writes the forum copy a send posts: every
// locale, the same Markdown.
func TestDryRunForumFileIsThePost(t *testing.T) {
	fsrv := forumtest.Start(t, forumtest.Options{})
	sandbox(t)
	useForum(t, fsrv)
	edit(t, "config/instances.toml", "api_key_env = \"KATUMA_DISCOURSE_API_KEY\"\n", "api_key_env = \"KATUMA_DISCOURSE_API_KEY\"\nlanguage = \"all\"\n")
	state := filepath.Join(t.TempDir(), "ledger.db")
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := runCLI(t, "--instance", "katuma", "--notice", "announce", "--dry-run", "--out", out, "--state", state); code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "katuma", "announce", "forum.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, body, ok := strings.Cut(strings.TrimPrefix(string(b), "---\n"), "\n---\n")
	if !ok {
		t.Fatalf("forum.md has no front matter:\n%s", b)
	}
	if code, _, stderr := runCLI(t, "--instance", "katuma", "--notice", "announce", "--forum-only", "--yes", "--state", state); code != 0 {
		t.Fatalf("send: exit %d: %s", code, stderr)
	}
	topics := fsrv.Topics()
	if len(topics) != 1 || len(topics[0].Posts) != 1 {
		t.Fatalf("topics = %+v, want one with one post", topics)
	}
	// Discourse stores the raw with its odd spaces (CLDR's U+202F) made plain.
	if got, want := forum.NormalizeRaw(strings.TrimSpace(body)), strings.TrimSpace(topics[0].Posts[0].Raw); got != want {
		t.Errorf("forum.md =\n%s\nposted =\n%s", got, want)
	}
	if !strings.Contains(string(b), "locale: es, ca, pt, eu, it, fr, en\n") {
		t.Errorf("forum.md's front matter does not name every offered locale:\n%s", b)
	}
	for _, s := range []string{"El próximo martes, 7 de mayo", "El proper dimarts, 7 de maig", "Le mardi 7 mai 2019", "Next Tuesday, May 7, 2019"} {
		if !strings.Contains(body, s) {
			t.Errorf("forum.md lacks %q (a locale is missing):\n%s", s, body)
		}
	}
}

// A dry run of a change of plan reads the ledger but never creates one.
func TestDryRunRescheduleCreatesNoLedger(t *testing.T) {
	sandbox(t)
	state := filepath.Join(t.TempDir(), "new", "ledger.db")
	code, _, stderr := runCLI(t, "--instance", "katuma", "--notice", "reschedule", "--dry-run", "--state", state)
	if code != exitInput || !strings.Contains(stderr, "nobody was told of a window yet") {
		t.Errorf("exit %d, stderr %q; want 2 and nobody was told", code, stderr)
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("the dry run created the ledger %s (stat: %v)", state, err)
	}
}

// due --dry-run says what is due and creates no ledger either.
func TestDueDryRunCreatesNoLedger(t *testing.T) {
	sandbox(t)
	state := filepath.Join(t.TempDir(), "new", "ledger.db")
	code, stdout, stderr := runCLI(t, "due", "--dry-run", "--instance", "katuma", "--now", "2019-04-30T07:05:00Z", "--state", state)
	if code != 0 || !strings.Contains(stdout, "katuma announce notice (due 2019-04-30 09:00 CEST): would send (dry run)") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("due --dry-run created the ledger %s (stat: %v)", state, err)
	}
}

// countingTransport counts the requests that go through the client the
// caller gave.
type countingTransport struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// due posts the forum copies with the caller's HTTP client, like a send by
// hand: its Env is not copied field by field.
func TestDueUsesTheHTTPClient(t *testing.T) {
	mail := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	fsrv := forumtest.Start(t, forumtest.Options{})
	state := dueSandbox(t, mail)
	useForum(t, fsrv)
	ct := &countingTransport{next: fsrv.Client().Transport}
	testHTTP = &http.Client{Transport: ct}
	d := newTestDue(t, state)
	d.due.Keys = []string{"katuma"}
	dueEvery(t, d, "2019-04-30T06:00:00Z", "2019-04-30T08:00:00Z")
	if len(fsrv.Topics()) != 1 {
		t.Fatalf("due posted %d topics, want 1", len(fsrv.Topics()))
	}
	if ct.n.Load() == 0 {
		t.Errorf("due's forum requests did not go through Env.HTTPClient")
	}
}

package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openfoodfoundation/announce/internal/forum/forumtest"
	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
)

// useForum points Katuma's forum at a fake Discourse and gives the CLI its
// API key through the environment, as an operator would.
func useForum(t *testing.T, srv *forumtest.Server) {
	t.Helper()
	b := fmt.Sprintf("[instances.katuma.forum]\nurl = %q\ncategory = \"uncategorized\"\napi_username = %q\napi_key_env = \"KATUMA_DISCOURSE_API_KEY\"\n",
		srv.URL, forumtest.Username)
	appendConfig(t, b)
	testEnv = map[string]string{"KATUMA_DISCOURSE_API_KEY": forumtest.APIKey}
	testHTTP = srv.Client()
	t.Cleanup(func() { testEnv, testHTTP = map[string]string{}, nil })
}

func appendConfig(t *testing.T, s string) {
	t.Helper()
	edit(t, "config/instances.toml", "[instances.belgium]", s+"\n[instances.belgium]")
}

// The forum copy: created with the announce notice, later notices reply in
// the topic, a rerun posts nothing, a moved window is edited only with
// --update, Discourse's 422 is shown verbatim, and the key shows nowhere.
func TestForumCopies(t *testing.T) {
	mail := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	fsrv := forumtest.Start(t, forumtest.Options{})
	sandbox(t)
	useSMTP(t, "katuma", plainSMTP(mail))
	useForum(t, fsrv)
	state := filepath.Join(t.TempDir(), "ledger.db")
	var all strings.Builder
	run := func(wantCode int, args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t, append(args, "--state", state, "--yes")...)
		all.WriteString(stdout + stderr)
		if code != wantCode {
			t.Fatalf("announce %v: exit %d, want %d\n%s%s", args, code, wantCode, stdout, stderr)
		}
		return stdout + stderr
	}
	posts := func() []forumtest.Post {
		var ps []forumtest.Post
		for _, tp := range fsrv.Topics() {
			ps = append(ps, tp.Posts...)
		}
		return ps
	}

	out := run(0, "--instance", "katuma", "--notice", "announce", "--dry-run")
	if !strings.Contains(out, "--- forum copy: create, POST "+fsrv.URL+"/posts.json (category uncategorized) ---") || len(posts()) != 0 {
		t.Errorf("dry run does not show the create, or posted:\n%s", out)
	}
	out = run(0, "--instance", "katuma", "--notice", "announce")
	topics := fsrv.Topics()
	if len(topics) != 1 || topics[0].ExternalID != "ofn-v2-2019_katuma" || topics[0].Title != "Mantenimiento programado de Katuma el martes, 7 de mayo de 2019" ||
		!strings.Contains(out, "katuma announce notice: forum: created the topic "+fsrv.URL+"/t/") {
		t.Fatalf("after announce: topics %+v\n%s", topics, out)
	}
	if !strings.Contains(posts()[0].Raw, "El próximo martes, 7 de mayo de 2019, Katuma tendrá un mantenimiento programado.") {
		t.Errorf("topic raw = %q", posts()[0].Raw)
	}
	out = run(0, "--instance", "katuma", "--notice", "announce")
	if len(posts()) != 1 || !strings.Contains(out, "forum: already posted, unchanged") {
		t.Errorf("rerun posted again (%d posts):\n%s", len(posts()), out)
	}
	out = run(0, "--instance", "katuma", "--notice", "reminder")
	if ps := posts(); len(ps) != 2 || ps[1].TopicID != ps[0].TopicID || !strings.Contains(out, "forum: replied in the topic") {
		t.Errorf("reminder did not reply in the topic: %+v\n%s", ps, out)
	}

	// The window moves a week: without --update nothing is edited.
	edit(t, "config/schedule.toml", "start = 2019-05-07T09:00:00", "start = 2019-05-14T09:00:00")
	out = run(0, "--instance", "katuma", "--notice", "announce", "--forum-only")
	if !strings.Contains(out, "the text changed since it was posted; run with --update") || strings.Contains(posts()[0].Raw, "14 de mayo") {
		t.Errorf("changed text without --update:\n%s", out)
	}
	out = run(0, "--instance", "katuma", "--notice", "announce", "--forum-only", "--update", "--dry-run")
	if !strings.Contains(out, fmt.Sprintf("--- forum copy: update, PUT %s/posts/%d.json", fsrv.URL, posts()[0].ID)) {
		t.Errorf("dry run does not show the update:\n%s", out)
	}
	out = run(0, "--instance", "katuma", "--notice", "announce", "--forum-only", "--update")
	if p := posts()[0]; !strings.Contains(p.Raw, "martes, 14 de mayo de 2019") || p.EditReason != "The maintenance window changed" || !strings.Contains(out, "forum: edited the post") {
		t.Errorf("after --update: %+v\n%s", p, out)
	}
	if len(mail.Messages()) != 26 {
		t.Errorf("--forum-only sent email: %d messages, want 26", len(mail.Messages()))
	}

	for _, r := range fsrv.Requests() {
		if strings.Contains(r.URL, forumtest.APIKey) || r.Header.Get("Api-Key") != "[redacted]" || r.Header.Get("Api-Username") != forumtest.Username {
			t.Errorf("request %s %s: key in URL or headers missing/wrong: %v", r.Method, r.URL, r.Header)
		}
	}
	if strings.Contains(all.String(), forumtest.APIKey) {
		t.Errorf("the API key appears in the output")
	}
}

// Discourse's 422 is shown verbatim; the emails went out all the same.
func TestForum422Verbatim(t *testing.T) {
	mail := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	fsrv := forumtest.Start(t, forumtest.Options{MinTitle: 200})
	sandbox(t)
	useSMTP(t, "katuma", plainSMTP(mail))
	useForum(t, fsrv)
	code, stdout, stderr := runCLI(t, "--instance", "katuma", "--notice", "announce", "--yes", "--state", filepath.Join(t.TempDir(), "l.db"))
	if code != exitFailure || !strings.Contains(stderr, "Title is too short (minimum is 200 characters)") {
		t.Errorf("exit %d, stderr %q; want 1 and Discourse's message verbatim", code, stderr)
	}
	if len(mail.Messages()) != 13 || !strings.Contains(stdout, "13 sent") {
		t.Errorf("a forum failure blocked the emails: %d sent\n%s", len(mail.Messages()), stdout)
	}
	if strings.Contains(stdout+stderr, forumtest.APIKey) {
		t.Errorf("the API key appears in the output")
	}
}

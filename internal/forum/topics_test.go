package forum_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/openfoodfoundation/announce/internal/forum"
	"github.com/openfoodfoundation/announce/internal/forum/forumtest"
)

func TestEnsureTopicCreatesOnceThenFinds(t *testing.T) {
	h := newHarness(t, forumtest.Options{}, forum.Config{})
	ctx := t.Context()

	first, created, err := h.c.EnsureTopic(ctx, title, body, extID)
	if err != nil || !created {
		t.Fatalf("EnsureTopic = %v, created %v, want a new topic", err, created)
	}
	if first.PostNumber != 1 || first.Raw != body || first.Username != forumtest.Username {
		t.Errorf("first post = %+v, want post 1 by %s with the body", first, forumtest.Username)
	}
	again, created, err := h.c.EnsureTopic(ctx, title, body, extID)
	if err != nil || created {
		t.Fatalf("EnsureTopic again = %v, created %v, want the existing topic", err, created)
	}
	if again.ID != first.ID || again.Raw != body {
		t.Errorf("EnsureTopic again = post %d %q, want post %d %q", again.ID, again.Raw, first.ID, body)
	}
	if n := h.count(http.MethodPost, "/posts.json"); n != 1 {
		t.Errorf("POST /posts.json sent %d times, want 1", n)
	}

	topics := h.srv.Topics()
	if len(topics) != 1 || topics[0].ExternalID != extID || topics[0].CategoryID != catNews.ID || topics[0].Title != title {
		t.Fatalf("server topics = %+v, want one in category %d with external id %s", topics, catNews.ID, extID)
	}
	// The request Discourse documents: title, raw, category as an id, external_id.
	for _, r := range h.srv.Requests() {
		if r.Method != http.MethodPost {
			continue
		}
		var got map[string]any
		if err := json.Unmarshal(r.Body, &got); err != nil {
			t.Fatalf("POST body %s: %v", r.Body, err)
		}
		want := map[string]any{"title": title, "raw": body, "category": float64(catNews.ID), "external_id": extID}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("POST body = %v, want %v", got, want)
		}
	}
	if n := h.count(http.MethodGet, "/c/katuma/show.json"); n != 1 {
		t.Errorf("category slug resolved %d times, want once", n)
	}
}

func TestTopicByExternalID(t *testing.T) {
	h := newHarness(t, forumtest.Options{}, forum.Config{})
	ctx := t.Context()
	if got, err := h.c.TopicByExternalID(ctx, extID); got != nil || err != nil {
		t.Fatalf("TopicByExternalID(%s) before = %+v, %v, want nil, nil", extID, got, err)
	}
	seeded := h.srv.Seed(catNews.ID, title, body, forumtest.Username, extID)
	reply, err := h.c.Reply(ctx, seeded.ID, "A second post, long enough to pass.")
	if err != nil {
		t.Fatal(err)
	}
	// Discourse compares external ids without case.
	got, err := h.c.TopicByExternalID(ctx, strings.ToUpper(extID))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != seeded.ID || got.Title != title || got.CategoryID != catNews.ID || got.PostsCount != 2 {
		t.Errorf("TopicByExternalID = %+v, want topic %d %q in %d with 2 posts", got, seeded.ID, title, catNews.ID)
	}
	if fmt.Sprint(got.PostIDs) != fmt.Sprint([]int{seeded.Posts[0].ID, reply.ID}) {
		t.Errorf("PostIDs = %v, want %v", got.PostIDs, []int{seeded.Posts[0].ID, reply.ID})
	}
	if len(got.Posts) != 2 || got.Posts[0].Raw != body || got.Posts[1].PostNumber != 2 {
		t.Errorf("Posts = %+v, want both with their raw", got.Posts)
	}
	if _, err := h.c.TopicByExternalID(ctx, "no spaces/allowed"); err == nil {
		t.Error("TopicByExternalID with a bad external id: no error")
	}
}

func TestReplyEditAndReadBack(t *testing.T) {
	h := newHarness(t, forumtest.Options{}, forum.Config{})
	ctx := t.Context()
	first, err := h.c.CreateTopic(ctx, title, body, extID)
	if err != nil {
		t.Fatal(err)
	}
	reminder := "Reminder: the maintenance starts tomorrow at 09:00."
	reply, err := h.c.Reply(ctx, first.TopicID, reminder)
	if err != nil {
		t.Fatal(err)
	}
	if reply.TopicID != first.TopicID || reply.PostNumber != 2 || reply.Raw != reminder {
		t.Errorf("Reply = %+v, want post 2 of topic %d", reply, first.TopicID)
	}
	if got, want := h.c.URL(reply), fmt.Sprintf("%s/t/%s/%d/2", h.srv.URL, reply.TopicSlug, reply.TopicID); got != want {
		t.Errorf("URL(reply) = %s, want %s", got, want)
	}

	tests := []struct {
		name        string
		raw, reason string
		wantVersion int
	}{
		{"new text", "Reminder: the maintenance starts tomorrow at 10:00, an hour later.", "moved by an hour", 2},
		{"same text again", "Reminder: the maintenance starts tomorrow at 10:00, an hour later.", "no change", 2},
		{"back", reminder, "moved back", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.c.EditPost(ctx, reply.ID, tt.raw, tt.reason)
			if err != nil {
				t.Fatal(err)
			}
			if got.Raw != tt.raw || got.Version != tt.wantVersion {
				t.Errorf("EditPost = raw %q version %d, want %q version %d", got.Raw, got.Version, tt.raw, tt.wantVersion)
			}
			read, err := h.c.Post(ctx, reply.ID)
			if err != nil {
				t.Fatal(err)
			}
			if read.Raw != tt.raw || read.Version != tt.wantVersion {
				t.Errorf("Post(%d) = raw %q version %d, want %q version %d", reply.ID, read.Raw, read.Version, tt.raw, tt.wantVersion)
			}
		})
	}
	// What Discourse's edit takes: post[raw] and post[edit_reason].
	for _, r := range h.srv.Requests() {
		if r.Method == http.MethodPut {
			var got struct {
				Post map[string]string `json:"post"`
			}
			if err := json.Unmarshal(r.Body, &got); err != nil || got.Post["raw"] == "" || got.Post["edit_reason"] == "" {
				t.Errorf("PUT %s body = %s, want post[raw] and post[edit_reason]", r.Path, r.Body)
			}
		}
	}
	if p, _ := h.srv.PostByID(reply.ID); p.EditReason != "moved back" {
		t.Errorf("server edit reason = %q, want %q", p.EditReason, "moved back")
	}
}

func TestCategory(t *testing.T) {
	tests := []struct {
		category string
		wantID   int
		wantPath string // the one request made, "" for none
	}{
		{"katuma", catNews.ID, "/c/katuma/show.json"},
		{"7", catNews.ID, ""},
		{"katuma/avisos", catSub.ID, "/c/katuma/avisos/find_by_slug.json"},
		{"/katuma/avisos/", catSub.ID, "/c/katuma/avisos/find_by_slug.json"},
	}
	for _, tt := range tests {
		t.Run(tt.category, func(t *testing.T) {
			h := newHarness(t, forumtest.Options{}, forum.Config{Category: tt.category})
			for range 2 { // resolved once
				if got, err := h.c.CategoryID(t.Context()); err != nil || got != tt.wantID {
					t.Fatalf("CategoryID() = %d, %v, want %d", got, err, tt.wantID)
				}
			}
			var paths []string
			for _, r := range h.srv.Requests() {
				paths = append(paths, r.Path)
			}
			if want := strings.Fields(tt.wantPath); fmt.Sprint(paths) != fmt.Sprint(want) {
				t.Errorf("requests = %v, want %v", paths, want)
			}
		})
	}
}

// One Client serves concurrent callers (run with -race).
func TestConcurrentReplies(t *testing.T) {
	h := newHarness(t, forumtest.Options{}, forum.Config{})
	ctx := t.Context()
	first, err := h.c.CreateTopic(ctx, title, body, extID)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			if _, err := h.c.Reply(ctx, first.TopicID, fmt.Sprintf("Reply number %d, long enough to pass.", i)); err != nil {
				errs <- err
			}
			if _, err := h.c.CategoryID(ctx); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if topics := h.srv.Topics(); len(topics[0].Posts) != 9 {
		t.Errorf("topic has %d posts, want 9", len(topics[0].Posts))
	}
}

func TestEnsureReply(t *testing.T) {
	h := newHarness(t, forumtest.Options{}, forum.Config{})
	ctx := t.Context()
	topic := h.srv.Seed(catNews.ID, title, body, forumtest.Username, extID)
	// Someone else said the same; that is not our reply.
	h.srv.SeedReply(topic.ID, "ana", replyText)
	p, created, err := h.c.EnsureReply(ctx, topic.ID, replyText)
	if err != nil || !created || p.PostNumber != 3 {
		t.Fatalf("EnsureReply = %+v, created %v, %v, want post 3, created", p, created, err)
	}
	// A long topic: the last posts are past the first page of 20.
	for i := range 25 {
		h.srv.SeedReply(topic.ID, "ana", fmt.Sprintf("Comment number %d from a reader.", i))
	}
	done := "All done: Katuma is back. Thanks for your patience!"
	first, created, err := h.c.EnsureReply(ctx, topic.ID, done)
	if err != nil || !created {
		t.Fatalf("EnsureReply(done) = %v, created %v, want created", err, created)
	}
	again, created, err := h.c.EnsureReply(ctx, topic.ID, done+"\n")
	if err != nil || created || again.ID != first.ID {
		t.Errorf("EnsureReply(done) again = %+v, created %v, %v, want post %d found", again, created, err, first.ID)
	}
	if n := h.count(http.MethodGet, fmt.Sprintf("/t/%d/posts.json", topic.ID)); n == 0 {
		t.Error("the posts past the first page were not read")
	}
	if n := h.count(http.MethodPost, "/posts.json"); n != 2 {
		t.Errorf("POST /posts.json sent %d times, want 2", n)
	}
}

// Discourse stores raw with no-break spaces made plain and trailing white
// space cut: NormalizeRaw says what comes back, so a caller comparing texts
// does not edit every post on every run.
func TestRawAsDiscourseStoresIt(t *testing.T) {
	h := newHarness(t, forumtest.Options{}, forum.Config{})
	ctx := t.Context()
	raw := "La maintenance commence à 10\u202fh\u00a0: Katuma sera indisponible.  \n\n"
	want := "La maintenance commence à 10 h : Katuma sera indisponible."
	if got := forum.NormalizeRaw(raw); got != want {
		t.Fatalf("NormalizeRaw(%q) = %q, want %q", raw, got, want)
	}
	first, err := h.c.CreateTopic(ctx, title, raw, extID)
	if err != nil {
		t.Fatal(err)
	}
	if read, err := h.c.Post(ctx, first.ID); err != nil || read.Raw != forum.NormalizeRaw(raw) {
		t.Errorf("Post(%d).Raw = %q, %v, want %q", first.ID, read.Raw, err, want)
	}
	reminder := "Rappel\u00a0: la maintenance commence demain à 10\u202fh.\n"
	if _, created, err := h.c.EnsureReply(ctx, first.TopicID, reminder); err != nil || !created {
		t.Fatalf("EnsureReply = %v, %v", created, err)
	}
	if _, created, err := h.c.EnsureReply(ctx, first.TopicID, reminder); err != nil || created {
		t.Errorf("EnsureReply again = created %v, %v, want found", created, err)
	}
}

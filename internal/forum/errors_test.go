package forum_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/forum"
	"github.com/openfoodfoundation/announce/internal/forum/forumtest"
)

// Discourse's 422s come back verbatim, whole, and typed.
func TestValidationErrorsVerbatim(t *testing.T) {
	now := time.Date(2019, 5, 7, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	type call func(ctx context.Context, h *harness, topic forumtest.Topic) error
	reply := func(raw string) call {
		return func(ctx context.Context, h *harness, topic forumtest.Topic) error {
			_, err := h.c.Reply(ctx, topic.ID, raw)
			return err
		}
	}
	tests := []struct {
		name       string
		call       call
		wantErrors []string
	}{
		{"short title", func(ctx context.Context, h *harness, _ forumtest.Topic) error {
			_, err := h.c.CreateTopic(ctx, "Maintenance", body, "x1")
			return err
		}, []string{"Title is too short (minimum is 15 characters)"}},
		{"short body", func(ctx context.Context, h *harness, _ forumtest.Topic) error {
			_, err := h.c.CreateTopic(ctx, "Another maintenance window", "Back soon.", "x2")
			return err
		}, []string{"Body is too short (minimum is 20 characters)"}},
		{"duplicate title", func(ctx context.Context, h *harness, _ forumtest.Topic) error {
			_, err := h.c.CreateTopic(ctx, strings.ToUpper(title), body, "x3")
			return err
		}, []string{"Title has already been used"}},
		{"short reply", reply("Done."), []string{"Body is too short (minimum is 20 characters)"}},
		{"reply to a closed topic", func(ctx context.Context, h *harness, topic forumtest.Topic) error {
			h.srv.CloseTopic(topic.ID)
			_, err := h.c.Reply(ctx, topic.ID, replyText)
			return err
		}, []string{"Something has gone wrong. Perhaps this topic was closed or deleted while you were looking at it?"}},
		{"reply to no topic", func(ctx context.Context, h *harness, _ forumtest.Topic) error {
			_, err := h.c.Reply(ctx, 424242, replyText)
			return err
		}, []string{"Something has gone wrong. Perhaps this topic was closed or deleted while you were looking at it?"}},
		{"same reply after the 120 s memo", func(ctx context.Context, h *harness, topic forumtest.Topic) error {
			if _, err := h.c.Reply(ctx, topic.ID, replyText); err != nil {
				return err
			}
			now = now.Add(3 * time.Minute) // the memo is over, unique_posts_mins (5) is not
			_, err := h.c.Reply(ctx, topic.ID, replyText)
			return err
		}, []string{"Body is too similar to what you recently posted"}},
		{"short edit", func(ctx context.Context, h *harness, topic forumtest.Topic) error {
			_, err := h.c.EditPost(ctx, topic.Posts[0].ID, "Too short.", "typo")
			return err
		}, []string{"Body is too short (minimum is 20 characters)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, forumtest.Options{Now: clock}, forum.Config{})
			topic := h.srv.Seed(catNews.ID, title, body, forumtest.Username, extID)
			err := tt.call(t.Context(), h, topic)
			var ae *forum.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an *APIError", err)
			}
			if ae.Status != http.StatusUnprocessableEntity || fmt.Sprint(ae.Errors) != fmt.Sprint(tt.wantErrors) {
				t.Errorf("APIError = %d %q, want 422 %q", ae.Status, ae.Errors, tt.wantErrors)
			}
			for _, e := range tt.wantErrors {
				if !strings.Contains(err.Error(), e) {
					t.Errorf("error %q does not quote %q", err, e)
				}
			}
			if len(h.waits()) != 0 {
				t.Errorf("a 422 was retried: waits %v", h.waits())
			}
		})
	}
}

func TestForbiddenAndNotFound(t *testing.T) {
	tests := []struct {
		name      string
		cfg       forum.Config
		call      func(ctx context.Context, c *forum.Client, topic forumtest.Topic, others forumtest.Topic) error
		wantIs    error
		wantParts []string // in the error's text: Discourse's words, then the hint
	}{
		{"wrong key", forum.Config{APIKey: forum.NewSecret("not-the-key")},
			func(ctx context.Context, c *forum.Client, _, _ forumtest.Topic) error {
				_, err := c.CreateTopic(ctx, title, body, "x1")
				return err
			}, forum.ErrForbidden,
			[]string{"403 Forbidden", "The API username or key is invalid.", `API key or user "announce" is not accepted`}},
		{"wrong username", forum.Config{APIUsername: "someone"},
			func(ctx context.Context, c *forum.Client, topic, _ forumtest.Topic) error {
				_, err := c.Post(ctx, topic.Posts[0].ID)
				return err
			}, forum.ErrForbidden,
			[]string{"The API username or key is invalid.", `user "someone"`}},
		{"category the user may not post in", forum.Config{Category: "staff-only"},
			func(ctx context.Context, c *forum.Client, _, _ forumtest.Topic) error {
				_, err := c.CreateTopic(ctx, "A topic in the staff category", body, "x2")
				return err
			}, forum.ErrForbidden,
			[]string{"POST /posts.json: 403 Forbidden: You are not permitted to view the requested resource.",
				`may not create topics in category "staff-only", id 9`}},
		{"category the user may not see", forum.Config{Category: "secret"},
			func(ctx context.Context, c *forum.Client, _, _ forumtest.Topic) error {
				_, err := c.CreateTopic(ctx, "A topic in the secret category", body, "x3")
				return err
			}, forum.ErrForbidden,
			[]string{`find category "secret"`, "GET /c/secret/show.json: 403", "may not see the category"}},
		{"no such category", forum.Config{Category: "nope"},
			func(ctx context.Context, c *forum.Client, _, _ forumtest.Topic) error {
				_, err := c.CreateTopic(ctx, "A topic in no category at all", body, "x4")
				return err
			}, forum.ErrNotFound,
			[]string{"GET /c/nope/show.json: 404 Not Found: The requested URL or resource could not be found.", `no category "nope"`}},
		{"no such category id", forum.Config{Category: "99"},
			func(ctx context.Context, c *forum.Client, _, _ forumtest.Topic) error {
				_, err := c.CreateTopic(ctx, "A topic in no category at all", body, "x5")
				return err
			}, nil,
			[]string{"400 Bad Request: You supplied invalid parameters to the request: category", `category "99", id 99, may not exist`}},
		{"someone else's post", forum.Config{},
			func(ctx context.Context, c *forum.Client, _, others forumtest.Topic) error {
				_, err := c.EditPost(ctx, others.Posts[0].ID, body+" Edited.", "fix")
				return err
			}, forum.ErrForbidden,
			[]string{"You are not permitted to view the requested resource.", "may not edit post"}},
		{"no such post", forum.Config{},
			func(ctx context.Context, c *forum.Client, _, _ forumtest.Topic) error {
				_, err := c.Post(ctx, 9999)
				return err
			}, forum.ErrNotFound,
			[]string{"read post 9999: GET /posts/9999.json: 404 Not Found", "no post 9999"}},
		{"edit no such post", forum.Config{},
			func(ctx context.Context, c *forum.Client, _, _ forumtest.Topic) error {
				_, err := c.EditPost(ctx, 9999, body, "fix")
				return err
			}, forum.ErrNotFound,
			[]string{"PUT /posts/9999.json: 404", "no post 9999"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, forumtest.Options{}, tt.cfg)
			topic := h.srv.Seed(catNews.ID, title, body, forumtest.Username, extID)
			others := h.srv.Seed(catNews.ID, "Somebody else's topic here", body, "ana", "")
			err := tt.call(t.Context(), h.c, topic, others)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.wantIs)
			}
			for _, p := range tt.wantParts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q lacks %q", err, p)
				}
			}
			if len(h.waits()) != 0 {
				t.Errorf("retried: waits %v", h.waits())
			}
		})
	}
}

func TestQueuedForApproval(t *testing.T) {
	h := newHarness(t, forumtest.Options{}, forum.Config{Category: "moderated"})
	_, err := h.c.CreateTopic(t.Context(), title, body, extID)
	if !errors.Is(err, forum.ErrQueued) {
		t.Errorf("CreateTopic in a moderated category = %v, want ErrQueued", err)
	}
}

// The API key goes with every redirect net/http follows: only Discourse's
// own GET redirects within the forum are followed.
func TestRedirects(t *testing.T) {
	var elsewhere int
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere++ }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/t/external_id/" + extID + ".json":
			http.Redirect(w, r, other.URL+"/t/x/1.json", http.StatusMovedPermanently)
		case "/posts.json": // a POST turned into a GET would "succeed" without posting
			http.Redirect(w, r, "/latest", http.StatusMovedPermanently)
		case "/latest":
			w.Write([]byte(`{}`))
		}
	}))
	defer srv.Close()
	c, err := forum.New(forum.Config{BaseURL: srv.URL, Category: "7", APIUsername: "announce", APIKey: forum.NewSecret("k")}, srv.Client(),
		forum.WithSleep(func(context.Context, time.Duration) error { t.Error("retried"); return nil }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.TopicByExternalID(t.Context(), extID); err == nil || !strings.Contains(err.Error(), "redirect refused") {
		t.Errorf("TopicByExternalID redirected elsewhere = %v, want a refused redirect", err)
	}
	if elsewhere != 0 {
		t.Errorf("the other host got %d requests, want none", elsewhere)
	}
	var ae *forum.APIError
	if _, err := c.Reply(t.Context(), 1, replyText); !errors.As(err, &ae) || ae.Status != http.StatusMovedPermanently ||
		!strings.Contains(err.Error(), "unexpected redirect") {
		t.Errorf("Reply redirected = %v, want an unexpected redirect", err)
	}
}

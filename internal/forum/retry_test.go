package forum_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/forum"
	"github.com/openfoodfoundation/announce/internal/forum/forumtest"
)

const replyText = "The maintenance has begun; we will post again when it is done."

func TestRateLimit(t *testing.T) {
	tests := []struct {
		name      string
		limit     forumtest.RateLimit
		timeout   time.Duration // for the call; 0 for none
		wantWaits []time.Duration
		wantErr   bool
	}{
		// The wait comes from extras.wait_seconds in the JSON body.
		{"json body", forumtest.RateLimit{Burst: 1, Wait: 7}, 0, []time.Duration{7 * time.Second}, false},
		// The per-IP limiter answers in plain text: Retry-After it is.
		{"plain text, Retry-After", forumtest.RateLimit{Burst: 1, Wait: 3, Plain: true}, 0, []time.Duration{3 * time.Second}, false},
		// "You’ve reached the maximum new topics allowed per day": no point waiting.
		{"longer than MaxWait", forumtest.RateLimit{Burst: 1, Wait: 3600}, 0, nil, true},
		{"longer than the deadline", forumtest.RateLimit{Burst: 1, Wait: 7}, 2 * time.Second, nil, true},
		{"every attempt refused", forumtest.RateLimit{Burst: 0, Wait: 5}, 0,
			[]time.Duration{5 * time.Second, 5 * time.Second, 5 * time.Second}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, forumtest.Options{}, forum.Config{})
			topic := h.srv.Seed(catNews.ID, title, body, forumtest.Username, extID)
			h.srv.SetRateLimit(&tt.limit)
			ctx := t.Context()
			if tt.limit.Burst > 0 {
				if _, err := h.c.Post(ctx, topic.Posts[0].ID); err != nil { // the burst
					t.Fatal(err)
				}
			}
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			_, err := h.c.Reply(ctx, topic.ID, replyText)
			if got := h.waits(); fmt.Sprint(got) != fmt.Sprint(tt.wantWaits) {
				t.Errorf("waits = %v, want %v", got, tt.wantWaits)
			}
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("Reply = %v, want success after waiting", err)
				}
				if n := len(h.srv.Topics()[0].Posts); n != 2 {
					t.Errorf("topic has %d posts, want 2", n)
				}
				return
			}
			var ae *forum.APIError
			if !errors.Is(err, forum.ErrRateLimited) || !errors.As(err, &ae) {
				t.Fatalf("Reply = %v, want ErrRateLimited", err)
			}
			if ae.Wait != time.Duration(tt.limit.Wait)*time.Second {
				t.Errorf("APIError.Wait = %s, want %ds", ae.Wait, tt.limit.Wait)
			}
			if want := fmt.Sprintf("Please wait %d seconds before trying again.", tt.limit.Wait); !tt.limit.Plain && !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not quote Discourse's %q", err, want)
			}
		})
	}
}

func TestServerErrorsAndDropsAreRetried(t *testing.T) {
	read := func(h *harness, topic forumtest.Topic) error {
		_, err := h.c.Post(t.Context(), topic.Posts[0].ID)
		return err
	}
	reply := func(h *harness, topic forumtest.Topic) error {
		_, err := h.c.Reply(t.Context(), topic.ID, replyText)
		return err
	}
	tests := []struct {
		name       string
		fault      func(*forumtest.Server)
		call       func(*harness, forumtest.Topic) error
		wantSent   int // requests sent
		wantWaits  int
		wantStatus int // 0: success
	}{
		{"502 twice", func(s *forumtest.Server) { s.FailNext(2, http.StatusBadGateway) }, read, 3, 2, 0},
		{"503 every time", func(s *forumtest.Server) { s.FailNext(10, http.StatusServiceUnavailable) }, read, 4, 3, http.StatusServiceUnavailable},
		{"501 is not retried", func(s *forumtest.Server) { s.FailNext(1, http.StatusNotImplemented) }, read, 1, 0, http.StatusNotImplemented},
		// POST, the reply not posted; the topic is searched for it, then the POST retried.
		{"connection dropped", func(s *forumtest.Server) { s.DropNext(1) }, reply, 3, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, forumtest.Options{}, forum.Config{})
			topic := h.srv.Seed(catNews.ID, title, body, forumtest.Username, extID)
			tt.fault(h.srv)
			err := tt.call(h, topic)
			if n := len(h.srv.Requests()); n != tt.wantSent {
				t.Errorf("%d requests sent, want %d", n, tt.wantSent)
			}
			waits := h.waits()
			if len(waits) != tt.wantWaits {
				t.Errorf("waits = %v, want %d", waits, tt.wantWaits)
			}
			for i, w := range waits { // full jitter under 1s, 2s, 4s
				if ceiling := time.Second << i; w < 0 || w > ceiling {
					t.Errorf("wait %d = %s, want within [0, %s]", i+1, w, ceiling)
				}
			}
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("err = %v, want success", err)
				}
				if n := len(h.srv.Topics()[0].Posts); tt.name == "connection dropped" && n != 2 {
					t.Errorf("topic has %d posts, want 2", n)
				}
				return
			}
			var ae *forum.APIError
			if !errors.As(err, &ae) || ae.Status != tt.wantStatus {
				t.Fatalf("err = %v, want an *APIError %d", err, tt.wantStatus)
			}
		})
	}
}

// An attempt may take effect although its answer is lost (a proxy timing
// out while Discourse finishes). Retrying must not post twice.
func TestLostAnswersDoNotPostTwice(t *testing.T) {
	t.Run("create topic", func(t *testing.T) {
		h := newHarness(t, forumtest.Options{}, forum.Config{Category: "7"})
		h.srv.LoseNext(1)
		p, err := h.c.CreateTopic(t.Context(), title, body, extID)
		if err != nil {
			t.Fatal(err)
		}
		topics := h.srv.Topics()
		if len(topics) != 1 || topics[0].Posts[0].ID != p.ID {
			t.Fatalf("server topics = %+v, want exactly the one returned (post %d)", topics, p.ID)
		}
		if n := h.count(http.MethodPost, "/posts.json"); n != 1 {
			t.Errorf("POST /posts.json sent %d times, want 1: the lookup found the topic", n)
		}
	})
	t.Run("create topic, lookup lost too", func(t *testing.T) {
		h := newHarness(t, forumtest.Options{}, forum.Config{Category: "7"})
		h.srv.LoseNext(1)      // the POST
		h.srv.FailNext(4, 503) // every try of the lookup
		p, err := h.c.CreateTopic(t.Context(), title, body, extID)
		if err != nil {
			t.Fatal(err)
		}
		if topics := h.srv.Topics(); len(topics) != 1 || topics[0].Posts[0].ID != p.ID {
			t.Fatalf("server topics = %+v, want exactly the one returned (post %d)", topics, p.ID)
		}
	})
	// Past Discourse's 120 s memo, and as staff (no "too similar" check):
	// only the search of the topic keeps the retry from posting again.
	t.Run("reply, retried after the memo", func(t *testing.T) {
		now := time.Date(2019, 5, 7, 9, 0, 0, 0, time.UTC)
		var mu sync.Mutex
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		h := newHarness(t, forumtest.Options{Staff: true, Now: clock}, forum.Config{},
			forum.WithSleep(func(ctx context.Context, d time.Duration) error {
				mu.Lock()
				now = now.Add(3 * time.Minute)
				mu.Unlock()
				return nil
			}))
		topic := h.srv.Seed(catNews.ID, title, body, forumtest.Username, extID)
		h.srv.LoseNext(1)
		p, err := h.c.Reply(t.Context(), topic.ID, replyText)
		if err != nil {
			t.Fatal(err)
		}
		posts := h.srv.Topics()[0].Posts
		if len(posts) != 2 || posts[1].ID != p.ID {
			t.Fatalf("topic posts = %+v, want the seed and the one reply returned (post %d)", posts, p.ID)
		}
		if n := h.count(http.MethodPost, "/posts.json"); n != 1 {
			t.Errorf("POST /posts.json sent %d times, want 1", n)
		}
	})
	t.Run("reply", func(t *testing.T) {
		h := newHarness(t, forumtest.Options{}, forum.Config{})
		topic := h.srv.Seed(catNews.ID, title, body, forumtest.Username, extID)
		h.srv.LoseNext(1)
		p, err := h.c.Reply(t.Context(), topic.ID, replyText)
		if err != nil {
			t.Fatal(err)
		}
		posts := h.srv.Topics()[0].Posts
		if len(posts) != 2 || posts[1].ID != p.ID {
			t.Fatalf("topic posts = %+v, want the seed and the one reply returned (post %d)", posts, p.ID)
		}
	})
}

func TestContextEndsTheWait(t *testing.T) {
	h := newHarness(t, forumtest.Options{}, forum.Config{}, forum.WithSleep(func(ctx context.Context, d time.Duration) error {
		return context.Canceled // as if Ctrl-C came during the wait
	}))
	topic := h.srv.Seed(catNews.ID, title, body, forumtest.Username, extID)
	h.srv.FailNext(1, http.StatusBadGateway)
	_, err := h.c.Reply(t.Context(), topic.ID, replyText)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "502") {
		t.Errorf("Reply = %v, want context.Canceled naming the 502 it was waiting after", err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := h.c.Post(ctx, topic.Posts[0].ID); !errors.Is(err, context.Canceled) {
		t.Errorf("Post(cancelled) = %v, want context.Canceled", err)
	}
}

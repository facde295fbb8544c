package forum_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/forum"
	"github.com/openfoodfoundation/announce/internal/forum/forumtest"
)

// The categories of the fake forum in these tests.
var (
	catNews     = forumtest.Category{ID: 7, Slug: "katuma", Name: "Katuma"}
	catSub      = forumtest.Category{ID: 8, Slug: "avisos", Name: "Avisos", ParentID: 7}
	catReadOnly = forumtest.Category{ID: 9, Slug: "staff-only", Name: "Staff only", ReadOnly: true}
	catHidden   = forumtest.Category{ID: 10, Slug: "secret", Name: "Secret", Hidden: true}
	catApproval = forumtest.Category{ID: 11, Slug: "moderated", Name: "Moderated", Approval: true}
)

const (
	title = "Maintenance on Tuesday 7 May, 09:00–11:00"
	body  = "Katuma will be unavailable for about two hours while we upgrade it."
	extID = "ofn-v2-2019_katuma"
)

// harness is a fake Discourse and a Client for it that records its waits
// and its log instead of sleeping and printing.
type harness struct {
	srv *forumtest.Server
	c   *forum.Client
	log *syncBuffer

	mu     sync.Mutex
	sleeps []time.Duration
}

func newHarness(t *testing.T, opts forumtest.Options, cfg forum.Config, extra ...forum.Option) *harness {
	t.Helper()
	if opts.Categories == nil {
		opts.Categories = []forumtest.Category{forumtest.Uncategorized, catNews, catSub, catReadOnly, catHidden, catApproval}
	}
	h := &harness{srv: forumtest.Start(t, opts), log: &syncBuffer{}}
	cfg.BaseURL = h.srv.URL
	if cfg.Category == "" {
		cfg.Category = "katuma"
	}
	if cfg.APIUsername == "" {
		cfg.APIUsername = forumtest.Username
	}
	if cfg.APIKey.IsZero() {
		cfg.APIKey = forum.NewSecret(forumtest.APIKey)
	}
	opts2 := append([]forum.Option{
		forum.WithLogger(slog.New(slog.NewTextHandler(h.log, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		forum.WithSleep(h.sleep),
	}, extra...)
	c, err := forum.New(cfg, h.srv.Client(), opts2...)
	if err != nil {
		t.Fatalf("forum.New(%v) = %v", cfg, err)
	}
	h.c = c
	return h
}

func (h *harness) sleep(ctx context.Context, d time.Duration) error {
	h.mu.Lock()
	h.sleeps = append(h.sleeps, d)
	h.mu.Unlock()
	return ctx.Err()
}

func (h *harness) waits() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Duration(nil), h.sleeps...)
}

// count is how many requests the server received with method and path.
func (h *harness) count(method, path string) int {
	n := 0
	for _, r := range h.srv.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Package forumtest runs a fake Discourse on loopback for tests. It answers
// the API that package forum uses the way Discourse does, with Discourse's
// status codes, JSON shapes and English messages, verbatim: it refuses a
// request without the Api-Key and Api-Username headers or with wrong ones
// (403), a title under 15 characters or a body under 20 (422), a duplicate
// title (422 "Title has already been used"), a category given as a slug
// (400); it looks topics up by external id (301 to the topic) and
// categories by slug or id, creates topics and replies, edits and reads
// posts, stores raw as Discourse does (no-break spaces made plain, trailing
// white space cut), answers an identical API post within 120 s with the
// first answer, and refuses the same text again within 5 minutes ("too
// similar"). On demand it answers 429 after a burst, fails the next requests
// with a status, or drops their connection before or after acting on them.
// It records every request, the API key replaced, for assertions. It is
// safe for concurrent use.
//
// Left out of Discourse: trust levels, title clean-up and quality checks
// ("seems unclear"), watched words, tags, private messages, deleted topics,
// and every endpoint package forum does not call. The site requires a
// login, so an anonymous request is refused even for reading.
package forumtest

import (
	"bytes"
	"cmp"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The credentials of the API user unless Options say otherwise.
const (
	Username = "announce"
	APIKey   = "forumtest0123456789abcdef0123456789abcdef0123456789abcdef012345"
)

// Category is a category of the fake forum.
type Category struct {
	ID       int
	Slug     string
	Name     string
	ParentID int  // 0 for a top-level category
	ReadOnly bool // the API user sees it but may not create topics in it: 403
	Hidden   bool // the API user may not see it: 403 or 404
	Approval bool // new topics and replies wait for a moderator: {"action":"enqueued"}
}

// Uncategorized is the category every Discourse has.
var Uncategorized = Category{ID: 1, Slug: "uncategorized", Name: "Uncategorized"}

// Options configure a Server. The zero value has the API user Username with
// APIKey, not staff, the category Uncategorized, and Discourse's default
// lengths.
type Options struct {
	Username, APIKey string
	// Staff may edit anyone's post and skips the "too similar" check.
	Staff      bool
	Categories []Category
	// MinTitle, MinFirstPost and MinPost are min_topic_title_length (15),
	// min_first_post_length (20) and min_post_length (20).
	MinTitle, MinFirstPost, MinPost int
	// Now is the clock for timestamps and for the 120 s memo and the 5 min
	// "too similar" windows (default time.Now).
	Now func() time.Time
}

// RateLimit makes the server answer 429 after a burst: Burst requests
// pass, the next one gets 429 asking to wait Wait seconds, and so on (the
// client is taken to have waited). Burst 0 refuses every request.
type RateLimit struct {
	Burst int
	Wait  int // seconds; default 7
	// Plain answers as Discourse's per-IP limiter does: plain text and
	// Retry-After, no JSON. Otherwise as its controllers and API key
	// limiter do: JSON with extras.wait_seconds, and Retry-After.
	Plain bool
}

// Request is a request as the server received it.
type Request struct {
	Method string
	URL    string // path and query, as sent
	Path   string
	// Header is as sent, except Api-Key: "[redacted]" when it was the
	// right key, "[wrong]" when it was another.
	Header http.Header
	Body   []byte
}

// Post is a post of the fake forum, for assertions.
type Post struct {
	ID, TopicID, PostNumber int
	Username                string
	Raw                     string
	EditReason              string
	Version                 int
	CreatedAt, UpdatedAt    time.Time
}

// Topic is a topic of the fake forum, for assertions.
type Topic struct {
	ID         int
	Title      string
	Slug       string
	CategoryID int
	ExternalID string
	Closed     bool
	Posts      []Post
}

// Server is a fake Discourse on loopback.
type Server struct {
	URL string // base URL: http://127.0.0.1:port

	ts   *httptest.Server
	opts Options

	mu         sync.Mutex
	categories []Category
	topics     map[int]*Topic
	posts      map[int]*Post
	nextTopic  int
	nextPost   int
	pending    int
	memo       map[string]memoEntry
	requests   []Request
	faults     []fault
	rate       *RateLimit
	rateCount  int
}

type memoEntry struct {
	at     time.Time
	status int
	body   []byte
}

type fault struct {
	status int  // answer with this status
	drop   bool // close the connection instead of answering
	after  bool // with drop: act on the request first
}

// Start starts a Server and closes it when tb's test ends.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s := New(opts)
	tb.Cleanup(s.Close)
	return s
}

// New starts a Server; Close stops it.
func New(opts Options) *Server {
	if opts.Username == "" {
		opts.Username = Username
	}
	if opts.APIKey == "" {
		opts.APIKey = APIKey
	}
	if opts.Categories == nil {
		opts.Categories = []Category{Uncategorized}
	}
	opts.MinTitle = cmp.Or(opts.MinTitle, 15)
	opts.MinFirstPost = cmp.Or(opts.MinFirstPost, 20)
	opts.MinPost = cmp.Or(opts.MinPost, 20)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:       opts,
		categories: slices.Clone(opts.Categories),
		topics:     map[int]*Topic{},
		posts:      map[int]*Post{},
		nextTopic:  10,
		nextPost:   100,
		memo:       map[string]memoEntry{},
	}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.ts.URL
	return s
}

// Client returns an *http.Client for the server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close stops the server.
func (s *Server) Close() { s.ts.Close() }

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// FailNext answers the next n requests with status (a 5xx, say) and a
// plain-text body, without acting on them.
func (s *Server) FailNext(n, status int) { s.addFaults(n, fault{status: status}) }

// DropNext closes the connection of the next n requests without acting on
// them or answering.
func (s *Server) DropNext(n int) { s.addFaults(n, fault{drop: true}) }

// LoseNext acts on the next n requests — a topic is created, a post
// edited — then closes their connection without the answer, as when a
// proxy times out while Discourse completes the request.
func (s *Server) LoseNext(n int) { s.addFaults(n, fault{drop: true, after: true}) }

func (s *Server) addFaults(n int, f fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// SetRateLimit starts answering 429 after bursts as r says; nil stops it.
func (s *Server) SetRateLimit(r *RateLimit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r != nil {
		c := *r
		c.Wait = cmp.Or(c.Wait, 7)
		r = &c
	}
	s.rate, s.rateCount = r, 0
}

// Seed creates a topic as username (not necessarily the API user) and
// returns it: for a duplicate title, or a post the API user may not edit.
func (s *Server) Seed(categoryID int, title, raw, username, externalID string) Topic {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.createTopic(categoryID, title, externalID)
	s.createPost(t, username, raw)
	return s.topicCopy(t)
}

// SeedReply adds a post by username to a topic and returns it.
func (s *Server) SeedReply(topicID int, username, raw string) Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.createPost(s.topics[topicID], username, raw)
}

// CloseTopic closes a topic: replies to it fail as Discourse's do.
func (s *Server) CloseTopic(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.topics[id]; t != nil {
		t.Closed = true
	}
}

// Topics returns every topic with its posts, in the order of creation.
func (s *Server) Topics() []Topic {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := slices.Sorted(maps.Keys(s.topics))
	out := make([]Topic, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.topicCopy(s.topics[id]))
	}
	return out
}

// PostByID returns a post.
func (s *Server) PostByID(id int) (Post, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.posts[id]
	if !ok {
		return Post{}, false
	}
	return *p, true
}

func (s *Server) topicCopy(t *Topic) Topic {
	c := *t
	c.Posts = nil
	for _, p := range s.postsOf(t.ID) {
		c.Posts = append(c.Posts, *p)
	}
	return c
}

// postsOf returns a topic's posts in order.
func (s *Server) postsOf(topicID int) []*Post {
	var ps []*Post
	for _, p := range s.posts {
		if p.TopicID == topicID {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b *Post) int { return a.PostNumber - b.PostNumber })
	return ps
}

// serve records the request, applies any fault and the rate limit, checks
// the credentials, then routes.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))

	s.mu.Lock()
	s.requests = append(s.requests, s.record(r, body))
	var f *fault
	if len(s.faults) > 0 {
		f = &s.faults[0]
		s.faults = s.faults[1:]
	}
	limited := 0
	plain := false
	if f == nil && s.rate != nil {
		if s.rateCount%(s.rate.Burst+1) == s.rate.Burst {
			limited, plain = s.rate.Wait, s.rate.Plain
		}
		s.rateCount++
	}
	s.mu.Unlock()

	switch {
	case f != nil && f.drop && !f.after:
		drop(w)
		return
	case f != nil && f.drop:
		rec := httptest.NewRecorder()
		s.handle(rec, r)
		drop(w)
		return
	case f != nil:
		http.Error(w, http.StatusText(f.status), f.status)
		return
	case limited > 0 && plain:
		w.Header().Set("Retry-After", itoa(limited))
		w.Header().Set("Discourse-Rate-Limit-Error-Id", "ip_or_id_10_secs_limit")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, msgSlowDown(limited))
		return
	case limited > 0:
		w.Header().Set("Retry-After", itoa(limited))
		w.Header().Set("Discourse-Rate-Limit-Error-Code", "admin_api_key_rate_limit")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{
			"errors":     []string{msgTooManyRequests(limited)},
			"error_type": "rate_limit",
			"extras":     map[string]any{"wait_seconds": limited, "time_left": itoa(limited) + " seconds"},
		})
		return
	}
	s.handle(w, r)
}

// record copies a request for Requests, with the API key replaced.
func (s *Server) record(r *http.Request, body []byte) Request {
	h := r.Header.Clone()
	if v := h.Values("Api-Key"); len(v) > 0 {
		if len(v) == 1 && v[0] == s.opts.APIKey {
			h.Set("Api-Key", "[redacted]")
		} else {
			h.Set("Api-Key", "[wrong]")
		}
	}
	return Request{Method: r.Method, URL: r.URL.RequestURI(), Path: r.URL.Path, Header: h, Body: body}
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// authorized answers 403 unless the request carries the right key and
// username in headers, as lib/auth/default_current_user_provider.rb does:
// none is an anonymous request, which the API refuses to write for (the
// fake site requires a login for reading too); a wrong pair is
// invalid_api_credentials. Keys in the query string count for nothing.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	key := r.Header.Get("Api-Key")
	switch {
	case key == "":
		writeError(w, http.StatusForbidden, "not_logged_in", msgNotLoggedIn)
		return false
	case key != s.opts.APIKey || !strings.EqualFold(r.Header.Get("Api-Username"), s.opts.Username):
		writeError(w, http.StatusForbidden, "invalid_access", msgInvalidAPICreds)
		return false
	}
	return true
}

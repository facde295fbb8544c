package forumtest

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	maxTitle   = 255   // max_topic_title_length
	maxPost    = 32000 // max_post_length
	chunkSize  = 20    // posts per page of a topic
	memoWindow = 120 * time.Second
	uniqueMins = 5 * time.Minute // unique_posts_mins
)

var (
	// The routes of config/routes.rb that package forum uses.
	reCategoryShow = regexp.MustCompile(`^/c/([^/]+)/show\.json$`)
	reCategoryPath = regexp.MustCompile(`^/c/(.+)/find_by_slug\.json$`)
	reExternalID   = regexp.MustCompile(`^/t/external_id/([^/]+)\.json$`)
	reTopic        = regexp.MustCompile(`^/t/(?:[^/]+/)?(\d+)\.json$`)
	reTopicPosts   = regexp.MustCompile(`^/t/(\d+)/posts\.json$`)
	rePost         = regexp.MustCompile(`^/posts/(\d+)\.json$`)
	// app/models/topic.rb: external_id format.
	reExternalIDFormat = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// handle serves one authorized request.
func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	p := r.URL.Path
	var m []string
	switch {
	case r.Method == http.MethodGet && p == "/categories.json":
		s.categoryList(w)
	case r.Method == http.MethodGet && match(reCategoryShow, p, &m):
		s.categoryShow(w, m[1])
	case r.Method == http.MethodGet && match(reCategoryPath, p, &m):
		s.categoryBySlugPath(w, m[1])
	case r.Method == http.MethodGet && match(reExternalID, p, &m):
		s.topicByExternalID(w, r, m[1])
	case r.Method == http.MethodGet && match(reTopic, p, &m):
		s.topicShow(w, r, atoi(m[1]))
	case r.Method == http.MethodGet && match(reTopicPosts, p, &m):
		s.topicPosts(w, r, atoi(m[1]))
	case r.Method == http.MethodGet && match(rePost, p, &m):
		s.postShow(w, atoi(m[1]))
	case r.Method == http.MethodPost && p == "/posts.json":
		s.postCreate(w, r)
	case r.Method == http.MethodPut && match(rePost, p, &m):
		s.postUpdate(w, r, atoi(m[1]))
	default:
		writeError(w, http.StatusNotFound, "not_found", msgNotFound)
	}
}

func match(re *regexp.Regexp, s string, m *[]string) bool {
	*m = re.FindStringSubmatch(s)
	return *m != nil
}

// categoryList is GET /categories.json: the visible top-level categories.
func (s *Server) categoryList(w http.ResponseWriter) {
	s.mu.Lock()
	var cs []map[string]any
	for _, c := range s.categories {
		if c.ParentID == 0 && !c.Hidden {
			cs = append(cs, categoryJSON(c))
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"category_list": map[string]any{"categories": cs}})
}

// categoryShow is GET /c/{slug or id}/show.json: fetch_category looks the
// slug up among top-level categories, then the id.
func (s *Server) categoryShow(w http.ResponseWriter, key string) {
	s.mu.Lock()
	c, ok := s.findCategory(func(c Category) bool { return c.ParentID == 0 && c.Slug == key })
	if !ok {
		c, ok = s.findCategory(func(c Category) bool { return strconv.Itoa(c.ID) == key })
	}
	s.mu.Unlock()
	switch {
	case !ok:
		writeError(w, http.StatusNotFound, "not_found", msgNotFound)
	case c.Hidden:
		writeError(w, http.StatusForbidden, "invalid_access", msgInvalidAccess)
	default:
		writeJSON(w, http.StatusOK, map[string]any{"category": categoryJSON(c)})
	}
}

// categoryBySlugPath is GET /c/{parent}/{child}/find_by_slug.json.
func (s *Server) categoryBySlugPath(w http.ResponseWriter, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	parent := 0
	var c Category
	for slug := range strings.SplitSeq(path, "/") {
		var ok bool
		c, ok = s.findCategory(func(c Category) bool { return c.ParentID == parent && c.Slug == slug })
		if !ok || c.Hidden {
			writeError(w, http.StatusNotFound, "not_found", msgNotFound)
			return
		}
		parent = c.ID
	}
	writeJSON(w, http.StatusOK, map[string]any{"category": categoryJSON(c)})
}

func (s *Server) findCategory(f func(Category) bool) (Category, bool) {
	i := slices.IndexFunc(s.categories, f)
	if i < 0 {
		return Category{}, false
	}
	return s.categories[i], true
}

func categoryJSON(c Category) map[string]any {
	m := map[string]any{"id": c.ID, "name": c.Name, "slug": c.Slug}
	if c.ParentID != 0 {
		m["parent_category_id"] = c.ParentID
	}
	if !c.ReadOnly {
		m["permission"] = 1 // CategoryGroup.permission_types[:full]
	}
	return m
}

// topicByExternalID is GET /t/external_id/{id}.json: 301 to the topic,
// keeping include_raw, as redirect_to_correct_topic does.
func (s *Server) topicByExternalID(w http.ResponseWriter, r *http.Request, extID string) {
	if !reExternalIDFormat.MatchString(extID) { // the route's constraint
		writeError(w, http.StatusNotFound, "not_found", msgNotFound)
		return
	}
	s.mu.Lock()
	t := s.topicByExtID(extID)
	visible := t != nil && s.visible(t)
	s.mu.Unlock()
	if !visible {
		writeError(w, http.StatusNotFound, "not_found", msgNotFound)
		return
	}
	loc := fmt.Sprintf("http://%s/t/%s/%d.json", r.Host, t.Slug, t.ID)
	q := url.Values{}
	for _, k := range []string{"page", "print", "include_raw"} {
		if v := r.URL.Query().Get(k); v != "" {
			q.Set(k, v)
		}
	}
	if len(q) > 0 {
		loc += "?" + q.Encode()
	}
	http.Redirect(w, r, loc, http.StatusMovedPermanently)
}

func (s *Server) topicByExtID(extID string) *Topic {
	for _, t := range s.topics {
		if t.ExternalID != "" && strings.EqualFold(t.ExternalID, extID) {
			return t
		}
	}
	return nil
}

func (s *Server) visible(t *Topic) bool {
	c, ok := s.findCategory(func(c Category) bool { return c.ID == t.CategoryID })
	return ok && !c.Hidden
}

// topicShow is GET /t/{slug}/{id}.json: the topic with its first page of
// posts, their raw when include_raw is given.
func (s *Server) topicShow(w http.ResponseWriter, r *http.Request, id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.topics[id]
	if t == nil || !s.visible(t) {
		writeError(w, http.StatusNotFound, "not_found", msgNotFound)
		return
	}
	_, withRaw := r.URL.Query()["include_raw"]
	posts := s.postsOf(id)
	stream := make([]int, len(posts))
	var page []map[string]any
	for i, p := range posts {
		stream[i] = p.ID
		if i < chunkSize {
			page = append(page, s.postJSON(p, withRaw))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id":          t.ID,
		"title":       t.Title,
		"fancy_title": html.EscapeString(t.Title),
		"slug":        t.Slug,
		"category_id": t.CategoryID,
		"posts_count": len(posts),
		"archetype":   "regular",
		"closed":      t.Closed,
		"post_stream": map[string]any{"posts": page, "stream": stream},
	})
}

// topicPosts is GET /t/{id}/posts.json?post_ids[]=…: those posts of the
// topic, their raw when include_raw is given.
func (s *Server) topicPosts(w http.ResponseWriter, r *http.Request, id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.topics[id]
	if t == nil || !s.visible(t) {
		writeError(w, http.StatusNotFound, "not_found", msgNotFound)
		return
	}
	q := r.URL.Query()
	_, withRaw := q["include_raw"]
	posts := []map[string]any{}
	for _, p := range s.postsOf(id) {
		if slices.Contains(q["post_ids[]"], strconv.Itoa(p.ID)) {
			posts = append(posts, s.postJSON(p, withRaw))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "post_stream": map[string]any{"posts": posts}})
}

// postShow is GET /posts/{id}.json, with the raw.
func (s *Server) postShow(w http.ResponseWriter, id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.posts[id]
	if p == nil || !s.visible(s.topics[p.TopicID]) {
		writeError(w, http.StatusNotFound, "not_found", msgNotFound)
		return
	}
	writeJSON(w, http.StatusOK, s.postJSON(p, true))
}

func (s *Server) postJSON(p *Post, withRaw bool) map[string]any {
	m := map[string]any{
		"id":          p.ID,
		"username":    p.Username,
		"created_at":  railsTime(p.CreatedAt),
		"updated_at":  railsTime(p.UpdatedAt),
		"cooked":      "<p>" + html.EscapeString(p.Raw) + "</p>",
		"post_number": p.PostNumber,
		"post_type":   1,
		"topic_id":    p.TopicID,
		"topic_slug":  s.topics[p.TopicID].Slug,
		"version":     p.Version,
		"yours":       p.Username == s.opts.Username,
	}
	if withRaw {
		m["raw"] = p.Raw
	}
	if p.EditReason != "" {
		m["edit_reason"] = p.EditReason
	}
	return m
}

func errorJSON(errorType, msg string) map[string]any {
	return map[string]any{"errors": []string{msg}, "error_type": errorType}
}

func writeError(w http.ResponseWriter, status int, errorType, msg string) {
	writeJSON(w, status, errorJSON(errorType, msg))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	writeRaw(w, status, body)
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// slug is Discourse's ASCII slug of a title, or "topic".
func slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	if s := strings.TrimRight(b.String(), "-"); s != "" {
		return s
	}
	return "topic"
}

// railsTime formats t as Discourse's JSON does: 2019-05-07T09:00:00.000Z.
func railsTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func itoa(n int) string { return strconv.Itoa(n) }

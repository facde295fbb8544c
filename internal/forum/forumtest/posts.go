package forumtest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// postCreate is POST /posts.json: a topic without topic_id, a reply with
// it. An identical API call within 120 s gets the first one's answer
// (posts_controller.rb memoizes the serialized result, failures included).
func (s *Server) postCreate(w http.ResponseWriter, r *http.Request) {
	ps, err := readParams(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_parameters", msgInvalidParams(err.Error()))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	sig := ps.signature() + "|user=" + strings.ToLower(s.opts.Username)
	if m, ok := s.memo[sig]; ok && now.Sub(m.at) < memoWindow {
		writeRaw(w, m.status, m.body)
		return
	}
	var status int
	var answer any
	if ps.get("topic_id") != "" {
		status, answer = s.reply(ps)
	} else {
		status, answer = s.newTopic(ps)
	}
	body, _ := json.Marshal(answer)
	if status == http.StatusOK || status == http.StatusUnprocessableEntity {
		s.memo[sig] = memoEntry{at: now, status: status, body: body}
	}
	writeRaw(w, status, body)
}

// newTopic follows TopicCreator, then the post's validators: a category
// that is not an id is 400; one the user may not post in is 403; the
// topic's errors, if any, are the whole 422 answer.
func (s *Server) newTopic(ps params) (int, any) {
	catParam := ps.get("category")
	if catParam == "" {
		return createFailed(msgCategoryBlank)
	}
	cat, ok := s.findCategory(func(c Category) bool { return strconv.Itoa(c.ID) == catParam })
	switch {
	case !ok:
		return http.StatusBadRequest, errorJSON("invalid_parameters", msgInvalidParams("category"))
	case cat.Hidden || cat.ReadOnly:
		return http.StatusForbidden, errorJSON("invalid_access", msgInvalidAccess)
	}
	title := strings.TrimSpace(ps.get("title"))
	var errs []string
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		errs = append(errs, msgTitleBlank)
	case n < s.opts.MinTitle:
		errs = append(errs, msgTooShort("Title", s.opts.MinTitle))
	case n > maxTitle:
		errs = append(errs, msgTooLong("Title", maxTitle))
	}
	if title != "" && s.titleUsed(title) {
		errs = append(errs, msgTitleUsed)
	}
	extID := ps.get("external_id")
	if extID != "" {
		if len(extID) > 50 {
			errs = append(errs, msgTooLong("External", 50))
		}
		if !reExternalIDFormat.MatchString(extID) {
			errs = append(errs, msgExternalInvalid)
		}
		if s.topicByExtID(extID) != nil {
			errs = append(errs, msgExternalTaken)
		}
	}
	if len(errs) > 0 {
		return createFailed(errs...)
	}
	raw := cleanRaw(ps.get("raw"))
	if errs := s.checkBody(raw, s.opts.MinFirstPost); len(errs) > 0 {
		return createFailed(errs...)
	}
	if cat.Approval {
		return s.enqueue(raw)
	}
	t := s.createTopic(cat.ID, title, extID)
	return http.StatusOK, s.postJSON(s.createPost(t, s.opts.Username, raw), true)
}

// reply follows PostCreator: a topic that is missing, hidden or closed is
// topic_not_found (422), not 404.
func (s *Server) reply(ps params) (int, any) {
	t := s.topics[atoi(ps.get("topic_id"))]
	if t == nil || t.Closed || !s.visible(t) {
		return createFailed(msgTopicNotFound)
	}
	raw := cleanRaw(ps.get("raw"))
	if errs := s.checkBody(raw, s.opts.MinPost); len(errs) > 0 {
		return createFailed(errs...)
	}
	if c, _ := s.findCategory(func(c Category) bool { return c.ID == t.CategoryID }); c.Approval {
		return s.enqueue(raw)
	}
	return http.StatusOK, s.postJSON(s.createPost(t, s.opts.Username, raw), true)
}

// checkBody is the length check, then the "too similar" check.
func (s *Server) checkBody(raw string, minLen int) []string {
	if msg := lengthError(raw, minLen); msg != "" {
		return []string{msg}
	}
	if !s.opts.Staff {
		now := s.opts.Now()
		for _, p := range s.posts {
			if p.Username == s.opts.Username && p.Raw == raw && now.Sub(p.CreatedAt) < uniqueMins {
				return []string{msgBodySimilar}
			}
		}
	}
	return nil
}

// lengthError is StrippedLengthValidator: blank, too long as sent, or too
// short once HTML comments and outer white space are stripped.
func lengthError(raw string, minLen int) string {
	stripped := strings.TrimSpace(reHTMLComment.ReplaceAllString(raw, ""))
	switch n := utf8.RuneCountInString(raw); {
	case strings.TrimSpace(raw) == "":
		return msgBodyBlank
	case n > maxPost:
		return msgBodyTooLong(maxPost, n)
	case utf8.RuneCountInString(stripped) < minLen:
		return msgTooShort("Body", minLen)
	}
	return ""
}

var reHTMLComment = regexp.MustCompile(`(?s)<!--.*?-->`)

func (s *Server) titleUsed(title string) bool {
	for _, t := range s.topics {
		if strings.EqualFold(t.Title, title) {
			return true
		}
	}
	return false
}

func (s *Server) enqueue(raw string) (int, any) {
	s.pending++
	return http.StatusOK, map[string]any{
		"action":        "enqueued",
		"pending_count": 1,
		"pending_post":  map[string]any{"id": s.pending, "raw": raw},
		"success":       true,
	}
}

func createFailed(errs ...string) (int, any) {
	return http.StatusUnprocessableEntity, map[string]any{"action": "create_post", "errors": errs}
}

func (s *Server) createTopic(categoryID int, title, extID string) *Topic {
	s.nextTopic++
	t := &Topic{ID: s.nextTopic, Title: title, Slug: slug(title), CategoryID: categoryID, ExternalID: extID}
	s.topics[t.ID] = t
	return t
}

func (s *Server) createPost(t *Topic, username, raw string) *Post {
	raw = cleanRaw(raw)
	s.nextPost++
	now := s.opts.Now()
	p := &Post{ID: s.nextPost, TopicID: t.ID, PostNumber: len(s.postsOf(t.ID)) + 1, Username: username,
		Raw: raw, Version: 1, CreatedAt: now, UpdatedAt: now}
	s.posts[p.ID] = p
	return p
}

// postUpdate is PUT /posts/{id}.json with post[raw] and post[edit_reason]:
// the author or staff may edit; the same raw makes no new version.
func (s *Server) postUpdate(w http.ResponseWriter, r *http.Request, id int) {
	ps, err := readParams(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_parameters", msgInvalidParams(err.Error()))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.posts[id]
	switch {
	case p == nil || !s.visible(s.topics[p.TopicID]):
		writeError(w, http.StatusNotFound, "not_found", msgNotFound)
		return
	case !ps.has("post[raw]") && !ps.has("post[edit_reason]"):
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []string{msgPostMissing}})
		return
	case p.Username != s.opts.Username && !s.opts.Staff:
		writeError(w, http.StatusForbidden, "invalid_access", msgInvalidAccess)
		return
	}
	raw := cleanRaw(ps.get("post[raw]"))
	minLen := s.opts.MinPost
	if p.PostNumber == 1 {
		minLen = s.opts.MinFirstPost
	}
	if raw != p.Raw {
		if msg := lengthError(raw, minLen); msg != "" {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": []string{msg}})
			return
		}
		p.Raw = raw
		p.EditReason = ps.get("post[edit_reason]")
		p.Version++
		p.UpdatedAt = s.opts.Now()
	}
	writeJSON(w, http.StatusOK, map[string]any{"post": s.postJSON(p, true)})
}

// cleanRaw is what PostCreator and PostRevisor store:
// TextCleaner.normalize_whitespaces, then rstrip.
func cleanRaw(raw string) string {
	return strings.TrimRight(oddSpaces.ReplaceAllString(raw, " "), " \t\n\v\f\r\x00")
}

// lib/text_cleaner.rb's whitespaces_regexp.
var oddSpaces = regexp.MustCompile("\u00A0|\u1680|\u180E|[\u2000-\u200A]|\u2028|\u2029|\u202F|\u205F|\u3000")

// params are a request's parameters as Rails sees them, from JSON or a
// form, nested keys flattened to "post[raw]".
type params map[string]string

func (ps params) get(k string) string { return ps[k] }

func (ps params) has(k string) bool { _, ok := ps[k]; return ok }

// signature orders the parameters, as signature_for does.
func (ps params) signature() string {
	keys := make([]string, 0, len(ps))
	for k := range ps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%q;", k, ps[k])
	}
	return b.String()
}

func readParams(r *http.Request) (params, error) {
	ps := params{}
	for k, v := range r.URL.Query() {
		ps[k] = v[0]
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" {
		var m map[string]any
		dec := json.NewDecoder(r.Body)
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("body is not JSON: %v", err)
		}
		flatten(ps, "", m)
		return ps, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	for k, v := range r.PostForm {
		ps[k] = v[0]
	}
	return ps, nil
}

func flatten(ps params, prefix string, m map[string]any) {
	for k, v := range m {
		if prefix != "" {
			k = prefix + "[" + k + "]"
		}
		switch v := v.(type) {
		case map[string]any:
			flatten(ps, k, v)
		case string:
			ps[k] = v
		case nil:
			ps[k] = ""
		default:
			ps[k] = fmt.Sprint(v)
		}
	}
}

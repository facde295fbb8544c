package forum

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Topic is a topic as GET /t/{slug}/{id}.json serializes it, in part.
type Topic struct {
	ID         int
	Title      string
	Slug       string
	CategoryID int
	PostsCount int
	// PostIDs is every post of the topic in order (post_stream.stream).
	PostIDs []int
	// Posts is the first page of them (20 by default), with their raw.
	Posts []Post
}

type topicJSON struct {
	ID         int    `json:"id"`
	Title      string `json:"title"`
	Slug       string `json:"slug"`
	CategoryID int    `json:"category_id"`
	PostsCount int    `json:"posts_count"`
	PostStream struct {
		Posts  []Post `json:"posts"`
		Stream []int  `json:"stream"`
	} `json:"post_stream"`
}

// CategoryID is the id of the configured category, resolved from its slug
// once (GET /c/{slug}/show.json, or /c/{parent}/{child}/find_by_slug.json)
// and remembered; an id is taken as it is.
func (c *Client) CategoryID(ctx context.Context) (int, error) {
	c.mu.Lock()
	id := c.categoryID
	c.mu.Unlock()
	if id != 0 {
		return id, nil
	}
	if n, err := strconv.Atoi(c.category); err == nil && n > 0 {
		id = n
	} else {
		id, err = c.resolveCategory(ctx)
		if err != nil {
			return 0, fmt.Errorf("find category %q: %w", c.category, err)
		}
	}
	c.mu.Lock()
	c.categoryID = id
	c.mu.Unlock()
	return id, nil
}

func (c *Client) resolveCategory(ctx context.Context) (int, error) {
	var segs []string
	for s := range strings.SplitSeq(strings.Trim(c.category, "/"), "/") {
		segs = append(segs, url.PathEscape(s))
	}
	path := "/c/" + segs[0] + "/show.json"
	if len(segs) > 1 {
		path = "/c/" + strings.Join(segs, "/") + "/find_by_slug.json"
	}
	var ans struct {
		Category struct {
			ID int `json:"id"`
		} `json:"category"`
	}
	err := c.do(ctx, request{
		method: http.MethodGet,
		path:   path,
		hints: map[int]string{
			http.StatusForbidden: fmt.Sprintf("the API key or user %q is not accepted, or that user may not see the category", c.username),
			http.StatusNotFound:  fmt.Sprintf("no category %q, or user %q may not see it; a subcategory needs its parent: parent/child", c.category, c.username),
		},
	}, &ans)
	if err != nil {
		return 0, err
	}
	if ans.Category.ID == 0 {
		return 0, fmt.Errorf("GET %s: the answer has no category id", path)
	}
	return ans.Category.ID, nil
}

// TopicByExternalID returns the topic whose external id is extID, with its
// first page of posts and their raw, or nil and no error when there is none
// (or the user cannot see it).
func (c *Client) TopicByExternalID(ctx context.Context, extID string) (*Topic, error) {
	if err := checkExternalID(extID); err != nil {
		return nil, err
	}
	var t topicJSON
	err := c.do(ctx, request{
		method: http.MethodGet,
		path:   "/t/external_id/" + extID + ".json",
		query:  url.Values{"include_raw": {"true"}},
		hints: map[int]string{
			http.StatusForbidden: fmt.Sprintf("the API key or user %q is not accepted, or that user may not see the topic", c.username),
			http.StatusGone:      "the topic with this external id was deleted: restore it, or its external id keeps a new topic from being created",
		},
	}, &t)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up topic %s: %w", extID, err)
	}
	if t.ID == 0 {
		return nil, fmt.Errorf("look up topic %s: the answer has no topic id", extID)
	}
	return &Topic{
		ID: t.ID, Title: t.Title, Slug: t.Slug, CategoryID: t.CategoryID, PostsCount: t.PostsCount,
		PostIDs: t.PostStream.Stream, Posts: t.PostStream.Posts,
	}, nil
}

// firstPost returns the first post of topic t, with its raw.
func (c *Client) firstPost(ctx context.Context, t *Topic) (*Post, error) {
	if len(t.Posts) > 0 && t.Posts[0].PostNumber == 1 && t.Posts[0].Raw != "" {
		p := t.Posts[0]
		return &p, nil
	}
	if len(t.PostIDs) == 0 {
		return nil, fmt.Errorf("topic %d has no posts", t.ID)
	}
	ps, err := c.topicPosts(ctx, t.ID, t.PostIDs[:1], nil)
	if err != nil {
		return nil, err
	}
	return &ps[0], nil
}

// EnsureTopic returns the first post of the topic whose external id is
// extID, creating the topic when there is none; created says which. An
// existing topic is returned as it is, whatever its title and raw: compare
// and EditPost to change it.
func (c *Client) EnsureTopic(ctx context.Context, title, raw, extID string) (first *Post, created bool, err error) {
	t, err := c.TopicByExternalID(ctx, extID)
	if err != nil {
		return nil, false, err
	}
	if t != nil {
		p, err := c.firstPost(ctx, t)
		if err != nil {
			return nil, false, fmt.Errorf("read topic %s: %w", extID, err)
		}
		return p, false, nil
	}
	p, err := c.CreateTopic(ctx, title, raw, extID)
	if err != nil {
		return nil, false, err
	}
	return p, true, nil
}

// CreateTopic creates a topic in the configured category and returns its
// first post. extID (see ExternalID) makes it idempotent: when an attempt
// fails in a way that may have created the topic all the same (a 5xx, a
// lost answer), the topic is looked up by extID before the next attempt and
// returned if it is there.
func (c *Client) CreateTopic(ctx context.Context, title, raw, extID string) (*Post, error) {
	if err := checkExternalID(extID); err != nil {
		return nil, fmt.Errorf("create topic: %w", err)
	}
	catID, err := c.CategoryID(ctx)
	if err != nil {
		return nil, fmt.Errorf("create topic %s: %w", extID, err)
	}
	var (
		found      *Post
		maybeThere bool
	)
	lookup := func(ctx context.Context) (bool, error) {
		maybeThere = true
		t, err := c.TopicByExternalID(ctx, extID)
		if err != nil || t == nil {
			return false, err
		}
		if found, err = c.firstPost(ctx, t); err != nil {
			return false, err
		}
		c.log.LogAttrs(ctx, slog.LevelInfo, "discourse: the topic was created by an attempt whose answer was lost",
			slog.String("external_id", extID), slog.Int("topic_id", t.ID))
		return true, nil
	}
	var ans createAnswer
	err = c.do(ctx, request{
		method: http.MethodPost,
		path:   "/posts.json",
		body: map[string]any{
			"title":       title,
			"raw":         raw,
			"category":    catID,
			"external_id": extID,
		},
		hints: map[int]string{
			http.StatusForbidden:  fmt.Sprintf("the API key or user %q is not accepted, or that user may not create topics in category %q, id %d", c.username, c.category, catID),
			http.StatusBadRequest: fmt.Sprintf("category %q, id %d, may not exist", c.category, catID),
		},
		recheck: lookup,
	}, &ans)
	if found != nil {
		return found, nil
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusUnprocessableEntity && maybeThere {
		// "External has already been taken", most likely: the lost attempt
		// created it after the lookup, or the answer came from it.
		if ok, lerr := lookup(ctx); ok && lerr == nil {
			return found, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("create topic %s in category %q: %w", extID, c.category, err)
	}
	p, err := ans.post()
	if err != nil {
		return nil, fmt.Errorf("create topic %s in category %q: %w", extID, c.category, err)
	}
	return p, nil
}

package forum

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Post is a post as Discourse serializes it (PostSerializer), in part.
type Post struct {
	ID         int       `json:"id"`
	TopicID    int       `json:"topic_id"`
	TopicSlug  string    `json:"topic_slug"`
	PostNumber int       `json:"post_number"` // 1 for the topic's first post
	Username   string    `json:"username"`
	Raw        string    `json:"raw"` // the Markdown as posted
	Version    int       `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// createAnswer is the answer to POST /posts.json: the post itself, or
// {"action":"enqueued","pending_post":{…}} when a moderator must approve it.
type createAnswer struct {
	Post
	Action      string   `json:"action"`
	Errors      []string `json:"errors"`
	PendingPost *struct {
		ID int `json:"id"`
	} `json:"pending_post"`
}

func (a *createAnswer) post() (*Post, error) {
	if a.Action == "enqueued" {
		if a.PendingPost != nil {
			return nil, fmt.Errorf("%w (pending post %d)", ErrQueued, a.PendingPost.ID)
		}
		return nil, ErrQueued
	}
	if a.ID == 0 {
		if len(a.Errors) > 0 {
			return nil, fmt.Errorf("discourse answered without a post: %s", strings.Join(a.Errors, "; "))
		}
		return nil, errors.New("discourse answered without a post")
	}
	p := a.Post
	return &p, nil
}

// URL is the address of p on the forum.
func (c *Client) URL(p *Post) string {
	slug := p.TopicSlug
	if slug == "" {
		slug = "-" // Discourse redirects to the right slug
	}
	return fmt.Sprintf("%s/t/%s/%d/%d", c.baseStr, url.PathEscape(slug), p.TopicID, p.PostNumber)
}

// recentPosts is how many of a topic's last posts EnsureReply, and Reply
// after a lost answer, look through for the same text.
const recentPosts = 10

// Reply posts raw in topic topicID. When an attempt fails in a way that may
// have posted all the same (a 5xx, a lost answer), the topic's last posts
// are searched for this user's post with this raw before the next attempt
// (Discourse also answers an identical API post within 120 s with the first
// one's result, posts_controller.rb's DistributedMemoizer). Replies to a
// topic that is missing, closed or not the user's to reply to are 422 with
// Discourse's topic_not_found message, not 404.
func (c *Client) Reply(ctx context.Context, topicID int, raw string) (*Post, error) {
	var found *Post
	var ans createAnswer
	err := c.do(ctx, request{
		method: http.MethodPost,
		path:   "/posts.json",
		body:   map[string]any{"topic_id": topicID, "raw": raw},
		hints: map[int]string{
			http.StatusForbidden: fmt.Sprintf("the API key or user %q is not accepted, or that user may not reply in topic %d", c.username, topicID),
		},
		recheck: func(ctx context.Context) (bool, error) {
			p, err := c.findReply(ctx, topicID, raw)
			found = p
			return p != nil, err
		},
	}, &ans)
	if found != nil {
		return found, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reply in topic %d: %w", topicID, err)
	}
	p, err := ans.post()
	if err != nil {
		return nil, fmt.Errorf("reply in topic %d: %w", topicID, err)
	}
	return p, nil
}

// EnsureReply returns this user's post with raw among the last posts of
// topic topicID, replying with raw when there is none; created says which.
// A rerun after a crash between posting and recording it does not post
// twice. Raw is compared as Discourse stores it (NormalizeRaw), so post each
// notice with a text of its own.
func (c *Client) EnsureReply(ctx context.Context, topicID int, raw string) (post *Post, created bool, err error) {
	p, err := c.findReply(ctx, topicID, raw)
	if err != nil {
		return nil, false, fmt.Errorf("look for the reply in topic %d: %w", topicID, err)
	}
	if p != nil {
		return p, false, nil
	}
	if p, err = c.Reply(ctx, topicID, raw); err != nil {
		return nil, false, err
	}
	return p, true, nil
}

// findReply returns the newest of topic topicID's last recentPosts replies
// that this user made with raw, or nil.
func (c *Client) findReply(ctx context.Context, topicID int, raw string) (*Post, error) {
	var t topicJSON
	err := c.do(ctx, request{
		method: http.MethodGet,
		path:   "/t/" + strconv.Itoa(topicID) + ".json",
		query:  url.Values{"include_raw": {"true"}},
		hints: map[int]string{
			http.StatusForbidden: fmt.Sprintf("the API key or user %q is not accepted, or that user may not see topic %d", c.username, topicID),
			http.StatusNotFound:  fmt.Sprintf("no topic %d, or user %q may not see it", topicID, c.username),
		},
	}, &t)
	if err != nil {
		return nil, err
	}
	ids := t.PostStream.Stream
	ids = ids[max(0, len(ids)-recentPosts):]
	posts, err := c.topicPosts(ctx, topicID, ids, t.PostStream.Posts)
	if err != nil {
		return nil, err
	}
	want := NormalizeRaw(raw)
	for i := len(posts) - 1; i >= 0; i-- {
		if p := posts[i]; p.PostNumber > 1 && strings.EqualFold(p.Username, c.username) && p.Raw == want {
			return &p, nil
		}
	}
	return nil, nil
}

// topicPosts returns the posts ids of topic topicID, in that order, with
// their raw: those in have already, the others from GET
// /t/{id}/posts.json (topics#posts, which the topics:read scope allows).
func (c *Client) topicPosts(ctx context.Context, topicID int, ids []int, have []Post) ([]Post, error) {
	byID := map[int]Post{}
	for _, p := range have {
		if p.Raw != "" {
			byID[p.ID] = p
		}
	}
	q := url.Values{"include_raw": {"true"}}
	for _, id := range ids {
		if _, ok := byID[id]; !ok {
			q.Add("post_ids[]", strconv.Itoa(id))
		}
	}
	if len(q["post_ids[]"]) > 0 {
		var ans struct {
			PostStream struct {
				Posts []Post `json:"posts"`
			} `json:"post_stream"`
		}
		err := c.do(ctx, request{
			method: http.MethodGet,
			path:   "/t/" + strconv.Itoa(topicID) + "/posts.json",
			query:  q,
		}, &ans)
		if err != nil {
			return nil, err
		}
		for _, p := range ans.PostStream.Posts {
			byID[p.ID] = p
		}
	}
	posts := make([]Post, 0, len(ids))
	for _, id := range ids {
		p, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("topic %d: post %d is missing from the answer", topicID, id)
		}
		posts = append(posts, p)
	}
	return posts, nil
}

// EditPost replaces the raw of post postID, with reason shown in its edit
// history. Editing to the same raw changes nothing.
func (c *Client) EditPost(ctx context.Context, postID int, raw, reason string) (*Post, error) {
	var ans struct {
		Post Post `json:"post"`
	}
	err := c.do(ctx, request{
		method: http.MethodPut,
		path:   "/posts/" + strconv.Itoa(postID) + ".json",
		body:   map[string]any{"post": map[string]string{"raw": raw, "edit_reason": reason}},
		hints: map[int]string{
			http.StatusForbidden: fmt.Sprintf("the API key or user %q is not accepted, or that user may not edit post %d: only its author, within the edit time limit, and staff may", c.username, postID),
			http.StatusNotFound:  fmt.Sprintf("no post %d, or user %q may not see it", postID, c.username),
		},
	}, &ans)
	if err != nil {
		return nil, fmt.Errorf("edit post %d: %w", postID, err)
	}
	if ans.Post.ID == 0 {
		return nil, fmt.Errorf("edit post %d: discourse answered without the post", postID)
	}
	return &ans.Post, nil
}

// Post reads post postID, with its raw.
func (c *Client) Post(ctx context.Context, postID int) (*Post, error) {
	var p Post
	err := c.do(ctx, request{
		method: http.MethodGet,
		path:   "/posts/" + strconv.Itoa(postID) + ".json",
		hints: map[int]string{
			http.StatusForbidden: fmt.Sprintf("the API key or user %q is not accepted, or that user may not see post %d", c.username, postID),
			http.StatusNotFound:  fmt.Sprintf("no post %d, or user %q may not see it", postID, c.username),
		},
	}, &p)
	if err != nil {
		return nil, fmt.Errorf("read post %d: %w", postID, err)
	}
	if p.ID == 0 {
		return nil, fmt.Errorf("read post %d: discourse answered without the post", postID)
	}
	return &p, nil
}

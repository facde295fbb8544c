package dispatch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/forum"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/render"
)

// Poster posts on an instance's forum; *forum.Client is one.
type Poster interface {
	EnsureTopic(ctx context.Context, title, raw, extID string) (*forum.Post, bool, error)
	TopicByExternalID(ctx context.Context, extID string) (*forum.Topic, error)
	EnsureReply(ctx context.Context, topicID int, raw string) (*forum.Post, bool, error)
	EditPost(ctx context.Context, postID int, raw, reason string) (*forum.Post, error)
	URL(*forum.Post) string
}

// ForumAction is what posting a notice's forum copy does (or would do).
type ForumAction string

// Forum actions.
const (
	ForumCreate  ForumAction = "create" // the announce notice opens the topic
	ForumReply   ForumAction = "reply"  // later notices reply in it
	ForumUpdate  ForumAction = "update" // the text changed (the window moved) and --update edits it
	ForumNothing ForumAction = "nothing"
	ForumChanged ForumAction = "changed" // the text changed; without --update nothing is edited
)

// ForumCopy is a notice's forum post, rendered.
type ForumCopy struct {
	Title, Markdown, Hash string
	ExternalID            string
	Locales               []string // of the editions in it, the default first
}

// File is the copy as the dry run writes it (forum.md): a front matter with
// the title and locales, then the Markdown a send posts.
func (c *ForumCopy) File() []byte {
	return []byte(fmt.Sprintf("---\ntitle: %s\nlocale: %s\n---\n%s", c.Title, strings.Join(c.Locales, ", "), c.Markdown))
}

// RenderForum renders the forum copy: the instance's default locale, or all
// its locales in one post (forum language = "all").
func RenderForum(p *render.Prepared) (*ForumCopy, error) {
	job := p.Job()
	eds := p.Editions()
	if f := job.Instance.Forum; f == nil || f.Language != "all" {
		eds = eds[:1]
	}
	var title string
	var parts, locales []string
	for _, ed := range eds {
		locales = append(locales, ed.Locale())
		post, err := p.Forum(ed)
		if err != nil {
			return nil, err
		}
		if title == "" {
			title = post.Title
		}
		parts = append(parts, strings.TrimSpace(post.Markdown))
	}
	md := strings.Join(parts, "\n\n---\n\n") + "\n"
	h := sha256.Sum256([]byte(forum.NormalizeRaw(md)))
	return &ForumCopy{Title: title, Markdown: md, Hash: hex.EncodeToString(h[:]),
		ExternalID: forum.ExternalID(job.Schedule.Campaign, job.Instance.Key), Locales: locales}, nil
}

// PlanForum says what posting would do, from the ledger alone (no network):
// the dry run shows it.
func PlanForum(job render.Job, c *ForumCopy, posted map[ledger.NoticeKey]ledger.ForumPost, update bool) ForumAction {
	rec, ok := posted[noticeKey(job)]
	switch {
	case ok && rec.Hash == c.Hash:
		return ForumNothing
	case ok && update:
		return ForumUpdate
	case ok:
		return ForumChanged
	case job.Notice == config.Announce:
		return ForumCreate
	default:
		return ForumReply
	}
}

// ForumResult is what posting did.
type ForumResult struct {
	Action ForumAction
	URL    string
}

// PostForum posts (or edits) the notice's forum copy once, and records it.
func PostForum(ctx context.Context, l *ledger.Ledger, poster Poster, p *render.Prepared, update bool) (ForumResult, error) {
	job := p.Job()
	c, err := RenderForum(p)
	if err != nil {
		return ForumResult{}, err
	}
	posted, err := l.ForumPosts(ctx, job.Schedule.Campaign)
	if err != nil {
		return ForumResult{}, err
	}
	action := PlanForum(job, c, posted, update)
	rec := posted[noticeKey(job)]
	var post *forum.Post
	switch action {
	case ForumNothing, ForumChanged:
		return ForumResult{Action: action, URL: rec.URL}, nil
	case ForumUpdate:
		post, err = poster.EditPost(ctx, rec.PostID, c.Markdown, "The maintenance window changed")
	case ForumCreate:
		post, _, err = poster.EnsureTopic(ctx, c.Title, c.Markdown, c.ExternalID)
	case ForumReply:
		topicID := 0
		if a, ok := posted[ledger.NoticeKey{Instance: job.Instance.Key, Notice: string(config.Announce)}]; ok {
			topicID = a.TopicID
		} else {
			t, terr := poster.TopicByExternalID(ctx, c.ExternalID)
			if terr != nil {
				return ForumResult{}, terr
			}
			if t == nil {
				return ForumResult{}, errors.New("no forum topic yet: post the announce notice first (announce --instance " + job.Instance.Key + " --notice announce --forum-only)")
			}
			topicID = t.ID
		}
		post, _, err = poster.EnsureReply(ctx, topicID, c.Markdown)
	}
	if err != nil {
		return ForumResult{Action: action}, err
	}
	url := poster.URL(post)
	err = l.RecordForumPost(ctx, ledger.ForumPost{Campaign: job.Schedule.Campaign, Notice: job.Key(), Instance: job.Instance.Key,
		TopicID: post.TopicID, PostID: post.ID, URL: url, Hash: c.Hash})
	return ForumResult{Action: action, URL: url}, err
}

// ForumEndpoint is the request an action makes, for the dry run.
func ForumEndpoint(base string, a ForumAction, rec ledger.ForumPost) string {
	base = strings.TrimRight(base, "/")
	switch a {
	case ForumUpdate, ForumChanged:
		return fmt.Sprintf("PUT %s/posts/%d.json", base, rec.PostID)
	case ForumNothing:
		return "(none)"
	default:
		return "POST " + base + "/posts.json"
	}
}

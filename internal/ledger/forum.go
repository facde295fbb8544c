package ledger

import (
	"context"
	"fmt"
	"time"
)

// ForumPost records the forum copy of one notice of one instance.
type ForumPost struct {
	Campaign, Notice, Instance string
	TopicID, PostID            int
	URL                        string
	Hash                       string // of the Markdown as posted
	At                         time.Time
}

// RecordForumPost records (or, after an edit, updates) a notice's forum post.
func (l *Ledger) RecordForumPost(ctx context.Context, p ForumPost) error {
	_, err := l.db.ExecContext(ctx, `
INSERT INTO forum_posts (campaign, notice, instance, topic_id, post_id, url, hash, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (campaign, notice, instance) DO UPDATE SET topic_id = excluded.topic_id, post_id = excluded.post_id,
	url = excluded.url, hash = excluded.hash, at = excluded.at`,
		p.Campaign, p.Notice, p.Instance, p.TopicID, p.PostID, p.URL, p.Hash, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("record forum post of %s %s notice of %s: %w", p.Campaign, p.Notice, p.Instance, err)
	}
	return nil
}

// ForumPosts returns the recorded forum posts of a campaign, keyed by
// instance and notice.
func (l *Ledger) ForumPosts(ctx context.Context, campaign string) (map[NoticeKey]ForumPost, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT notice, instance, topic_id, post_id, url, hash, at FROM forum_posts WHERE campaign = ?1`, campaign)
	if err != nil {
		return nil, fmt.Errorf("read forum posts of %s: %w", campaign, err)
	}
	defer rows.Close()
	out := map[NoticeKey]ForumPost{}
	for rows.Next() {
		p := ForumPost{Campaign: campaign}
		var at int64
		if err := rows.Scan(&p.Notice, &p.Instance, &p.TopicID, &p.PostID, &p.URL, &p.Hash, &at); err != nil {
			return nil, fmt.Errorf("read forum posts of %s: %w", campaign, err)
		}
		p.At = time.UnixMilli(at)
		out[NoticeKey{p.Instance, p.Notice}] = p
	}
	return out, rows.Err()
}

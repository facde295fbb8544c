package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/forum"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/render"
)

// newPoster builds the forum client of an instance; nil when it has no forum.
// The API key is read here, from the variable or file the config names.
func newPoster(env *Env, in *config.Instance) (dispatch.Poster, error) {
	if in.Forum == nil {
		return nil, nil
	}
	key, err := resolveSecret(env, fmt.Sprintf("instance %s forum api key", in.Key), in.Forum.APIKey())
	if err != nil {
		return nil, err
	}
	c, err := forum.New(forum.Config{BaseURL: in.Forum.URL, Category: in.Forum.Category, APIUsername: in.Forum.APIUsername, APIKey: forum.NewSecret(key)}, env.HTTPClient)
	if err != nil {
		return nil, badInput(fmt.Errorf("instance %s forum: %w", in.Key, err))
	}
	return c, nil
}

// postForum posts (or edits) one notice's forum copy and says what it did.
func (r *sendRun) postForum(ctx context.Context, p *render.Prepared, update bool) error {
	job := p.Job()
	poster, err := newPoster(r.env, job.Instance)
	if err != nil || poster == nil {
		return err
	}
	res, err := dispatch.PostForum(ctx, r.l, poster, p, update)
	if err != nil {
		return fmt.Errorf("%s %s notice: forum: %w", job.Instance.Key, job.Notice, err)
	}
	what := map[dispatch.ForumAction]string{
		dispatch.ForumCreate:  "created the topic",
		dispatch.ForumReply:   "replied in the topic",
		dispatch.ForumUpdate:  "edited the post",
		dispatch.ForumNothing: "already posted, unchanged",
		dispatch.ForumChanged: "the text changed since it was posted; run with --update to edit the post",
	}[res.Action]
	fmt.Fprintf(r.env.Stdout, "%s %s notice: forum: %s %s\n", job.Instance.Key, job.Notice, what, res.URL)
	return nil
}

// printForumPlan shows the forum copy a send would post and how.
func printForumPlan(w io.Writer, p *render.Prepared, posted map[[2]string]ledger.ForumPost, update bool) error {
	job := p.Job()
	c, err := dispatch.RenderForum(p)
	if err != nil {
		return badInput(err)
	}
	a := dispatch.PlanForum(job, c, posted, update)
	rec := posted[[2]string{job.Instance.Key, string(job.Notice)}]
	fmt.Fprintf(w, "\n--- forum copy: %s, %s (category %s) ---\n", a, dispatch.ForumEndpoint(job.Instance.Forum.URL, a, rec), job.Instance.Forum.Category)
	if job.Notice == config.Announce {
		fmt.Fprintf(w, "title: %s\nexternal_id: %s\n", c.Title, c.ExternalID)
	}
	fmt.Fprintf(w, "\n%s", c.Markdown)
	return nil
}

// loadChanges reads, for a reschedule or cancel sent by hand, what readers
// were told and who they are.
func loadChanges(ctx context.Context, state *stateFlag, sched *config.Schedule, keys []string, n config.Notice) (map[string]*change, error) {
	l, err := state.openCtx(ctx)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	out := map[string]*change{}
	for _, key := range keys {
		c, ok, err := dispatch.ChangeFor(ctx, l, sched.Campaign, key, n)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		only, err := l.ToldRecipients(ctx, sched.Campaign, key, c.ToldBy)
		if err != nil {
			return nil, err
		}
		out[key] = &change{Change: c, only: only}
	}
	return out, nil
}

// readPrior reads, once, what the ledger already knows that a run shows
// before it sends: the forum posts and each instance's calendar SEQUENCE. It
// creates no ledger where there is none (a dry run writes nothing); one that
// exists but cannot be read is an error, not an empty past.
func readPrior(ctx context.Context, state *stateFlag, sched *config.Schedule, keys []string) (map[[2]string]ledger.ForumPost, map[string]int, error) {
	seqs := map[string]int{}
	p, err := state.resolve()
	if err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return nil, seqs, nil
	}
	l, err := ledger.Open(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	defer l.Close()
	posted, err := l.ForumPosts(ctx, sched.Campaign)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range keys {
		t, _, ok, err := l.LastTold(ctx, sched.Campaign, k)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			seqs[k] = t.Sequence
		}
	}
	return posted, seqs, nil
}

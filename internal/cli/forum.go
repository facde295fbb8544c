package cli

import (
	"fmt"
	"io"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/dispatch"
)

// forumDid says what posting a forum copy did.
var forumDid = map[dispatch.ForumAction]string{
	dispatch.ForumCreate:  "created the topic",
	dispatch.ForumReply:   "replied in the topic",
	dispatch.ForumUpdate:  "edited the post",
	dispatch.ForumNothing: "already posted, unchanged",
	dispatch.ForumChanged: "the text changed since it was posted; run with --update to edit the post",
}

// printForumPlan shows the forum copy a send would post and how.
func printForumPlan(w io.Writer, np *dispatch.NoticePlan) {
	job, f := np.Job(), np.Forum
	fmt.Fprintf(w, "\n--- forum copy: %s, %s (category %s) ---\n", f.Action, f.Endpoint, job.Instance.Forum.Category)
	if job.Notice == config.Announce {
		fmt.Fprintf(w, "title: %s\nexternal_id: %s\n", f.Copy.Title, f.Copy.ExternalID)
	}
	fmt.Fprintf(w, "\n%s", f.Copy.Markdown)
}

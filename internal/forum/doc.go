// Package forum puts the copies of maintenance notices on an instance's
// Discourse forum, through Discourse's API on an injected *http.Client: it
// finds the campaign's topic by its external id or creates it, replies in it
// and edits posts, each at most once, retrying what Discourse asks to have
// retried and reporting everything else the way Discourse words it.
//
// # What it follows
//
// Discourse's own source (github.com/discourse/discourse, main as of early
// 2026, the 2026.x releases; the commit of each file read in brackets):
//
//   - app/controllers/posts_controller.rb [002becf8de5e]: POST /posts.json
//     creates a topic (title, raw, category as an id, external_id, the last
//     accepted from API keys only) or a reply (topic_id, raw). Success is 200
//     with the post itself; failure 422 {"action":"create_post","errors":[…]};
//     {"action":"enqueued"} when a moderator must approve. An API post is
//     memoized for 120 s by its parameters and user (DistributedMemoizer): an
//     identical retry gets the first answer instead of posting twice.
//     PUT /posts/{id}.json takes post[raw] and post[edit_reason], answers
//     {"post":{…}}, and 422 {"errors":[…]} for a refused revision. GET
//     /posts/{id}.json returns the post with its raw.
//   - app/controllers/topics_controller.rb [0045e7d1e1a0]: GET
//     /t/external_id/{id}.json (show_by_external_id) answers 301 to
//     /t/{slug}/{id}.json, keeping include_raw, or 404. GET /t/{id}.json and
//     /t/{id}/posts.json?post_ids[]=… (topics#posts) give a topic's posts,
//     with their raw when include_raw is given.
//   - app/models/topic.rb: external_id is at most EXTERNAL_ID_MAX_LENGTH = 50
//     characters of /\A[\w-]+\z/, unique regardless of case.
//   - lib/topic_creator.rb [00e7ec17942e]: the category must be an id (a slug
//     is 400 invalid_parameters); one the user may not create topics in is
//     403 invalid_access.
//   - lib/post_creator.rb and lib/post_revisor.rb: a reply to a topic that is
//     missing, closed or not the user's to reply to is 422 topic_not_found,
//     not 404; raw is stored through TextCleaner.normalize_whitespaces and
//     rstrip (lib/text_cleaner.rb), see NormalizeRaw.
//   - app/controllers/categories_controller.rb [46ef9323b322]: GET
//     /c/{slug or id}/show.json (fetch_category tries the slug, then the id)
//     answers {"category":{…}}; a subcategory needs its slug path,
//     /c/{parent}/{child}/find_by_slug.json.
//   - app/controllers/application_controller.rb [8cafdafc0149] and
//     lib/json_error.rb: errors are {"errors":[…],"error_type":…}; 429 is
//     {"errors":[…],"error_type":"rate_limit","extras":{"wait_seconds":N,
//     "time_left":…}} with Retry-After: N; then 403 invalid_access and
//     not_logged_in, 404 not_found, 503 read_only.
//   - lib/middleware/request_tracker.rb: the per-IP limits answer 429 in
//     plain text with Retry-After only; the admin API key limit in JSON.
//   - lib/auth/default_current_user_provider.rb: the key and user go in the
//     Api-Key and Api-Username headers; a wrong pair is 403
//     invalid_api_credentials.
//   - config/locales/server.en.yml [00109904e662] and config/site_settings.yml:
//     the messages forumtest answers with; min_topic_title_length 15,
//     min_first_post_length 20, min_post_length 20.
//
// # API key
//
// An admin creates it for the posting user. A granular key needs the scopes
// topics:write (posts#create), topics:read (show_by_external_id, show,
// posts), posts:edit (posts#update) and categories:show (categories#show).
// Client.Post (posts#show) and a subcategory's slug path (find_by_slug) are
// in no granular scope: they need a key with global read.
package forum

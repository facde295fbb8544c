package forum

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Kinds of failure, for errors.Is. An *APIError matches the one its status
// means.
var (
	// ErrForbidden: 401 or 403. The API key or username is wrong or
	// revoked, or that user may not do this (post in the category, edit the
	// post, see the topic).
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: 404 or 410. The category, topic or post does not exist,
	// or the API user cannot see it.
	ErrNotFound = errors.New("not found")
	// ErrRateLimited: 429 that was not retried, because Discourse asked for
	// a longer wait than RetryPolicy.MaxWait or than the context allows, or
	// because the attempts ran out.
	ErrRateLimited = errors.New("rate limited")
	// ErrQueued: Discourse accepted the post but holds it for a moderator's
	// approval (the category, or the user's trust level, requires it). It is
	// not in the topic yet and has no post id.
	ErrQueued = errors.New("post queued for approval by a moderator")
)

// APIError is an answer from Discourse other than success. Errors and
// ErrorType are Discourse's own, verbatim and in the forum's language (422:
// "Title is too short (minimum is 15 characters)", "Title has already been
// used", "Body is too similar to what you recently posted"…): branch on
// Status or errors.Is, never on the text.
type APIError struct {
	Method string // "POST"
	Path   string // "/posts.json": the request's path under the base URL, without its query
	Status int
	// Errors is the body's "errors" array ("error" when that is all there
	// is); for a body that is not JSON, its first line when it is plain
	// text ("Slow down, too many requests from this IP address.").
	Errors []string
	// ErrorType is the body's "error_type": "invalid_access", "not_found",
	// "not_logged_in", "invalid_parameters", "rate_limit", "read_only"…
	// Empty for a 422 from creating or editing a post.
	ErrorType string
	// Wait is how long a 429 asked to wait (extras.wait_seconds, else
	// Retry-After).
	Wait time.Duration
	// Hint says what this status most likely means for this request: which
	// category the user may not post in, which post does not exist.
	Hint string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	if len(e.Errors) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Errors, "; "))
	}
	if e.Status == http.StatusTooManyRequests && e.Wait > 0 {
		fmt.Fprintf(&b, " (asked to wait %s)", e.Wait)
	}
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrForbidden), ErrNotFound and ErrRateLimited
// match by status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrForbidden:
		return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
	case ErrNotFound:
		return e.Status == http.StatusNotFound || e.Status == http.StatusGone
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	}
	return false
}

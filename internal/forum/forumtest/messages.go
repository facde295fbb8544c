package forumtest

import "fmt"

// Discourse's English messages, verbatim from config/locales/server.en.yml
// (discourse/discourse at 00109904e662), as the server builds them: a
// validation error is "%{attribute} %{message}" with the attribute's English
// name (activerecord.attributes: topic.title "Title", post.raw "Body";
// external_id has none, so Rails humanizes it to "External").
const (
	msgNotLoggedIn     = "You need to be logged in to do that."                                                             // not_logged_in
	msgInvalidAccess   = "You are not permitted to view the requested resource."                                            // invalid_access
	msgInvalidAPICreds = "You are not permitted to view the requested resource. The API username or key is invalid."        // invalid_api_credentials
	msgNotFound        = "The requested URL or resource could not be found."                                                // not_found
	msgTopicNotFound   = "Something has gone wrong. Perhaps this topic was closed or deleted while you were looking at it?" // topic_not_found
	msgTitleUsed       = "Title has already been used"                                                                      // errors.messages.has_already_been_used
	msgTitleBlank      = "Title can't be blank"                                                                             // errors.messages.blank
	msgBodyBlank       = "Body can't be blank"                                                                              // errors.messages.blank
	msgBodySimilar     = "Body is too similar to what you recently posted"                                                  // just_posted_that
	msgExternalTaken   = "External has already been taken"                                                                  // errors.messages.taken
	msgExternalInvalid = "External is invalid"                                                                              // errors.messages.invalid
	msgCategoryBlank   = "Category can't be blank"                                                                          // errors.messages.blank
	msgPostMissing     = "param is missing or the value is empty: post"                                                     // ActionController::ParameterMissing
)

// errors.messages.too_short.other, too_long.other and
// too_long_validation.other.
func msgTooShort(attr string, n int) string {
	return fmt.Sprintf("%s is too short (minimum is %d characters)", attr, n)
}

func msgTooLong(attr string, n int) string {
	return fmt.Sprintf("%s is too long (maximum is %d characters)", attr, n)
}

func msgBodyTooLong(max, length int) string {
	return fmt.Sprintf("Body is limited to %d characters; you entered %d.", max, length)
}

// invalid_params, as Discourse::InvalidParameters words it.
func msgInvalidParams(param string) string {
	return "You supplied invalid parameters to the request: " + param
}

// rate_limiter.too_many_requests with rate_limiter.seconds.other.
func msgTooManyRequests(seconds int) string {
	return fmt.Sprintf("You’ve performed this action too many times. Please wait %d seconds before trying again.", seconds)
}

// The per-IP limiter's plain-text answer (lib/middleware/request_tracker.rb).
func msgSlowDown(seconds int) string {
	return fmt.Sprintf("Slow down, too many requests from this IP address.\nPlease retry again in %d seconds.\nError id: ip_or_id_10_secs_limit.", seconds)
}

package forum

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"unicode"
)

// Config is where one instance's Discourse is and who posts there.
type Config struct {
	// BaseURL is the forum's address, https (http only to a loopback host,
	// for tests), with its subfolder if it has one:
	// "https://community.coopdevs.org" or "https://example.org/forum".
	BaseURL string
	// Category is where topics go: its id ("12"), its slug ("katuma"), or
	// a subcategory's slug path ("ofn/katuma").
	Category string
	// APIUsername is the user the posts are made as (the Api-Username header).
	APIUsername string
	// APIKey is sent as the Api-Key header, never in a URL, and never
	// appears in an error, a log line or String().
	APIKey Secret
}

// Validate reports every problem in c, before any network I/O. It never
// quotes the API key, nor a query string in BaseURL (where a key may hide).
func (c Config) Validate() error {
	var errs []error
	if _, err := parseBase(c.BaseURL); err != nil {
		errs = append(errs, err)
	}
	if strings.TrimSpace(c.Category) == "" {
		errs = append(errs, errors.New("forum category is empty"))
	}
	switch {
	case c.APIUsername == "":
		errs = append(errs, errors.New("forum api username is empty"))
	case strings.ContainsFunc(c.APIUsername, unicode.IsControl):
		errs = append(errs, fmt.Errorf("forum api username %q contains control characters", c.APIUsername))
	}
	switch key := c.APIKey.Reveal(); {
	case key == "":
		errs = append(errs, errors.New("forum api key is empty"))
	case strings.ContainsFunc(key, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		// A trailing newline from a key file, most likely: it would make
		// every request fail with a message that says nothing about why.
		errs = append(errs, errors.New("forum api key contains white space or control characters"))
	}
	return errors.Join(errs...)
}

// parseBase checks a forum's base URL and returns it without a trailing
// slash. Its errors quote only scheme, host and path.
func parseBase(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("forum url is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL
		}
		return nil, fmt.Errorf("forum url is not a URL: %v", err)
	}
	shown := shownURL(u)
	switch {
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("forum url %q has no host", shown)
	case u.User != nil:
		return nil, fmt.Errorf("forum url %q must not hold a user or password", shown)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("forum url %q must not have a query or fragment: the API key goes in a header", shown)
	case u.Scheme == "https":
	case u.Scheme == "http" && loopback(u.Hostname()):
	case u.Scheme == "http":
		return nil, fmt.Errorf("forum url %q must be https: the API key would cross the network in clear (http is allowed only to a loopback host)", shown)
	default:
		return nil, fmt.Errorf("forum url %q: scheme must be https", shown)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// shownURL is u as errors and logs may show it: scheme, host and path,
// without user, password, query or fragment.
func shownURL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// shownBase is a configured base URL as String and LogValue show it.
func shownBase(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(not a URL)"
	}
	return shownURL(u)
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// String describes c without its API key.
func (c Config) String() string {
	return fmt.Sprintf("discourse %s category=%q user=%q key=%s", shownBase(c.BaseURL), c.Category, c.APIUsername, c.APIKey)
}

// GoString keeps %#v from printing the API key.
func (c Config) GoString() string { return "forum.Config{" + c.String() + "}" }

// LogValue keeps slog from printing the API key.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", shownBase(c.BaseURL)),
		slog.String("category", c.Category),
		slog.String("user", c.APIUsername),
		slog.String("key", c.APIKey.String()),
	)
}

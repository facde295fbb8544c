package forum

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/openfoodfoundation/announce/internal/backoff"
)

// RetryPolicy bounds how often and how patiently a request is retried.
// Retried: 429 (after the wait Discourse asks for), 5xx other than 501 and
// 505, and network failures. Never retried: every other answer.
type RetryPolicy struct {
	Attempts int           // tries per request, the first included; default 4
	Base     time.Duration // the longest backoff after the first failure (full jitter); default 1s
	Max      time.Duration // the longest backoff ever; default 15s
	// MaxWait is the longest wait a 429 may ask for and be retried; a longer
	// one ("You’ve reached the maximum new topics allowed per day") fails at
	// once with ErrRateLimited. Default 2m.
	MaxWait time.Duration
	// Timeout bounds each attempt, reading the answer included; default 30s.
	Timeout time.Duration
}

// DefaultRetry is the policy of a Client without WithRetry. Its backoffs add
// up to at most 7s (1+2+4), well inside the 120 s during which Discourse
// answers an identical API post with the first one's result.
var DefaultRetry = RetryPolicy{Attempts: 4, Base: time.Second, Max: 15 * time.Second, MaxWait: 2 * time.Minute, Timeout: 30 * time.Second}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.Attempts <= 0 {
		p.Attempts = DefaultRetry.Attempts
	}
	if p.Base <= 0 {
		p.Base = DefaultRetry.Base
	}
	if p.Max <= 0 {
		p.Max = max(DefaultRetry.Max, p.Base)
	}
	if p.MaxWait <= 0 {
		p.MaxWait = DefaultRetry.MaxWait
	}
	if p.Timeout <= 0 {
		p.Timeout = DefaultRetry.Timeout
	}
	return p
}

// backoff is the wait after the n-th failed attempt (n ≥ 1): uniform in
// [0, min(Max, Base·2^(n-1))], so that clients that failed together do not
// come back together. randN(k) returns a number in [0, k).
func (p RetryPolicy) backoff(n int, randN func(int64) int64) time.Duration {
	return backoff.FullJitter(n, p.Base, p.Max, randN)
}

// Option configures a Client.
type Option func(*Client)

// WithLogger logs every request at debug level and every retry at warn
// level (default: nothing). Log lines name method, path and status, never
// a header.
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// WithRetry sets the retry policy (default DefaultRetry; zero fields take
// its values).
func WithRetry(p RetryPolicy) Option { return func(c *Client) { c.retry = p.withDefaults() } }

// WithSleep replaces the wait between attempts, for tests: sleep must
// return ctx.Err() when ctx is done first.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) { c.sleep = sleep }
}

// Client talks to one Discourse as one user. It is safe for concurrent use.
type Client struct {
	base     *url.URL // no trailing slash
	baseStr  string
	category string
	username string
	key      Secret
	hc       *http.Client
	retry    RetryPolicy
	log      *slog.Logger
	sleep    func(context.Context, time.Duration) error
	randN    func(int64) int64

	mu         sync.Mutex
	categoryID int // resolved from category, 0 until then
}

// New returns a Client for cfg that sends its requests through hc (nil:
// a plain http.Client). hc itself is not changed: the Client uses a copy
// that follows a redirect only for GET and only within cfg.BaseURL's scheme
// and host, so the API key never goes anywhere else.
func New(cfg Config, hc *http.Client, opts ...Option) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	base, _ := parseBase(cfg.BaseURL) // Validate checked it
	c := &Client{
		base:     base,
		baseStr:  base.String(),
		category: cfg.Category,
		username: cfg.APIUsername,
		key:      cfg.APIKey,
		retry:    DefaultRetry,
		log:      slog.New(slog.DiscardHandler),
		sleep:    sleep,
		randN:    rand.Int64N,
	}
	if hc == nil {
		hc = &http.Client{}
	}
	own := *hc
	own.CheckRedirect = c.checkRedirect
	c.hc = &own
	for _, o := range opts {
		o(c)
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.sleep == nil {
		c.sleep = sleep
	}
	return c, nil
}

// errRedirect is a redirect the Client refused to follow.
var errRedirect = errors.New("redirect refused")

// checkRedirect follows Discourse's own redirects (show_by_external_id →
// /t/{slug}/{id}.json) and nothing else: a POST or PUT turned into a GET by
// a 301 would "succeed" without posting, and the headers, API key included,
// go along with every redirect that net/http follows.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	switch {
	case via[0].Method != http.MethodGet:
		return http.ErrUseLastResponse // reported as an unexpected redirect
	case len(via) >= 5:
		return fmt.Errorf("%w: more than 5 redirects", errRedirect)
	case !sameOrigin(req.URL, c.base):
		return fmt.Errorf("%w: to %s, outside %s (check the forum url)", errRedirect, shownURL(req.URL), c.baseStr)
	}
	return nil
}

// sameOrigin reports whether a and b have the same scheme, host and port,
// a default port written or not.
func sameOrigin(a, b *url.URL) bool {
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		if strings.EqualFold(u.Scheme, "http") {
			return "80"
		}
		return "443"
	}
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

// sleep waits d or until ctx is done, whichever is first.
func sleep(ctx context.Context, d time.Duration) error { return backoff.Sleep(ctx, d) }

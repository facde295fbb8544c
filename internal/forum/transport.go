package forum

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxBody bounds what is read of an answer. A topic with its first 20
// posts, cooked and raw, is well under it.
const maxBody = 8 << 20

const userAgent = "announce (github.com/openfoodfoundation/announce)"

// request is one API call.
type request struct {
	method string
	path   string     // under the base URL, escaped: "/posts.json"
	query  url.Values // nil for none
	body   any        // sent as JSON; nil for none
	// hints say what a status most likely means for this call.
	hints map[int]string
	// recheck, when set, runs before retrying after a failure that may have
	// taken effect all the same (a 5xx, or a network failure once the
	// request may have been sent). done ends the call as a success.
	recheck func(ctx context.Context) (done bool, err error)
}

// response is one answer, read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

// errorBody is Discourse's error JSON (lib/json_error.rb), or the answer to
// POST /posts.json (NewPostResultSerializer).
type errorBody struct {
	Errors    []string        `json:"errors"`
	Error     string          `json:"error"`
	ErrorType string          `json:"error_type"`
	Extras    json.RawMessage `json:"extras"`
}

// attemptFailure is what one failed attempt teaches.
type attemptFailure struct {
	err       error         // *APIError or a network error
	retry     bool          // worth another attempt
	wait      time.Duration // 429: what Discourse asked for; 0: back off
	ambiguous bool          // the request may have taken effect
}

// do sends r, retrying under c.retry, and decodes a success into out (nil:
// ignore the body).
func (c *Client) do(ctx context.Context, r request, out any) error {
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("encode %s %s: %w", r.method, r.path, err)
		}
	}
	var last *attemptFailure
	for n := 1; ; n++ {
		if last != nil && last.ambiguous && r.recheck != nil {
			done, err := r.recheck(ctx)
			if err != nil {
				c.log.LogAttrs(ctx, slog.LevelWarn, "discourse: recheck failed; retrying",
					slog.String("method", r.method), slog.String("path", r.path), slog.String("error", c.redact(err.Error())))
			}
			if done {
				return nil
			}
		}
		resp, err := c.send(ctx, r, body)
		if err == nil && resp.status/100 == 2 {
			return c.decode(r, resp, out)
		}
		if ctx.Err() != nil {
			if err == nil {
				err = c.apiError(r, resp)
			}
			return fmt.Errorf("%w (after %s %s: %v)", ctx.Err(), r.method, r.path, c.redactErr(err))
		}
		if err != nil {
			last = c.networkFailure(err)
		} else {
			last = c.answerFailure(r, resp)
		}
		if !last.retry || n >= c.retry.Attempts {
			return last.err
		}
		wait := last.wait
		if wait == 0 {
			wait = c.retry.backoff(n, c.randN)
		} else if wait > c.retry.MaxWait {
			return last.err // Discourse says: not before wait; the run cannot wait that long
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return fmt.Errorf("%w (retrying needs a wait of %s, past the deadline)", last.err, wait)
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "discourse: retrying",
			slog.String("method", r.method), slog.String("path", r.path),
			slog.Int("attempt", n), slog.Duration("wait", wait), slog.String("error", c.redact(last.err.Error())))
		if err := c.sleep(ctx, wait); err != nil {
			return fmt.Errorf("%w (waiting to retry %s %s after: %v)", err, r.method, r.path, last.err)
		}
	}
}

// send makes one attempt and reads the whole answer.
func (c *Client) send(ctx context.Context, r request, body []byte) (*response, error) {
	actx, cancel := context.WithTimeout(ctx, c.retry.Timeout)
	defer cancel()
	u := c.baseStr + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, r.method, u, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Api-Key", c.key.Reveal())
	req.Header.Set("Api-Username", c.username)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelDebug, "discourse request",
			slog.String("method", r.method), slog.String("path", r.path), slog.String("error", c.redact(err.Error())))
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	c.log.LogAttrs(ctx, slog.LevelDebug, "discourse request",
		slog.String("method", r.method), slog.String("path", r.path), slog.Int("status", resp.StatusCode),
		slog.Duration("took", time.Since(start)))
	if err != nil {
		return nil, fmt.Errorf("read the answer to %s %s: %w", r.method, r.path, err)
	}
	if len(data) > maxBody {
		return nil, fmt.Errorf("%w: the answer to %s %s is over %d bytes", errTooLarge, r.method, r.path, maxBody)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

var errTooLarge = errors.New("answer too large")

// decode reads a success into out.
func (c *Client) decode(r request, resp *response, out any) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return fmt.Errorf("%s %s: %d answer is not the JSON Discourse sends (is the forum url right?): %v",
			r.method, r.path, resp.status, err)
	}
	return nil
}

// networkFailure classifies an error from sending or reading: worth
// retrying unless retrying cannot help (TLS trust, a refused redirect).
func (c *Client) networkFailure(err error) *attemptFailure {
	var (
		verify   *tls.CertificateVerificationError
		hostname x509.HostnameError
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
	)
	permanent := errors.Is(err, errRedirect) || errors.Is(err, errTooLarge) ||
		errors.As(err, &verify) || errors.As(err, &hostname) || errors.As(err, &unknown) ||
		errors.As(err, &invalid) || errors.As(err, &record)
	return &attemptFailure{err: c.redactErr(err), retry: !permanent, ambiguous: true}
}

// answerFailure classifies an answer other than 2xx.
func (c *Client) answerFailure(r request, resp *response) *attemptFailure {
	e := c.apiError(r, resp)
	switch s := resp.status; {
	case s == http.StatusTooManyRequests:
		return &attemptFailure{err: e, retry: true, wait: e.Wait}
	case s >= 500 && s != http.StatusNotImplemented && s != http.StatusHTTPVersionNotSupported:
		return &attemptFailure{err: e, retry: true, ambiguous: true}
	}
	return &attemptFailure{err: e}
}

// apiError turns an answer into an *APIError, with Discourse's messages
// verbatim when it sent JSON.
func (c *Client) apiError(r request, resp *response) *APIError {
	e := &APIError{Method: r.method, Path: r.path, Status: resp.status, Hint: r.hints[resp.status]}
	var eb errorBody
	if json.Unmarshal(resp.body, &eb) == nil {
		e.Errors, e.ErrorType = eb.Errors, eb.ErrorType
		if len(e.Errors) == 0 && eb.Error != "" {
			e.Errors = []string{eb.Error}
		}
		if resp.status == http.StatusTooManyRequests && len(eb.Extras) > 0 {
			var extras struct {
				WaitSeconds float64 `json:"wait_seconds"`
			}
			if json.Unmarshal(eb.Extras, &extras) == nil && extras.WaitSeconds > 0 {
				e.Wait = time.Duration(extras.WaitSeconds * float64(time.Second))
			}
		}
	} else if line := plainFirstLine(resp); line != "" && line != http.StatusText(resp.status) {
		e.Errors = []string{line}
	}
	if resp.status == http.StatusTooManyRequests && e.Wait == 0 {
		e.Wait = retryAfter(resp.header.Get("Retry-After"))
	}
	if resp.status/100 == 3 {
		e.Hint = "unexpected redirect to " + redirectTarget(resp.header.Get("Location")) + "; check the forum url"
	}
	for i, s := range e.Errors {
		e.Errors[i] = c.redact(s)
	}
	return e
}

// plainFirstLine is the first line of a text/plain body, which is how
// Discourse's per-IP rate limiter and some proxies explain themselves.
func plainFirstLine(resp *response) string {
	mt, _, err := mime.ParseMediaType(resp.header.Get("Content-Type"))
	if err != nil || mt != "text/plain" {
		return ""
	}
	line, _, _ := bufio.NewReader(bytes.NewReader(resp.body)).ReadLine()
	s := strings.TrimSpace(string(line))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

func redirectTarget(loc string) string {
	u, err := url.Parse(loc)
	if err != nil || loc == "" {
		return "(no location)"
	}
	return shownURL(u)
}

// redact removes the API key from s: a proxy or a debugging server may
// quote the request it was sent.
func (c *Client) redact(s string) string {
	if k := c.key.Reveal(); k != "" {
		s = strings.ReplaceAll(s, k, "[redacted]")
	}
	return s
}

func (c *Client) redactErr(err error) error {
	if s := err.Error(); c.redact(s) != s {
		return errors.New(c.redact(s))
	}
	return err
}

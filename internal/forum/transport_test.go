package forum

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	p := RetryPolicy{Base: time.Second, Max: 10 * time.Second}.withDefaults()
	top := func(n int64) int64 { return n - 1 }
	bottom := func(int64) int64 { return 0 }
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second}
	for i, w := range want {
		if got := p.backoff(i+1, top); got != w {
			t.Errorf("backoff(%d) at most = %s, want %s", i+1, got, w)
		}
		if got := p.backoff(i+1, bottom); got != 0 {
			t.Errorf("backoff(%d) at least = %s, want 0", i+1, got)
		}
	}
	if got := p.backoff(200, top); got != p.Max {
		t.Errorf("backoff(200) = %s, want %s (no overflow)", got, p.Max)
	}
	if got := (RetryPolicy{}).withDefaults(); got != DefaultRetry {
		t.Errorf("zero policy = %+v, want %+v", got, DefaultRetry)
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{" 12 ", 12 * time.Second},
		{"-3", 0},
		{"soon", 0},
		{"Wed, 21 Oct 2015 07:28:00 GMT", 0}, // in the past
	}
	for _, tt := range tests {
		if got := retryAfter(tt.in); got != tt.want {
			t.Errorf("retryAfter(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	future := time.Now().Add(time.Minute).UTC().Format(http.TimeFormat)
	if got := retryAfter(future); got < 58*time.Second || got > time.Minute {
		t.Errorf("retryAfter(%q) = %s, want about 1m", future, got)
	}
}

func TestAPIErrorDecoding(t *testing.T) {
	c := &Client{}
	r := request{method: "POST", path: "/posts.json", hints: map[int]string{403: "a hint"}}
	tests := []struct {
		name        string
		status      int
		contentType string
		header      map[string]string
		body        string
		want        APIError
	}{
		{"422 from create", 422, "application/json", nil,
			`{"action":"create_post","errors":["Title is too short (minimum is 15 characters)","Title has already been used"]}`,
			APIError{Errors: []string{"Title is too short (minimum is 15 characters)", "Title has already been used"}}},
		{"403 with a hint", 403, "application/json", nil,
			`{"errors":["You are not permitted to view the requested resource."],"error_type":"invalid_access"}`,
			APIError{Errors: []string{"You are not permitted to view the requested resource."}, ErrorType: "invalid_access", Hint: "a hint"}},
		{"429 JSON: the body wins", 429, "application/json", map[string]string{"Retry-After": "30"},
			`{"errors":["You’ve performed this action too many times. Please wait 9 seconds before trying again."],"error_type":"rate_limit","extras":{"wait_seconds":9,"time_left":"9 seconds"}}`,
			APIError{Errors: []string{"You’ve performed this action too many times. Please wait 9 seconds before trying again."}, ErrorType: "rate_limit", Wait: 9 * time.Second}},
		{"429 plain text", 429, "text/plain; charset=utf-8", map[string]string{"Retry-After": "4"},
			"Slow down, too many requests from this IP address.\nPlease retry again in 4 seconds.\n",
			APIError{Errors: []string{"Slow down, too many requests from this IP address."}, Wait: 4 * time.Second}},
		{"singular error", 400, "application/json", nil, `{"error":"bad challenge"}`, APIError{Errors: []string{"bad challenge"}}},
		{"HTML from a proxy", 502, "text/html", nil, "<html><body>Bad Gateway</body></html>", APIError{}},
		{"extras of another shape", 404, "application/json", nil, `{"errors":["x"],"error_type":"not_found","extras":"html"}`,
			APIError{Errors: []string{"x"}, ErrorType: "not_found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"Content-Type": {tt.contentType}}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			got := c.apiError(r, &response{status: tt.status, header: h, body: []byte(tt.body)})
			tt.want.Method, tt.want.Path, tt.want.Status = "POST", "/posts.json", tt.status
			if got.Error() != tt.want.Error() || got.ErrorType != tt.want.ErrorType || got.Wait != tt.want.Wait {
				t.Errorf("apiError = %q %q %s, want %q %q %s", got, got.ErrorType, got.Wait, &tt.want, tt.want.ErrorType, tt.want.Wait)
			}
		})
	}
}

func TestSleepRespectsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	start := time.Now()
	if err := sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Errorf("sleep(cancelled, 1h) = %v after %s", err, time.Since(start))
	}
	if err := sleep(t.Context(), time.Millisecond); err != nil {
		t.Errorf("sleep(1ms) = %v", err)
	}
}

func TestSameOrigin(t *testing.T) {
	base, _ := url.Parse("https://Forum.example.org")
	tests := []struct {
		target string
		want   bool
	}{
		{"https://forum.example.org/t/x/1.json", true},
		{"https://forum.example.org:443/t/x/1.json", true},
		{"http://forum.example.org/t/x/1.json", false},
		{"https://forum.example.org:8443/t/x/1.json", false},
		{"https://evil.example.org/t/x/1.json", false},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.target)
		if got := sameOrigin(u, base); got != tt.want {
			t.Errorf("sameOrigin(%s, %s) = %v, want %v", tt.target, base, got, tt.want)
		}
	}
}

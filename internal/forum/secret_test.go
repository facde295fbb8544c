package forum_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openfoodfoundation/announce/internal/forum"
	"github.com/openfoodfoundation/announce/internal/forum/forumtest"
)

const key = "8d9c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877665544"

// The API key goes in the Api-Key header of every request and nowhere
// else: not in a URL, a body, an error, a log line, or the printed form of
// anything holding it.
func TestAPIKeyNeverShown(t *testing.T) {
	h := newHarness(t, forumtest.Options{APIKey: key}, forum.Config{APIKey: forum.NewSecret(key)})
	ctx := t.Context()
	var errs []error
	try := func(_ any, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	// Successes, retries of every kind, and failures.
	h.srv.SetRateLimit(&forumtest.RateLimit{Burst: 3, Wait: 2})
	first, _, err := h.c.EnsureTopic(ctx, title, body, extID)
	if err != nil {
		t.Fatal(err)
	}
	h.srv.FailNext(1, http.StatusBadGateway)
	h.srv.DropNext(1)
	try(h.c.Reply(ctx, first.TopicID, replyText))
	h.srv.LoseNext(1)
	try(h.c.EditPost(ctx, first.ID, body+" Updated.", "update"))
	try(h.c.CreateTopic(ctx, "Short", "Short.", "x1"))
	try(h.c.Post(ctx, 9999))
	h.srv.FailNext(4, http.StatusServiceUnavailable)
	try(h.c.Post(ctx, first.ID))
	h.srv.SetRateLimit(&forumtest.RateLimit{Burst: 0, Wait: 3600})
	try(h.c.Reply(ctx, first.TopicID, replyText))
	if len(errs) != 4 {
		t.Errorf("got %d errors, want 4: %v", len(errs), errs)
	}

	for _, r := range h.srv.Requests() {
		if got := r.Header.Get("Api-Key"); got != "[redacted]" { // the server saw exactly the key
			t.Errorf("%s %s: Api-Key %q, want the key", r.Method, r.URL, got)
		}
		if got := r.Header.Get("Api-Username"); got != forumtest.Username {
			t.Errorf("%s %s: Api-Username %q, want %q", r.Method, r.URL, got, forumtest.Username)
		}
		if strings.Contains(r.URL, key) || bytes.Contains(r.Body, []byte(key)) {
			t.Errorf("%s %s: the key is in the URL or body", r.Method, r.URL)
		}
	}

	cfg := forum.Config{BaseURL: "https://forum.example.org", Category: "katuma", APIUsername: "announce", APIKey: forum.NewSecret(key)}
	type holder struct {
		Exported   forum.Config
		unexported forum.Config
		client     *forum.Client
	}
	hold := holder{cfg, cfg, h.c}
	var logs bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&logs, nil))
	l.Info("config", "forum", cfg, "holder", hold, "ptr", &cfg)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "forum", cfg, "key", cfg.APIKey)
	js, _ := json.Marshal(hold)
	shown := []string{
		h.log.String(), logs.String(), string(js),
		fmt.Sprint(cfg), fmt.Sprintf("%+v %#v %s %q %x %v", cfg, cfg, cfg.APIKey, cfg.APIKey, cfg.APIKey, &cfg),
		fmt.Sprintf("%v %+v %#v", hold, hold, hold), fmt.Sprintf("%v %+v", h.c, h.c),
	}
	for _, err := range errs {
		shown = append(shown, err.Error(), fmt.Sprintf("%+v %#v", err, err))
	}
	for _, s := range shown {
		if strings.Contains(s, key) || strings.Contains(s, fmt.Sprintf("%x", key)) {
			t.Errorf("the key is shown in:\n%s", s)
		}
	}
	if !strings.Contains(h.log.String(), "discourse: retrying") {
		t.Errorf("no retry was logged; log:\n%s", h.log)
	}
}

// A server, or a proxy, that quotes the request it got does not get the
// key into an error.
func TestEchoedKeyIsRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "bad request: Api-Key: %s\n", r.Header.Get("Api-Key"))
	}))
	defer srv.Close()
	c, err := forum.New(forum.Config{BaseURL: srv.URL, Category: "7", APIUsername: "announce", APIKey: forum.NewSecret(key)}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Post(t.Context(), 1)
	if err == nil || strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "Api-Key: [redacted]") {
		t.Errorf("Post = %v, want the echoed key redacted", err)
	}
}

func TestConfigValidate(t *testing.T) {
	good := forum.Config{BaseURL: "https://community.coopdevs.org", Category: "katuma", APIUsername: "announce", APIKey: forum.NewSecret(key)}
	tests := []struct {
		name string
		edit func(*forum.Config)
		want string // in the error; "" for none
	}{
		{"good", func(*forum.Config) {}, ""},
		{"subfolder", func(c *forum.Config) { c.BaseURL = "https://example.org/forum/" }, ""},
		{"http to loopback", func(c *forum.Config) { c.BaseURL = "http://127.0.0.1:8080" }, ""},
		{"http elsewhere", func(c *forum.Config) { c.BaseURL = "http://community.coopdevs.org" }, "must be https"},
		{"key in the query", func(c *forum.Config) { c.BaseURL = "https://example.org/?api_key=" + key }, "must not have a query"},
		{"user in the url", func(c *forum.Config) { c.BaseURL = "https://announce:" + key + "@example.org" }, "must not hold a user"},
		{"no url", func(c *forum.Config) { c.BaseURL = "" }, "forum url is empty"},
		{"not a url", func(c *forum.Config) { c.BaseURL = "https://exa mple.org/" + key }, "not a URL"},
		{"no category", func(c *forum.Config) { c.Category = " " }, "category is empty"},
		{"no user", func(c *forum.Config) { c.APIUsername = "" }, "username is empty"},
		{"no key", func(c *forum.Config) { c.APIKey = forum.Secret{} }, "api key is empty"},
		{"key with a newline", func(c *forum.Config) { c.APIKey = forum.NewSecret(key + "\n") }, "white space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.edit(&cfg)
			err := cfg.Validate()
			_, newErr := forum.New(cfg, nil)
			switch {
			case tt.want == "" && (err != nil || newErr != nil):
				t.Errorf("Validate() = %v, New = %v, want nil", err, newErr)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || newErr == nil):
				t.Errorf("Validate() = %v, New = %v, want %q", err, newErr, tt.want)
			case err != nil && strings.Contains(err.Error(), key):
				t.Errorf("Validate() = %v: shows the key", err)
			}
			if s := cfg.String(); strings.Contains(s, key) {
				t.Errorf("String() = %s: shows the key", s)
			}
		})
	}
}

func TestSecretZero(t *testing.T) {
	var s forum.Secret
	if !s.IsZero() || s.Reveal() != "" || s.String() != "[none]" || !forum.NewSecret("").IsZero() {
		t.Errorf("zero Secret = %v %q, want [none] and empty", s, s.Reveal())
	}
	if k := forum.NewSecret("k"); k.IsZero() || k.Reveal() != "k" || k.String() != "[redacted]" {
		t.Errorf("NewSecret(k) = %v %q, want [redacted] revealing k", k, k.Reveal())
	}
}

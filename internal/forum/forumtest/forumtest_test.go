package forumtest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/forum/forumtest"
)

var cat = forumtest.Category{ID: 7, Slug: "katuma", Name: "Katuma"}

// do sends a request as the API user unless headers say otherwise, and
// returns status, Location and body. It does not follow redirects.
func do(t *testing.T, s *forumtest.Server, method, path, contentType, body string, headers map[string]string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Api-Key", forumtest.APIKey)
	req.Header.Set("Api-Username", forumtest.Username)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	hc := s.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

const (
	jsonType = "application/json"
	formType = "application/x-www-form-urlencoded"
	topicReq = `{"title":"Maintenance on Tuesday 7 May","raw":"Katuma will be down for two hours.","category":7,"external_id":"ofn_katuma"}`
)

func TestAuthentication(t *testing.T) {
	tests := []struct {
		name       string
		path       string
		headers    map[string]string
		wantBody   string
		wantHeader string // Api-Key as recorded
	}{
		{"no headers", "/posts/1.json", map[string]string{"Api-Key": "", "Api-Username": ""},
			`{"error_type":"not_logged_in","errors":["You need to be logged in to do that."]}`, ""},
		{"key in the query only", "/posts/1.json?api_key=" + forumtest.APIKey + "&api_username=announce", map[string]string{"Api-Key": "", "Api-Username": ""},
			`{"error_type":"not_logged_in","errors":["You need to be logged in to do that."]}`, ""},
		{"wrong key", "/posts/1.json", map[string]string{"Api-Key": "nope"},
			`{"error_type":"invalid_access","errors":["You are not permitted to view the requested resource. The API username or key is invalid."]}`, "[wrong]"},
		{"wrong user", "/posts/1.json", map[string]string{"Api-Username": "someone"},
			`{"error_type":"invalid_access","errors":["You are not permitted to view the requested resource. The API username or key is invalid."]}`, "[redacted]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := forumtest.Start(t, forumtest.Options{})
			status, _, body := do(t, s, http.MethodGet, tt.path, "", "", tt.headers)
			if status != http.StatusForbidden || body != tt.wantBody {
				t.Errorf("GET %s = %d %s, want 403 %s", tt.path, status, body, tt.wantBody)
			}
			if got := s.Requests()[0].Header.Get("Api-Key"); got != tt.wantHeader {
				t.Errorf("recorded Api-Key = %q, want %q", got, tt.wantHeader)
			}
		})
	}
}

func TestCreateLookUpAndShow(t *testing.T) {
	s := forumtest.Start(t, forumtest.Options{Categories: []forumtest.Category{cat}})
	// The same topic as a form, as Rails would also take it.
	form := url.Values{"title": {"Maintenance on Tuesday 7 May"}, "raw": {"Katuma will be down for two hours."},
		"category": {"7"}, "external_id": {"ofn_katuma"}}.Encode()
	for i, req := range []struct{ contentType, body string }{{jsonType, topicReq}, {formType, form}} {
		status, _, body := do(t, s, http.MethodPost, "/posts.json", req.contentType, req.body, nil)
		if i == 0 {
			var p map[string]any
			if err := json.Unmarshal([]byte(body), &p); status != http.StatusOK || err != nil || p["post_number"] != 1.0 || p["raw"] == nil {
				t.Fatalf("POST /posts.json = %d %s, want the first post", status, body)
			}
			continue
		}
		// An identical call within 120 s: the first answer again, no second topic.
		if status != http.StatusOK || len(s.Topics()) != 1 {
			t.Errorf("second POST = %d %s with %d topics, want the first answer and 1 topic", status, body, len(s.Topics()))
		}
	}

	status, loc, _ := do(t, s, http.MethodGet, "/t/external_id/OFN_KATUMA.json?include_raw=true", "", "", nil)
	topicID := s.Topics()[0].ID
	if want := fmt.Sprintf("%s/t/maintenance-on-tuesday-7-may/%d.json?include_raw=true", s.URL, topicID); status != http.StatusMovedPermanently || loc != want {
		t.Errorf("GET /t/external_id = %d %s, want 301 %s", status, loc, want)
	}
	status, _, body := do(t, s, http.MethodGet, strings.TrimPrefix(loc, s.URL), "", "", nil)
	var topic struct {
		ID         int `json:"id"`
		PostStream struct {
			Posts []struct {
				Raw string `json:"raw"`
			} `json:"posts"`
			Stream []int `json:"stream"`
		} `json:"post_stream"`
	}
	if err := json.Unmarshal([]byte(body), &topic); status != 200 || err != nil || topic.ID != topicID ||
		len(topic.PostStream.Stream) != 1 || topic.PostStream.Posts[0].Raw == "" {
		t.Errorf("GET %s = %d %s, want the topic with its post's raw", loc, status, body)
	}
	for _, path := range []string{"/t/external_id/nope.json", "/t/external_id/bad%20id.json", "/c/nope/show.json", "/posts/1.json"} {
		if status, _, body := do(t, s, http.MethodGet, path, "", "", nil); status != 404 ||
			body != `{"error_type":"not_found","errors":["The requested URL or resource could not be found."]}` {
			t.Errorf("GET %s = %d %s, want Discourse's 404", path, status, body)
		}
	}
	for _, path := range []string{"/c/katuma/show.json", "/c/7/show.json"} {
		if status, _, body := do(t, s, http.MethodGet, path, "", "", nil); status != 200 || !strings.Contains(body, `"id":7`) {
			t.Errorf("GET %s = %d %s, want category 7", path, status, body)
		}
	}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"short title", `{"title":"Maintenance","raw":"Katuma will be down for two hours.","category":7}`,
			`{"action":"create_post","errors":["Title is too short (minimum is 15 characters)"]}`},
		{"short body", `{"title":"Maintenance on Tuesday","raw":"Down soon.","category":7}`,
			`{"action":"create_post","errors":["Body is too short (minimum is 20 characters)"]}`},
		{"duplicate title", `{"title":"the SEEDED topic title","raw":"Katuma will be down for two hours.","category":7}`,
			`{"action":"create_post","errors":["Title has already been used"]}`},
		{"taken external id", `{"title":"Maintenance on Tuesday","raw":"Katuma will be down for two hours.","category":7,"external_id":"SEED"}`,
			`{"action":"create_post","errors":["External has already been taken"]}`},
		{"category as a slug", `{"title":"Maintenance on Tuesday","raw":"Katuma will be down for two hours.","category":"katuma"}`,
			`{"error_type":"invalid_parameters","errors":["You supplied invalid parameters to the request: category"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := forumtest.Start(t, forumtest.Options{Categories: []forumtest.Category{cat}})
			s.Seed(7, "The seeded topic title", "A seeded body that is long enough.", "ana", "seed")
			_, _, body := do(t, s, http.MethodPost, "/posts.json", jsonType, tt.body, nil)
			if body != tt.want {
				t.Errorf("POST %s = %s, want %s", tt.body, body, tt.want)
			}
		})
	}
}

func TestRateLimitAndFaults(t *testing.T) {
	s := forumtest.Start(t, forumtest.Options{Categories: []forumtest.Category{cat}})
	s.SetRateLimit(&forumtest.RateLimit{Burst: 2, Wait: 9})
	var got []int
	for range 6 {
		status, _, body := do(t, s, http.MethodGet, "/c/7/show.json", "", "", nil)
		got = append(got, status)
		if want := `{"error_type":"rate_limit","errors":["You’ve performed this action too many times. Please wait 9 seconds before trying again."],"extras":{"time_left":"9 seconds","wait_seconds":9}}`; status == 429 && body != want {
			t.Errorf("429 body = %s, want %s", body, want)
		}
	}
	if fmt.Sprint(got) != "[200 200 429 200 200 429]" {
		t.Errorf("statuses = %v, want two passing, one refused, twice", got)
	}
	s.SetRateLimit(nil)

	post := func() error {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/posts.json", strings.NewReader(topicReq))
		req.Header.Set("Api-Key", forumtest.APIKey)
		req.Header.Set("Api-Username", forumtest.Username)
		req.Header.Set("Content-Type", jsonType)
		resp, err := s.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	s.DropNext(1) // not acted on
	if err := post(); err == nil {
		t.Error("DropNext: the request got an answer")
	}
	if n := len(s.Topics()); n != 0 {
		t.Errorf("DropNext: %d topics, want none", n)
	}
	s.LoseNext(1) // acted on, answer lost
	if err := post(); err == nil {
		t.Error("LoseNext: the request got an answer")
	}
	if n := len(s.Topics()); n != 1 {
		t.Errorf("LoseNext: %d topics, want 1", n)
	}
	s.FailNext(1, http.StatusBadGateway)
	if status, _, _ := do(t, s, http.MethodGet, "/c/7/show.json", "", "", nil); status != http.StatusBadGateway {
		t.Errorf("FailNext: status %d, want 502", status)
	}
}

func TestTooSimilarAfterTheMemo(t *testing.T) {
	now := time.Date(2019, 5, 7, 9, 0, 0, 0, time.UTC)
	s := forumtest.Start(t, forumtest.Options{Categories: []forumtest.Category{cat}, Now: func() time.Time { return now }})
	topic := s.Seed(7, "The seeded topic title", "A seeded body that is long enough.", forumtest.Username, "")
	reply := fmt.Sprintf(`{"topic_id":%d,"raw":"The maintenance is done, thanks."}`, topic.ID)
	steps := []struct {
		advance  time.Duration
		wantPost bool // a new post; else the same answer or a 422
		want     string
	}{
		{0, true, ""},
		{time.Minute, false, `"post_number":2`}, // memoized: the first answer
		{2 * time.Minute, false, `"errors":["Body is too similar to what you recently posted"]`}, // 3 min after
		{3 * time.Minute, true, `"post_number":3`},                                               // 6 min after
	}
	for i, st := range steps {
		now = now.Add(st.advance)
		before := len(s.Topics()[0].Posts)
		_, _, body := do(t, s, http.MethodPost, "/posts.json", jsonType, reply, nil)
		if grew := len(s.Topics()[0].Posts) > before; grew != st.wantPost || !strings.Contains(body, st.want) {
			t.Errorf("step %d: new post %v, answer %s; want new post %v and %s", i, grew, body, st.wantPost, st.want)
		}
	}
}

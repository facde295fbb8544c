package english

import (
	"testing"

	"github.com/BurntSushi/toml"
)

// Counts read as English does: 1 problem, 2 problems; every message id the
// CLI asks for is in messages/en.toml with both forms.
func TestCount(t *testing.T) {
	for _, tt := range []struct {
		id   string
		n    int
		want string
	}{
		{"problems", 0, "0 problems"}, {"problems", 1, "1 problem"}, {"problems", 2, "2 problems"},
		{"recipients", 1, "1 recipient"}, {"recipients", 13, "13 recipients"},
		{"messages", 1, "1 message"}, {"files", 1, "1 file"}, {"files", 21, "21 files"},
	} {
		if got := Count(tt.id, tt.n); got != tt.want {
			t.Errorf("Count(%s, %d) = %q, want %q", tt.id, tt.n, got, tt.want)
		}
	}
	var file map[string]map[string]string
	if _, err := toml.DecodeFile("messages/en.toml", &file); err != nil {
		t.Fatal(err)
	}
	for id, forms := range file {
		if forms["one"] == "" || forms["other"] == "" {
			t.Errorf("%s: want one and other forms, have %v", id, forms)
		}
	}
}

package forum_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/forum"
)

// `announce check` (config) and the real post (forum) agree on every forum
// URL scheme: what check accepts, the forum client accepts.
func TestCheckAgreesWithForumURL(t *testing.T) {
	const tmpl = `[instances.katuma]
name = "Katuma"
timezone = "Europe/Madrid"
locales = ["ca"]
from = "Katuma <noreply@katuma.test>"
recipients = "recipients/katuma.csv"

[instances.katuma.support]
email = "info@katuma.test"

[instances.katuma.forum]
url = "URL"
category = "katuma"
api_username = "announce"
api_key_env = "KEY"
`
	for _, u := range []string{
		"https://community.example.test", "http://community.example.test", "http://127.0.0.1:8080",
		"http://localhost:3000", "http://[::1]:3000", "ftp://community.example.test",
	} {
		t.Run(u, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "instances.toml")
			if err := os.WriteFile(p, []byte(strings.Replace(tmpl, "URL", u, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			_, cfgErr := config.LoadInstances(p)
			fErr := forum.Config{BaseURL: u, Category: "katuma", APIUsername: "announce", APIKey: forum.NewSecret("k")}.Validate()
			if (cfgErr == nil) != (fErr == nil) {
				t.Errorf("config says %v, forum says %v", cfgErr, fErr)
			}
		})
	}
}

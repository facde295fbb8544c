package cli

import (
	"os"
	"testing"

	"github.com/openfoodfoundation/announce/internal/config"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func secretOf(env, file string) config.Secret { return config.Secret{Env: env, File: file} }

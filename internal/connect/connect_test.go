package connect

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/openfoodfoundation/announce/internal/config"
)

// Secrets come from the environment or a file; errors name the variable or
// file, and the value never shows.
func TestSecrets(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string {
		if k == "SET" {
			return "s3cret-value"
		}
		return ""
	}
	tests := []struct {
		name    string
		env     string
		file    string
		content string
		want    string
		wantErr string
	}{
		{"from env", "SET", "", "", "s3cret-value", ""},
		{"env unset", "UNSET", "", "", "", "katuma smtp password: environment variable UNSET is not set"},
		{"from file, newline trimmed", "", dir + "/pw", "s3cret-file\n", "s3cret-file", ""},
		{"file missing", "", dir + "/nope", "", "", "katuma smtp password: read " + dir + "/nope: no such file or directory"},
		{"file empty", "", dir + "/empty", "\n", "", "katuma smtp password: " + dir + "/empty is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.content != "" {
				if err := os.WriteFile(tt.file, []byte(tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Secret(getenv, "katuma smtp password", config.Secret{Env: tt.env, File: tt.file})
			if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && err.Error() != tt.wantErr) {
				t.Errorf("Secret = %q, %v; want %q, %q", got, err, tt.want, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}
}

// A missing secret is bad input (exit 2), not a failure.
func TestSecretIsInput(t *testing.T) {
	_, err := Secret(func(string) string { return "" }, "x", config.Secret{Env: "NOPE"})
	var in *InputError
	if !errors.As(err, &in) {
		t.Errorf("Secret of an unset variable = %T %v, want an InputError", err, err)
	}
}

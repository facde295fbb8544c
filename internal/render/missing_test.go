package render

import (
	"testing"
	"testing/fstest"
)

func TestMissingMessages(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"same ids", fstest.MapFS{
			"en.toml": {Data: []byte("[a]\nother = \"A\"\n[b]\nother = \"B\"\n")},
			"ca.toml": {Data: []byte("[a]\nother = \"A\"\n[b]\nother = \"B\"\n")},
		}, ""},
		{"ca lacks b, en lacks c", fstest.MapFS{
			"en.toml": {Data: []byte("[a]\nother = \"A\"\n[b]\nother = \"B\"\n")},
			"ca.toml": {Data: []byte("[a]\nother = \"A\"\n[c]\nother = \"C\"\n")},
		}, "locales/ca.toml: message \"b\" is missing (locales/en.toml has it)\nlocales/en.toml: message \"c\" is missing (locales/ca.toml has it)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadCatalog(tt.files, "locales")
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if err := c.MissingMessages(); err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("MissingMessages() = %q, want %q", got, tt.want)
			}
		})
	}
}

package cldr

import "testing"

func TestFor(t *testing.T) {
	tests := []struct {
		name, tag, want string // want "" for nil
	}{
		{"OFN region", "fr_BE", "fr-BE"},
		{"BCP 47 region", "en-CA", "en-CA"},
		{"OFN region of English", "en_CA", "en-CA"},
		{"any case", "EN_ca", "en-CA"},
		{"language alone", "nl", "nl"},
		{"unknown region falls back to the language", "fr_LU", "fr"},
		{"OFN's Swiss French", "fr_CH", "fr-CH"},
		{"OFN's German", "de_DE", "de-DE"},
		{"region without data", "nl_NL", "nl"},
		{"numeric region", "es-419", "es"},
		{"script skipped", "en-Latn-GB", "en-GB"},
		{"POSIX codeset", "fr_CA.UTF-8", "fr-CA"},
		{"POSIX modifier", "ca_ES@valencia", "ca"},
		{"variant is not a region", "ca-valencia", "ca"},
		{"unknown language", "xx", ""},
		{"unknown language with a known region", "ja_JP", ""},
		{"OFN's Brazilian Portuguese", "pt_BR", "pt-BR"},
		{"OFN's Filipino", "fil_PH", "fil-PH"},
		{"empty", "", ""},
		{"POSIX C", "C", ""},
		{"region alone", "_CA", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if l := For(tt.tag); l != nil {
				got = l.Tag()
			}
			if got != tt.want {
				t.Errorf("For(%q) = %q, want %q", tt.tag, got, tt.want)
			}
		})
	}
}

// TestForGenerated checks that every generated locale is reachable by its own
// tag, so that no locale added to gen/locales.mjs is shadowed.
func TestForGenerated(t *testing.T) {
	for _, d := range generated {
		if l := For(d.tag); l == nil || l.Tag() != d.tag {
			t.Errorf("For(%q) = %v, want the %s data", d.tag, l, d.tag)
		}
	}
}

func TestWrites(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"en", "en-US", true},
		{"de", "de-DE", true},
		{"en", "en-CA", false},
		{"fr", "fr-CA", false},
		{"fr", "fr", true},
	}
	for _, tt := range tests {
		if got := For(tt.a).Writes(For(tt.b)); got != tt.want {
			t.Errorf("For(%q).Writes(For(%q)) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

package forum

import "log/slog"

// Secret holds a credential so that it cannot be printed by accident: fmt
// (%v, %+v, %s, %q, %x, %#v), slog and text or JSON encoders show
// "[redacted]", and a struct holding a Secret in an unexported field, which
// fmt walks without calling methods, shows only a pointer. Reveal is the one
// way to the value.
type Secret struct{ p *string }

// NewSecret wraps s. An empty s gives the zero Secret.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{p: &s}
}

// Reveal returns the secret itself, for the one header that carries it.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsZero reports whether s holds nothing.
func (s Secret) IsZero() bool { return s.p == nil }

// String never shows the secret.
func (s Secret) String() string {
	if s.p == nil {
		return "[none]"
	}
	return "[redacted]"
}

// GoString keeps %#v from showing the secret.
func (s Secret) GoString() string { return "forum.Secret(" + s.String() + ")" }

// LogValue keeps slog from showing the secret.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText keeps encoding/json, TOML and the like from showing the secret.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

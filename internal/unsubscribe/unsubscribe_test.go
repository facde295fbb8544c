package unsubscribe

import (
	"fmt"
	"strings"
	"testing"
)

func key(t *testing.T, secret string) *Key {
	t.Helper()
	k, err := NewKey([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestTokenRoundTrip(t *testing.T) {
	k := key(t, "katuma-unsubscribe-secret-0123456789")
	for _, a := range []string{"ana@example.test", "Jordi.Puig+ofn@Cal-Pere.example", "x@y.z"} {
		tok := k.Token(a)
		if strings.Contains(strings.ToLower(tok), "example") || strings.ContainsAny(tok, "+/=@") {
			t.Errorf("Token(%q) = %q: shows the address or is not URL-safe", a, tok)
		}
		if tok != k.Token(a) {
			t.Errorf("Token(%q) differs between calls", a)
		}
		got, err := k.Address(tok)
		if err != nil || got != strings.ToLower(a) {
			t.Errorf("Address(Token(%q)) = %q, %v, want %q", a, got, err, strings.ToLower(a))
		}
	}
	if k.Token("a@example.test") == k.Token("b@example.test") {
		t.Error("two addresses have one token")
	}
}

func TestTokenRefused(t *testing.T) {
	k := key(t, "katuma-unsubscribe-secret-0123456789")
	other := key(t, "canada-unsubscribe-secret-9876543210")
	tok := k.Token("ana@example.test")
	flip := []byte(tok)
	flip[len(flip)-2] ^= 1
	for name, bad := range map[string]string{
		"another instance's key": other.Token("ana@example.test"),
		"a changed byte":         string(flip),
		"cut short":              tok[:len(tok)-3],
		"not base64":             "%%%",
		"empty":                  "",
	} {
		if a, err := k.Address(bad); err == nil {
			t.Errorf("%s: Address = %q, want an error", name, a)
		}
	}
	if _, err := NewKey([]byte("short")); err == nil {
		t.Error("NewKey accepted a 5-byte secret")
	}
	if s := fmt.Sprintf("%v %#v", k, k); strings.Contains(s, "secret") {
		t.Errorf("a Key prints %q", s)
	}
}

func TestURL(t *testing.T) {
	for _, tc := range []struct{ base, want string }{
		{"https://katuma.test/unsubscribe", "https://katuma.test/unsubscribe?token=TOK"},
		{"https://katuma.test/unsubscribe?list=ofn", "https://katuma.test/unsubscribe?list=ofn&token=TOK"},
		{"https://katuma.test/u/{token}", "https://katuma.test/u/TOK"},
	} {
		got, err := URL(tc.base, "TOK")
		if err != nil || got != tc.want {
			t.Errorf("URL(%q) = %q, %v, want %q", tc.base, got, err, tc.want)
		}
		if tok := FromURL(got); tok != "TOK" {
			t.Errorf("FromURL(%q) = %q, want TOK", got, tok)
		}
	}
	if FromURL(" TOK ") != "TOK" {
		t.Error("FromURL of a bare token")
	}
}

package dispatch

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/unsubscribe"
)

// A token, or its URL, turns back into its address with the key of the
// instance that made it, and suppresses it with a reason naming the token;
// a token no instance's key decodes is bad input and suppresses nothing.
func TestTokenAddresses(t *testing.T) {
	inst, err := config.LoadInstances("../../config/instances.toml")
	if err != nil {
		t.Fatal(err)
	}
	const secret = "katuma-test-unsubscribe-secret-0123456789"
	t.Setenv("ANNOUNCE_TEST_UNSUBSCRIBE_KEY", secret)
	base := inst.Instances["katuma"]
	in, smtp := *base, *base.SMTP
	smtp.UnsubscribeURL, smtp.UnsubscribeKeyEnv = "https://katuma.test/unsubscribe", "ANNOUNCE_TEST_UNSUBSCRIBE_KEY"
	in.SMTP = &smtp
	one := &config.Instances{File: inst.File, Instances: map[string]*config.Instance{"katuma": &in}}
	key, err := unsubscribe.NewKey([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	tok := key.Token("ana@example.test")
	u, err := unsubscribe.URL(smtp.UnsubscribeURL, key.Token("bea@example.test"))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := unsubscribe.NewKey([]byte("another-instance-secret-0123456789abcdef"))
	for _, tc := range []struct {
		name   string
		tokens []string
		want   []string
		bad    bool
	}{
		{"token", []string{tok}, []string{"ana@example.test"}, false},
		{"url", []string{u}, []string{"bea@example.test"}, false},
		{"another key's", []string{other.Token("ana@example.test")}, nil, true},
		{"one bad of two", []string{tok, "AQIDBAUGBwgJCgsMDQ4PEBESExQV"}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := TokenAddresses(one, tc.tokens)
			var ie *InputError
			if tc.bad != (err != nil) || tc.bad && (!errors.As(err, &ie) || !errors.Is(err, unsubscribe.ErrBadToken)) {
				t.Fatalf("TokenAddresses(%q) error = %v, want bad input: %v", tc.tokens, err, tc.bad)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("TokenAddresses(%q) = %+v, want %q", tc.tokens, got, tc.want)
			}
			for i, a := range tc.want {
				if got[i].Address != a || got[i].Instance != "katuma" {
					t.Errorf("address %d = %+v, want %s of katuma", i, got[i], a)
				}
			}
		})
	}
	if _, err := TokenAddresses(inst, []string{tok}); err == nil {
		t.Errorf("TokenAddresses with no instance having an unsubscribe_url: no error")
	}

	l, err := ledger.Open(t.Context(), filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got, _ := TokenAddresses(one, []string{tok})
	var done []string
	if err := SuppressTokens(t.Context(), l, got, "wrote to us", func(a TokenAddress) { done = append(done, a.Address) }); err != nil {
		t.Fatal(err)
	}
	sup, err := l.Suppressions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 1 || len(sup) != 1 || sup[0].Address != "ana@example.test" || sup[0].Reason != "wrote to us (one-click unsubscribe token of katuma)" {
		t.Errorf("after SuppressTokens: told %q, list %+v", done, sup)
	}
}

package config

import (
	"net/url"
	"regexp"
	"strings"
)

// DKIM is an instance's DomainKeys Identified Mail signing (RFC 6376): every
// message is signed for Domain with the private key in KeyFile, whose public
// half is published at Selector._domainkey.Domain. The key is a secret: the
// config names the file, never holds the key.
type DKIM struct {
	Domain   string `toml:"domain"`
	Selector string `toml:"selector"`
	KeyFile  string `toml:"key_file"` // PEM, RSA (PKCS #1 or #8) or Ed25519 (PKCS #8)
}

// dnsLabelsRE is a domain name or a selector: dot-separated DNS labels.
var dnsLabelsRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$`)

func (d *DKIM) validate(ps *problems, p string) {
	for _, k := range []struct{ key, val string }{{"domain", d.Domain}, {"selector", d.Selector}} {
		switch {
		case k.val == "":
			ps.add(p, "missing required key %q", k.key)
		case !dnsLabelsRE.MatchString(k.val):
			ps.add(p+"."+k.key, "%q is not a DNS name", k.val)
		}
	}
	if d.KeyFile == "" {
		ps.add(p, "missing required key %q (the file holding the PEM private key)", "key_file")
	}
}

// Aligned reports whether DKIM's domain aligns with the From address's
// domain for DMARC (relaxed alignment, RFC 7489 §3.1.1: the same
// organisational domain; approximated as equal, or one a subdomain of the
// other).
func (d *DKIM) Aligned(fromDomain string) bool {
	a, b := strings.ToLower(d.Domain), strings.ToLower(fromDomain)
	return a == b || strings.HasSuffix(a, "."+b) || strings.HasSuffix(b, "."+a)
}

// UnsubscribeKey names where the unsubscribe token key lives.
func (s *SMTP) UnsubscribeKey() Secret {
	return Secret{Env: s.UnsubscribeKeyEnv, File: s.UnsubscribeKeyFile}
}

// validateUnsubscribe: one-click unsubscribe (RFC 8058) wants an https URL
// that identifies the recipient opaquely, so a URL needs the key that makes
// each recipient's token; the mailto must not be the support address,
// where every message would read as a request.
func (s *SMTP) validateUnsubscribe(ps *problems, p string) {
	if s.UnsubscribeURL != "" {
		if u, err := url.Parse(s.UnsubscribeURL); err == nil && u.Scheme != "https" {
			ps.add(p+".unsubscribe_url", "one-click unsubscribe (RFC 8058) needs an https URL, not %q", s.UnsubscribeURL)
		}
		if s.UnsubscribeKeyEnv == "" && s.UnsubscribeKeyFile == "" {
			ps.add(p, "unsubscribe_url needs unsubscribe_key_env or unsubscribe_key_file: the secret that makes each recipient's token in the URL")
		} else {
			checkSecret(ps, p, "unsubscribe_key", s.UnsubscribeKeyEnv, s.UnsubscribeKeyFile)
		}
	} else if s.UnsubscribeKeyEnv != "" || s.UnsubscribeKeyFile != "" {
		ps.add(p, "unsubscribe_key_env/unsubscribe_key_file without unsubscribe_url: nothing uses the key")
	}
}

// validateMailto refuses an unsubscribe_mailto that is the support address:
// the digest reads mail to it as unsubscribe requests.
func (in *Instance) validateMailto(ps *problems, p string) {
	if in.SMTP != nil && in.SMTP.UnsubscribeMailto != "" && strings.EqualFold(in.SMTP.UnsubscribeMailto, in.Support.Email) {
		ps.add(p+".smtp.unsubscribe_mailto", "%q is the support address: mail to it would all read as unsubscribe requests; give an address of its own", in.SMTP.UnsubscribeMailto)
	}
}

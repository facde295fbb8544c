// Package unsubscribe makes and reads the per-recipient token of one-click
// unsubscribe (RFC 8058): List-Unsubscribe carries an https URL that names
// the recipient opaquely, and whoever receives the POST (or an operator
// with `announce suppress add --token`) turns the token back into the
// address with the instance's key.
//
// A token is the address encrypted deterministically with a synthetic IV
// (the SIV construction of RFC 5297, with HMAC-SHA-256 as its MAC and
// AES-256-CTR as its cipher): iv = HMAC(macKey, address)[:16], then the
// address in AES-CTR under iv, then base64url of version ‖ iv ‖ ciphertext.
// So a token
//   - reveals nothing of the address without the key (not even that two
//     instances' tokens are the same person: each has its own key),
//   - cannot be forged or altered: decoding recomputes the IV from the
//     decrypted address and compares it in constant time,
//   - is the same every time for the same address, so a message rebuilt
//     after a crash, and the dry run, are the same bytes,
//   - decodes with the key alone: no ledger lookup, so it works for the web
//     endpoint that receives the one-click POST as well as for the CLI, and
//     for an address whose delivery record is gone.
//
// Both keys are derived from one secret (at least 16 bytes) by HMAC-SHA-256
// with distinct labels; the secret comes from an environment variable or a
// file, never from the config file.
package unsubscribe

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// version is the first byte of every token, so the scheme can change.
const version = 1

// MinSecret is the shortest secret accepted, in bytes.
const MinSecret = 16

// Key makes and reads the tokens of one instance. It never prints its
// secret.
type Key struct{ mac, enc []byte }

// NewKey derives a Key from secret.
func NewKey(secret []byte) (*Key, error) {
	if len(secret) < MinSecret {
		return nil, fmt.Errorf("unsubscribe key: %d bytes, want at least %d (e.g. openssl rand -base64 32)", len(secret), MinSecret)
	}
	derive := func(label string) []byte {
		h := hmac.New(sha256.New, secret)
		h.Write([]byte("announce unsubscribe v1 " + label))
		return h.Sum(nil)
	}
	return &Key{mac: derive("mac"), enc: derive("enc")}, nil
}

func (k *Key) String() string   { return "unsubscribe.Key(…)" }
func (k *Key) GoString() string { return k.String() }

func (k *Key) iv(addr []byte) []byte {
	h := hmac.New(sha256.New, k.mac)
	h.Write(addr)
	return h.Sum(nil)[:aes.BlockSize]
}

func (k *Key) ctr(iv, in []byte) []byte {
	b, err := aes.NewCipher(k.enc)
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	out := make([]byte, len(in))
	cipher.NewCTR(b, iv).XORKeyStream(out, in)
	return out
}

// Token is address's token: URL-safe, without padding.
func (k *Key) Token(address string) string {
	a := []byte(strings.ToLower(strings.TrimSpace(address)))
	iv := k.iv(a)
	out := append([]byte{version}, iv...)
	out = append(out, k.ctr(iv, a)...)
	return base64.RawURLEncoding.EncodeToString(out)
}

// ErrBadToken is a token this key did not make.
var ErrBadToken = errors.New("not a token of this key (wrong instance or key, or changed)")

// Address turns a token back into the address it was made for.
func (k *Key) Address(token string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(token))
	if err != nil || len(b) < 1+aes.BlockSize+3 || b[0] != version {
		return "", ErrBadToken
	}
	iv, ct := b[1:1+aes.BlockSize], b[1+aes.BlockSize:]
	a := k.ctr(iv, ct)
	if !hmac.Equal(k.iv(a), iv) {
		return "", ErrBadToken
	}
	return string(a), nil
}

// Placeholder in an unsubscribe_url is where the token goes; a URL without
// it gets the token as the query parameter "token".
const Placeholder = "{token}"

// URL puts token into base, the instance's unsubscribe_url.
func URL(base, token string) (string, error) {
	if strings.Contains(base, Placeholder) {
		return strings.ReplaceAll(base, Placeholder, url.QueryEscape(token)), nil
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("unsubscribe_url %q: %w", base, err)
	}
	q := u.Query()
	q.Set("token", token)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// FromURL finds the token in a URL that URL made (or returns s itself when
// it is no URL): an operator may paste either.
func FromURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Scheme == "" {
		return strings.TrimSpace(s)
	}
	if t := u.Query().Get("token"); t != "" {
		return t
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	return parts[len(parts)-1]
}

package dispatch

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/mailer"
	"github.com/openfoodfoundation/announce/internal/unsubscribe"
)

// DKIMFor is the signing of instance in's messages, nil when it has none.
// The key file is read once per run.
func DKIMFor(in *config.Instance) (*mailer.DKIM, error) {
	d := in.DKIM
	if d == nil {
		return nil, nil
	}
	k, err := mailer.LoadDKIMKey(d.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("instance %s dkim: %w", in.Key, err)
	}
	return &mailer.DKIM{Domain: d.Domain, Selector: d.Selector, Key: k}, nil
}

var unsubKeys sync.Map // key file → *unsubscribe.Key

// UnsubscribeKey is the key of instance in's unsubscribe tokens, from the
// environment variable or file its smtp section names.
func UnsubscribeKey(in *config.Instance) (*unsubscribe.Key, error) {
	if in.SMTP == nil {
		return nil, fmt.Errorf("instance %s has no smtp section, so no unsubscribe key", in.Key)
	}
	sec := in.SMTP.UnsubscribeKey()
	if k, ok := unsubKeys.Load(sec.File); ok && sec.Env == "" {
		return k.(*unsubscribe.Key), nil
	}
	var secret string
	switch {
	case sec.Env != "":
		if secret = os.Getenv(sec.Env); secret == "" {
			return nil, fmt.Errorf("instance %s unsubscribe key: environment variable %s is not set", in.Key, sec.Env)
		}
	case sec.File != "":
		b, err := os.ReadFile(sec.File)
		if err != nil {
			if pe, ok := err.(*os.PathError); ok {
				err = pe.Err
			}
			return nil, fmt.Errorf("instance %s unsubscribe key: read %s: %v", in.Key, sec.File, err)
		}
		secret = strings.TrimRight(string(b), "\r\n")
	default:
		return nil, fmt.Errorf("instance %s: no unsubscribe_key_env or unsubscribe_key_file", in.Key)
	}
	k, err := unsubscribe.NewKey([]byte(secret))
	if err != nil {
		return nil, fmt.Errorf("instance %s: %w", in.Key, err)
	}
	if sec.Env == "" {
		unsubKeys.Store(sec.File, k) // read once per run; the environment costs nothing to read again
	}
	return k, nil
}

// unsubscribeURIs are the List-Unsubscribe URIs of one recipient's
// message: the https URL with their token (RFC 8058 one-click), and the
// mailto asking for the subject the digest reads as a request.
func unsubscribeURIs(in *config.Instance, recipientKey string) ([]string, error) {
	s := in.SMTP
	if s == nil {
		return nil, nil
	}
	var uris []string
	if s.UnsubscribeURL != "" {
		k, err := UnsubscribeKey(in)
		if err != nil {
			return nil, err
		}
		u, err := unsubscribe.URL(s.UnsubscribeURL, k.Token(recipientKey))
		if err != nil {
			return nil, fmt.Errorf("instance %s: %w", in.Key, err)
		}
		uris = append(uris, u)
	}
	if s.UnsubscribeMailto != "" {
		uris = append(uris, "mailto:"+s.UnsubscribeMailto+"?subject=unsubscribe") // inbox.UnsubscribeSubject
	}
	return uris, nil
}

// CheckIdentity loads what signing and unsubscribe tokens need for instance
// in (the DKIM key, the unsubscribe key), so that a missing or bad one stops
// a run before anything is recorded or sent, rather than at its first
// message.
func CheckIdentity(in *config.Instance) error {
	if _, err := DKIMFor(in); err != nil {
		return err
	}
	_, err := unsubscribeURIs(in, "check@example.test")
	return err
}

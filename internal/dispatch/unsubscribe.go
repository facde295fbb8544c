package dispatch

import (
	"context"
	"errors"
	"fmt"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/unsubscribe"
)

// UnsubscribeSource is the source of an address suppressed by its
// one-click unsubscribe token (or by its unsubscribe mail).
const UnsubscribeSource = "unsubscribe"

// TokenAddress is the address a one-click unsubscribe token stands for, and
// the instance whose key made it.
type TokenAddress struct{ Address, Instance string }

// Why is the reason the suppression list keeps for it.
func (t TokenAddress) Why() string { return "one-click unsubscribe token of " + t.Instance }

// LoadTokenAddresses is TokenAddresses with the keys of the instances file
// at path, read only when there are tokens.
func LoadTokenAddresses(path string, tokens []string) ([]TokenAddress, error) {
	if len(tokens) == 0 {
		return nil, nil
	}
	inst, err := config.LoadInstances(path)
	if err != nil {
		return nil, err
	}
	return TokenAddresses(inst, tokens)
}

// TokenAddresses turns one-click unsubscribe tokens (or their URLs) back
// into addresses with the unsubscribe key of the instance that made them:
// each instance with an unsubscribe_url is tried, and a token none of them
// decodes is bad input (an *InputError, and no address at all). The token
// is decoded, not looked up: it holds the address encrypted under the
// instance's key (package unsubscribe), so it works whatever the ledger
// holds.
func TokenAddresses(inst *config.Instances, tokens []string) ([]TokenAddress, error) {
	if len(tokens) == 0 {
		return nil, nil
	}
	type keyed struct {
		instance string
		key      *unsubscribe.Key
	}
	var keys []keyed
	var errs []error
	for _, k := range inst.Keys() {
		in := inst.Instances[k]
		if in.SMTP == nil || in.SMTP.UnsubscribeURL == "" {
			continue
		}
		key, err := UnsubscribeKey(in)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		keys = append(keys, keyed{k, key})
	}
	if len(keys) == 0 {
		errs = append(errs, fmt.Errorf("%s: no instance has an unsubscribe_url with a key that loads", inst.File))
		return nil, inputError(errors.Join(errs...))
	}
	var out []TokenAddress
	for _, t := range tokens {
		tok := unsubscribe.FromURL(t)
		found := false
		for _, k := range keys {
			if a, err := k.key.Address(tok); err == nil {
				out = append(out, TokenAddress{Address: a, Instance: k.instance})
				found = true
				break
			}
		}
		if !found {
			errs = append(errs, fmt.Errorf("suppress add --token %s: %w", t, unsubscribe.ErrBadToken))
		}
	}
	if len(errs) > 0 && len(out) < len(tokens) {
		return nil, inputError(errors.Join(errs...))
	}
	return out, nil
}

// SuppressTokens puts the addresses of decoded tokens on the suppression
// list, as their owners' one-click unsubscribe; reason, when not empty, is
// the operator's and comes first. done is told of each once it is recorded.
func SuppressTokens(ctx context.Context, l *ledger.Ledger, byToken []TokenAddress, reason string, done func(TokenAddress)) error {
	for _, t := range byToken {
		why := t.Why()
		if reason != "" {
			why = reason + " (" + why + ")"
		}
		if err := l.Suppress(ctx, t.Address, why, UnsubscribeSource); err != nil {
			return err
		}
		done(t)
	}
	return nil
}

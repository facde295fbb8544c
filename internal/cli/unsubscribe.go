package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/unsubscribe"
)

type tokenAddress struct{ address, reason string }

// tokenAddresses turns one-click unsubscribe tokens (or their URLs) back
// into addresses with the unsubscribe key of the instance that made them:
// each instance with an unsubscribe_url is tried, and a token none of them
// decodes is bad input. The token is decoded, not looked up: it holds the
// address encrypted under the instance's key (package unsubscribe), so it
// works whatever the ledger holds.
func tokenAddresses(cmd *cobra.Command, tokens []string) ([]tokenAddress, error) {
	if len(tokens) == 0 {
		return nil, nil
	}
	path := "config/instances.toml"
	if f := cmd.Flag("instances"); f != nil {
		path = f.Value.String()
	}
	inst, err := config.LoadInstances(path)
	if err != nil {
		return nil, err
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
		key, err := dispatch.UnsubscribeKey(in)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		keys = append(keys, keyed{k, key})
	}
	if len(keys) == 0 {
		errs = append(errs, fmt.Errorf("%s: no instance has an unsubscribe_url with a key that loads", inst.File))
		return nil, badInput(errors.Join(errs...))
	}
	var out []tokenAddress
	for _, t := range tokens {
		tok := unsubscribe.FromURL(t)
		found := false
		for _, k := range keys {
			if a, err := k.key.Address(tok); err == nil {
				out = append(out, tokenAddress{a, "one-click unsubscribe token of " + k.instance})
				found = true
				break
			}
		}
		if !found {
			errs = append(errs, fmt.Errorf("suppress add --token %s: %w", t, unsubscribe.ErrBadToken))
		}
	}
	if len(errs) > 0 && len(out) < len(tokens) {
		return nil, badInput(errors.Join(errs...))
	}
	return out, nil
}

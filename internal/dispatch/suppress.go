package dispatch

import (
	"context"
	"fmt"
	"net/mail"

	"github.com/openfoodfoundation/announce/internal/ledger"
)

// SuppressSource is the source of an address an operator suppressed.
const SuppressSource = "operator"

// CheckAddresses refuses anything but bare email addresses ("ana@x.test",
// not "Ana <ana@x.test>"): the suppression list matches addresses exactly.
func CheckAddresses(addrs []string) error {
	for _, a := range addrs {
		if addr, err := mail.ParseAddress(a); err != nil || addr.Address != a {
			return inputError(fmt.Errorf("%q is not a bare email address", a))
		}
	}
	return nil
}

// Suppress puts addrs on the suppression list with reason, as the
// operator's decision; done is told of each address once it is recorded.
func Suppress(ctx context.Context, l *ledger.Ledger, addrs []string, reason string, done func(string)) error {
	if err := CheckAddresses(addrs); err != nil {
		return err
	}
	for _, a := range addrs {
		if err := l.Suppress(ctx, a, reason, SuppressSource); err != nil {
			return err
		}
		done(a)
	}
	return nil
}

// Unsuppress takes addrs off the suppression list; done is told of each.
func Unsuppress(ctx context.Context, l *ledger.Ledger, addrs []string, done func(string)) error {
	for _, a := range addrs {
		if err := l.Unsuppress(ctx, a); err != nil {
			return err
		}
		done(a)
	}
	return nil
}

// Suppressions lists the suppressed addresses; none with l nil (no ledger).
func Suppressions(ctx context.Context, l *ledger.Ledger) ([]ledger.Suppression, error) {
	if l == nil {
		return nil, nil
	}
	return l.Suppressions(ctx)
}

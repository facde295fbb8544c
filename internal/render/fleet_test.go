package render

import (
	"errors"
	"io"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/recipients"
)

// The shipped example is a fleet one can dry-run safely and learn from: each
// instance's recipients reach every locale it offers and each kind of
// fallback (no locale, a locale not offered, and en), and every address, in
// the recipients and the config, is on a reserved domain.
func TestShippedFleetRecipients(t *testing.T) {
	r, inst, sched := shipped(t)
	reserved := func(addr string) bool {
		a, err := mail.ParseAddress(addr)
		if err != nil {
			return false
		}
		return strings.HasSuffix(a.Address, ".test") || strings.HasSuffix(a.Address, ".example")
	}
	for _, key := range inst.Keys() {
		in := inst.Instances[key]
		for _, addr := range []string{in.From, in.Support.Email} {
			if !reserved(addr) {
				t.Errorf("%s: address %q is not on a reserved domain (.test, .example)", key, addr)
			}
		}
		w, ok := sched.Window(key)
		if !ok {
			t.Errorf("%s: no window in the shipped schedule", key)
			continue
		}
		p, err := r.Prepare(Job{Schedule: sched, Instance: in, Window: w, Notice: config.Announce})
		if err != nil {
			t.Errorf("Prepare(%s): %v", key, err)
			continue
		}
		rd, err := recipients.Open(filepath.Join("../..", in.Recipients))
		if err != nil {
			t.Fatal(err)
		}
		reached := map[string]bool{}
		fallbacks := map[Fallback]bool{}
		hasEN := false
		for {
			rcp, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Errorf("%s: %v", in.Recipients, err)
				continue
			}
			if !reserved(rcp.Email) {
				t.Errorf("%s:%d: %s is not on a reserved domain (.test, .example)", in.Recipients, rcp.Line, rcp.Email)
			}
			ed, fb := p.EditionFor(rcp.Locale)
			fallbacks[fb] = true
			if fb == OwnLocale {
				reached[ed.Locale()] = true
			}
			hasEN = hasEN || rcp.Locale == "en"
		}
		rd.Close()
		for _, ed := range p.Editions() {
			if !reached[ed.Locale()] {
				t.Errorf("%s: no reader of %s in %s", key, ed.Locale(), in.Recipients)
			}
		}
		if !fallbacks[NoLocale] || !fallbacks[NotOffered] || !hasEN {
			t.Errorf("%s: %s lacks a fallback case (no locale %v, not offered %v, en %v)", key, in.Recipients, fallbacks[NoLocale], fallbacks[NotOffered], hasEN)
		}
	}
}

package dispatch

import (
	"fmt"
	"net/mail"
	"strings"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/mailer"
)

// SendingWarnings are checkSending's warnings for every instance of the
// rollout (every instance when sched is nil), for check to print.
func SendingWarnings(inst *config.Instances, sched *config.Schedule) []string {
	var out []string
	for _, key := range inst.Keys() {
		if sched != nil {
			if _, ok := sched.Window(key); !ok {
				continue // not part of this rollout
			}
		}
		w, _ := checkSending(inst, inst.Instances[key])
		out = append(out, w...)
	}
	return out
}

// checkSending looks at what makes an instance's mail pass SPF, DKIM and
// DMARC: a DKIM key that loads (the error), and warnings ("file:line: key:
// warning: …", for check to print, not to count) for an instance that sends
// without DKIM, or with a signing domain or return path that does not align
// with From.
func checkSending(inst *config.Instances, in *config.Instance) (warnings []string, err error) {
	if in.SMTP == nil {
		return nil, nil
	}
	warn := func(key, format string, args ...any) {
		warnings = append(warnings, fmt.Sprintf("%s:%d: %s: warning: %s", inst.File, inst.Line(key), key, fmt.Sprintf(format, args...)))
	}
	p := "instances." + in.Key
	from, err := mail.ParseAddress(in.From)
	if err != nil {
		return nil, nil // reported by the config's validation
	}
	fromDomain := strings.ToLower(mailer.Domain(from))
	if in.DKIM == nil {
		warn(p, "sends bulk mail without [%s.dkim]: Gmail, Yahoo and Microsoft require DKIM or SPF aligned with From (%s) from bulk senders, and DMARC rejects the rest (see the README, \"SPF, DKIM and DMARC\")", p, fromDomain)
	} else {
		if _, err := DKIMFor(in); err != nil {
			return warnings, fmt.Errorf("%s:%d: %s.dkim.key_file: %w", inst.File, inst.Line(p+".dkim.key_file"), p, err)
		}
		if !in.DKIM.Aligned(fromDomain) {
			warn(p+".dkim.domain", "%q does not align with From's domain %q: the signature passes DKIM but not DMARC", in.DKIM.Domain, fromDomain)
		}
	}
	if rp := in.SMTP.ReturnPath; rp != "" {
		if a, err := mail.ParseAddress(rp); err == nil {
			if d := strings.ToLower(mailer.Domain(a)); !(&config.DKIM{Domain: d}).Aligned(fromDomain) {
				warn(p+".smtp.return_path", "%q is not in From's domain %q: SPF checks the return path, so SPF cannot align for DMARC and only DKIM can pass it", rp, fromDomain)
			}
		}
	}
	return warnings, nil
}

package config

import "strings"

// ofnTLS explains an SMTP tls value that reads like OFN's, not announce's.
// OFN's MAIL_SECURE_CONNECTION says "TLS" for STARTTLS and "SSL" for
// implicit TLS, while announce's tls = "tls" is implicit TLS: a value
// copied over would fail the handshake, or worse, go to the wrong port. It
// returns the problem and the value the operator meant, or ok false.
//
// Only announce's own spelling, lower-case "tls", means implicit TLS; on
// port 587, the STARTTLS port, it is taken for a copied OFN value too.
func ofnTLS(tls string, port int) (problem, meant string, ok bool) {
	switch {
	case strings.EqualFold(tls, "ssl"):
		return `"` + tls + `" is OFN's MAIL_SECURE_CONNECTION for implicit TLS (port 465); announce writes it tls = "tls"`, "tls", true
	case strings.EqualFold(tls, "tls") && tls != "tls":
		return `"` + tls + `" is OFN's MAIL_SECURE_CONNECTION for STARTTLS (port 587); announce writes it tls = "starttls" (announce's "tls" is implicit TLS, port 465)`, "starttls", true
	case tls == "tls" && port == 587:
		return `"tls" is implicit TLS, but port 587 speaks STARTTLS (what OFN's MAIL_SECURE_CONNECTION = TLS means): write tls = "starttls", or port = 465 for implicit TLS`, "starttls", true
	}
	return "", "", false
}

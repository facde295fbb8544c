package inbox

import (
	"strings"
	"unicode/utf8"

	"github.com/openfoodfoundation/announce/internal/msgid"
)

// Hand scanners for what bounces and replies carry in free text: status
// codes, addresses, Message-IDs. They look at each byte a bounded number of
// times; Go's regexp has no DFA, so a pattern without a literal prefix, or
// with counted repetitions, costs a multiple of that on long hostile text.

// statusInText finds the enhanced status code a report gives and the line it
// is on: first one that follows an SMTP reply code of the same class ("550
// 5.1.1", "550-5.1.1", "#550 5.1.1"), else qmail's "(#5.1.1)", else the first
// code, else a bare reply code ("said: 550 …") as class.0.0. lower is
// asciiLower(s).
func statusInText(s, lower string) (code, line string) {
	codes := statusCodes(s, 50)
	for _, c := range codes {
		if c.reply {
			return c.code, lineAt(s, c.at)
		}
	}
	for _, c := range codes {
		if c.hash {
			return c.code, lineAt(s, c.at)
		}
	}
	if len(codes) > 0 {
		return codes[0].code, lineAt(s, codes[0].at)
	}
	if m := replyCodeRE.FindStringSubmatchIndex(lower); m != nil {
		return s[m[2]:m[3]] + ".0.0", lineAt(s, m[2])
	}
	return "", ""
}

type statusCode struct {
	code  string // "5.1.1"
	at    int
	reply bool // after a basic reply code of the same class
	hash  bool // after "#"
}

// statusCodes returns up to n RFC 3463 codes of class 4 or 5 in s: a hand
// scan, as the text can be long and patterns without a literal prefix are
// slow in Go's regexp.
func statusCodes(s string, n int) []statusCode {
	var out []statusCode
	for i := 0; i+4 < len(s) && len(out) < n; i++ {
		if s[i] != '4' && s[i] != '5' || s[i+1] != '.' || i > 0 && (isDigit(s[i-1]) || s[i-1] == '.') {
			continue
		}
		// The subject is one digit, 0 to 7 (RFC 3463 defines no other), so
		// "Exim 4.92.3" is no status.
		k := i + 3
		if s[i+2] < '0' || s[i+2] > '7' || s[k] != '.' {
			continue
		}
		l := digitsAt(s, k+1)
		if l == k+1 || l-k-1 > 3 || l < len(s) && (isDigit(s[l]) || s[l] == '.') {
			continue
		}
		c := statusCode{code: s[i:l], at: i}
		p := i
		if p > 0 && s[p-1] == '#' {
			c.hash = true
			p--
		}
		q := p
		for q > 0 && (s[q-1] == ' ' || s[q-1] == '-') {
			q--
		}
		if q < p && q >= 3 && s[q-3] == s[i] && isDigit(s[q-2]) && isDigit(s[q-1]) && (q == 3 || !isDigit(s[q-4])) {
			c.reply = true
		}
		out = append(out, c)
		i = l - 1
	}
	return out
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func digitsAt(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// lineAt returns the line of s holding byte i, with the indented lines that
// continue it (Exim and Postfix wrap the server's reply), on one line.
func lineAt(s string, i int) string {
	start := strings.LastIndexByte(s[:i], '\n') + 1
	end := start
	for n := 0; n < 4 && end < len(s); n++ {
		if n > 0 && s[end] != ' ' && s[end] != '\t' {
			break
		}
		j := strings.IndexByte(s[end:], '\n')
		if j < 0 {
			end = len(s)
			break
		}
		end += j + 1
	}
	return strings.Join(strings.Fields(s[start:end]), " ")
}

// bracketedIDs returns up to n "<left@right>" tokens of s without their
// brackets. It scans by hand, each byte once: see addrsIn.
func bracketedIDs(s string, n int) []string {
	var ids []string
	for i := 0; i < len(s) && len(ids) < n; {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			break
		}
		start := i + lt + 1
		j := start
		for j < len(s) && j-start <= 500 && !isIDStop(s[j]) {
			j++
		}
		if j < len(s) && s[j] == '>' && j > start {
			if id := s[start:j]; strings.Contains(id, "@") {
				ids = append(ids, id)
			}
			j++
		}
		i = max(j, start)
	}
	return ids
}

func isIDStop(c byte) bool {
	return c <= ' ' || c == '<' || c == '>' || c == '"' || c == 0x7f
}

// ourIDsIn returns up to n of our Message-IDs written in s without brackets
// (Exchange's "Original message headers:" as HTML, qmail's pasted copy).
func ourIDsIn(s string, n int) []string {
	var ids []string
	tries := 0
	for _, notice := range notices {
		lit := "." + notice + "."
		for i := 0; i < len(s) && len(ids) < n && tries < 20*n; tries++ {
			k := strings.Index(s[i:], lit)
			if k < 0 {
				break
			}
			k += i
			l := k
			for l > 0 && k-l < 64 && isKeyByte(s[l-1]) {
				l--
			}
			r := k + len(lit)
			for r < len(s) && r-k < 400 && (isKeyByte(s[r]) || s[r] == '.' || s[r] == '@') {
				r++
			}
			if id := strings.TrimRight(s[l:r], ".-"); l < k {
				if _, ok := ParseMessageID(id); ok {
					ids = append(ids, id)
				}
			}
			i = k + 1
		}
	}
	return ids
}

func isKeyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// addrsIn returns up to n addresses found in prose, in order: good enough to
// pull one out of "Remote Server returned …" or "<x@y>:", not a validator. A
// hand scan rather than a regular expression: each byte is looked at a
// bounded number of times, where a pattern with counted repetitions costs
// its count per byte on long text.
func addrsIn(s string, n int) []string {
	var out []string
	for i := 0; i < len(s) && len(out) < n; {
		at := strings.IndexByte(s[i:], '@')
		if at < 0 {
			break
		}
		at += i
		l := at
		for l > 0 && at-l < 64 && isLocalByte(s[l-1]) {
			l--
		}
		r := at + 1
		for r < len(s) && r-at <= 253 && isDomainByte(s[r]) {
			r++
		}
		local := strings.TrimLeft(s[l:at], ".")
		domain := strings.TrimRight(s[at+1:r], ".-")
		if local != "" && msgid.ValidDomain(domain) && utf8.ValidString(s[l:r]) {
			out = append(out, local+"@"+domain)
		}
		i = at + 1
	}
	return out
}

func firstAddr(s string) string {
	if a := addrsIn(s, 1); len(a) > 0 {
		return a[0]
	}
	return ""
}

func isLocalByte(c byte) bool {
	return c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) >= 0
}

func isDomainByte(c byte) bool {
	return c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.'
}

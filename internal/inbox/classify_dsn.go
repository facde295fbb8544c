package inbox

import (
	"regexp"
	"strings"
)

// The machine-readable part of a standard bounce (RFC 3464): a
// message/delivery-status body of header-like blocks separated by blank
// lines, one for the message (Reporting-MTA, Arrival-Date…), then one per
// recipient (Final-Recipient, Action, Status, Diagnostic-Code…).

type dsnRecipient struct{ recipient, action, status, diagnostic string }

// maxDSNBlocks bounds the per-recipient blocks read from one report.
const maxDSNBlocks = 100

// parseDSN reads the per-recipient blocks of a message/delivery-status body.
func parseDSN(body []byte) []dsnRecipient {
	if len(body) > maxScan {
		body = body[:maxScan]
	}
	text := strings.ReplaceAll(toUTF8(body, ""), "\r\n", "\n")
	var rs []dsnRecipient
	for _, blk := range splitBlocks(text) {
		if len(rs) >= maxDSNBlocks {
			break
		}
		h, _ := parseHeader([]byte(blk))
		r := dsnRecipient{
			recipient:  dsnAddress(h.get("Final-Recipient")),
			action:     strings.ToLower(firstWord(h.get("Action"))),
			diagnostic: dsnDiagnostic(h.get("Diagnostic-Code")),
		}
		if r.recipient == "" {
			r.recipient = dsnAddress(h.get("Original-Recipient"))
		}
		if r.recipient == "" {
			r.recipient = dsnAddress(h.get("X-Actual-Recipient"))
		}
		if cs := statusCodes(h.get("Status"), 1); cs != nil {
			r.status = cs[0].code
		}
		if r.recipient == "" && r.action == "" && r.status == "" {
			continue // the per-message block
		}
		rs = append(rs, r)
	}
	return rs
}

// pickDSN returns the first failed recipient, else the first delayed one,
// else the first with a failure status and no action, and how many failed.
func pickDSN(rs []dsnRecipient) (*dsnRecipient, int) {
	var pick *dsnRecipient
	failed := 0
	for i := range rs {
		if rs[i].action == "failed" {
			failed++
			if pick == nil || pick.action != "failed" {
				pick = &rs[i]
			}
		}
	}
	if pick != nil {
		return pick, failed
	}
	for i := range rs {
		if rs[i].action == "delayed" || rs[i].action == "" && rs[i].status != "" {
			return &rs[i], 1
		}
	}
	return nil, 0
}

func splitBlocks(s string) []string {
	var blocks []string
	var cur strings.Builder
	for line := range strings.Lines(s) {
		if strings.TrimSpace(line) == "" {
			if cur.Len() > 0 {
				blocks = append(blocks, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteString(line)
	}
	if cur.Len() > 0 {
		blocks = append(blocks, cur.String())
	}
	return blocks
}

// dsnAddress returns the address of "rfc822; x@y" (or of a bare value).
func dsnAddress(v string) string {
	if _, a, ok := strings.Cut(v, ";"); ok {
		v = a
	}
	v = strings.Trim(strings.TrimSpace(v), "<>")
	if strings.ContainsAny(v, " \t") {
		if a := firstAddr(v); a != "" {
			return a
		}
	}
	return v
}

// dsnDiagnostic drops the diagnostic type: "smtp; 550 …" is "550 …".
func dsnDiagnostic(v string) string {
	if t, rest, ok := strings.Cut(v, ";"); ok && len(t) < 20 && !strings.ContainsAny(t, " \t") {
		v = rest
	}
	return strings.TrimSpace(v)
}

// continuedCodeRE is the reply code that starts each line of a multi-line
// SMTP reply ("550-5.1.1 …", "550 5.1.1 …"), kept in Diagnostic-Code.
var continuedCodeRE = regexp.MustCompile(`\s[245]\d\d[ -][245]\.\d{1,3}\.\d{1,3}\s`)

// cleanDiagnostic puts a server's reply on one line without the codes
// repeated on each of its lines, at most 500 bytes.
func cleanDiagnostic(d string) string {
	d = " " + strings.Join(strings.Fields(d), " ") + " "
	if locs := continuedCodeRE.FindAllStringIndex(d, 20); len(locs) > 1 {
		var b strings.Builder
		b.WriteString(d[:locs[1][0]])
		for k := 1; k < len(locs); k++ {
			end := len(d)
			if k+1 < len(locs) {
				end = locs[k+1][0]
			}
			b.WriteString(" ")
			b.WriteString(d[locs[k][1]:end])
		}
		d = b.String()
	}
	d = strings.Join(strings.Fields(d), " ")
	return strings.ToValidUTF8(truncateText(d, 500), "")
}

package digest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func sample() Report {
	madrid, _ := time.LoadLocation("Europe/Madrid")
	at := func(d, h int) time.Time { return time.Date(2019, 4, d, h, 0, 0, 0, time.UTC) }
	rep := Report{
		Instance: "katuma", Name: "Katuma", Zone: madrid, Mailbox: "INBOX", Campaign: "ofn-v2-2019",
		Generated: at(30, 12),
		Counts:    Counts{Sent: 6, Replies: 3, AutoReplies: 1, HardBounces: 2, SoftBounces: 1, Complaints: 1, AlsoInInbox: 2, Unrelated: 7},
		Suppressed: []Suppressed{
			{Address: "zoe@example.test", Reason: "bounce <b2@mx.test>: 5.1.1 user unknown"},
			{Address: "ana@example.test", Reason: "bounce <b1@mx.test>: 5.2.2 mailbox full"},
		},
		Replies: []Reply{
			{From: "Answered Old <old@example.test>", Date: at(28, 9), Subject: "Re: x", Text: "done", Answered: true},
			{From: "Newer <newer@example.test>", Locale: "es", Date: at(30, 9), Subject: "Re: y", Text: "second"},
			{From: `Mallory <m@example.test>`, Locale: "ca", Date: at(29, 9),
				Subject: "Re: <script>alert(1)</script> *bold* \x1b[31mred",
				Text:    "line <b>one</b> & [link](http://x)\n\n\n\n# heading\n" + strings.Repeat("long line\n", 20)},
		},
		AlsoInInbox: []Message{
			{From: "Proveidor <factures@proveidor.test>", Date: at(30, 8), Subject: "Factura <b>de maig</b>", Answered: true},
			{From: "Joan <joan@example.test>", Date: at(29, 8), Subject: "No puc entrar a la botiga"},
		},
	}
	r := &rep
	dmarc := "550 5.7.26 Unauthenticated email from katuma.test is not accepted due to domain's DMARC policy."
	r.AddProblem("authfailure", "5.7.26", dmarc, "eva@example.test", at(30, 7))
	r.AddProblem("authfailure", "5.7.26", dmarc, "fina@example.test", at(30, 8))
	r.AddProblem("authfailure", "5.7.26", dmarc, "eva@example.test", at(30, 6))
	r.AddProblem("blocked", "5.7.1", "554 5.7.1 Client host [192.0.2.10] blocked using zen.spamhaus.org <script>", "gil@example.test", at(29, 7))
	return rep
}

func render(t *testing.T, f Format) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, f, []Report{sample()}); err != nil {
		t.Fatalf("Write(%s): %v", f, err)
	}
	return b.String()
}

// Unanswered replies come first, oldest first, then the answered ones.
func TestSortUnansweredOldestFirst(t *testing.T) {
	r := sample()
	r.Sort()
	var got []string
	for _, p := range r.Replies {
		got = append(got, p.From[:3])
	}
	if want := []string{"Mal", "New", "Ans"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("order = %v, want %v", got, want)
	}
	if r.Suppressed[0].Address != "ana@example.test" {
		t.Errorf("suppressed not sorted by address: %v", r.Suppressed)
	}
}

func TestText(t *testing.T) {
	out := render(t, Text)
	for _, want := range []string{
		"Katuma (katuma), INBOX: new since the last digest",
		"sent 6 · replies 3 · auto-replies 1 · hard bounces 2 · soft bounces 1 · complaints 1 · also in the inbox 2 · unrelated 7",
		"!!! PROBLEM OF OURS: 3 address(es) refused our mail",
		"    authfailure 5.7.26, last Tue 2019-04-30 10:00 CEST (eva@example.test, fina@example.test):\n      550 5.7.26 Unauthenticated email from katuma.test",
		"Also in the inbox (2), mail from people that answers no notice:\n    Mon 2019-04-29 10:00 CEST  Joan <joan@example.test>  (unanswered)\n      Subject: No puc entrar a la botiga",
		"ana@example.test: bounce <b1@mx.test>: 5.2.2 mailbox full",
		"Replies (3, 2 unanswered)",
		"Mon 2019-04-29 11:00 CEST  Mallory <m@example.test> [ca]  (unanswered)", // Madrid time
		"| line <b>one</b> & [link](http://x)\n    | \n    | # heading",
		" …\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text digest lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("text digest passes an escape sequence through:\n%q", out)
	}
	if strings.Index(out, "Mallory") > strings.Index(out, "Answered Old") {
		t.Errorf("answered reply listed before an unanswered one:\n%s", out)
	}
}

func TestHTMLEscapesEverything(t *testing.T) {
	out := render(t, HTML)
	for _, bad := range []string{"<script>", "<b>one</b>"} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML digest holds %q unescaped:\n%s", bad, out)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "line &lt;b&gt;one&lt;/b&gt; &amp; [link]", "<strong>unanswered</strong>", "Mon 2019-04-29 11:00 CEST",
		"PROBLEM OF OURS", "<strong>authfailure 5.7.26</strong>", "zen.spamhaus.org &lt;script&gt;", "Also in the inbox (2)", "Factura &lt;b&gt;de maig&lt;/b&gt;"} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML digest lacks %q:\n%s", want, out)
		}
	}
}

func TestMarkdownEscapes(t *testing.T) {
	out := render(t, Markdown)
	for _, want := range []string{`Subject: Re: &lt;script&gt;alert(1)&lt;/script&gt; \*bold\*`, `> line &lt;b&gt;one&lt;/b&gt; &amp; \[link\](http://x)`, `> \# heading`, "| 6 | 3 | 1 | 2 | 1 | 1 | 2 | 7 |", "### ⚠ PROBLEM OF OURS", "- **authfailure 5.7.26**", "### Also in the inbox (2)",
		`Factura &lt;b&gt;de maig&lt;/b&gt;`} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown digest lacks %q:\n%s", want, out)
		}
	}
}

func TestJSON(t *testing.T) {
	out := render(t, JSON)
	var got jsonReport
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("json.Unmarshal(%s): %v", out, err)
	}
	if got.Counts.HardBounces != 2 || got.Unanswered != 2 || len(got.Replies) != 3 || got.Replies[0].Locale != "ca" || len(got.Suppressed) != 2 {
		t.Errorf("JSON digest = %+v", got)
	}
	if len(got.Problems) != 2 || len(got.Problems[0].Addresses) != 2 || got.Problems[0].Reason != "authfailure" || len(got.AlsoInInbox) != 2 ||
		got.Counts.AlsoInInbox != 2 || got.Counts.Complaints != 1 {
		t.Errorf("JSON digest problems %+v, also in the inbox %+v, counts %+v", got.Problems, got.AlsoInInbox, got.Counts)
	}
	if got.Replies[0].Date.Format("-07:00") != "+02:00" {
		t.Errorf("reply date %v is not in the instance's zone", got.Replies[0].Date)
	}
}

func TestEmpty(t *testing.T) {
	r := Report{Instance: "katuma", Name: "Katuma", Mailbox: "INBOX", Campaign: "c", Counts: Counts{Sent: 4}}
	var b bytes.Buffer
	if err := Write(&b, Text, []Report{r}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "nothing new (4 sent in c)") {
		t.Errorf("empty digest = %q", b.String())
	}
}

func TestExcerpt(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a\n\n\n\nb\n", "a\n\nb"},
		{"  \n\nhola\n", "hola"},
		{strings.Repeat("x\n", 10), strings.TrimSuffix(strings.Repeat("x\n", 8), "\n") + " …"},
		{strings.Repeat("é", 500), strings.Repeat("é", 400) + " …"},
	} {
		if got := excerpt(tc.in); got != tc.want {
			t.Errorf("excerpt(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"text", "markdown", "html", "json"} {
		if f, err := ParseFormat(s); err != nil || string(f) != s {
			t.Errorf("ParseFormat(%q) = %q, %v", s, f, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("ParseFormat(xml) succeeded")
	}
}

// A suspicious bounce (one naming an address its Message-ID never went to)
// is listed apart from the suppressions, in every format, escaped.
func TestSuspicious(t *testing.T) {
	r := sample()
	r.Suspicious = []Suppressed{{Address: "eva@example.test", Reason: "bounce quoting Message-ID <a.b@katuma.test>, which the ledger has no delivery of to eva@example.test: not suppressed"}}
	for _, tt := range []struct {
		f    Format
		want string
	}{
		{Text, "Suspicious bounces, not suppressed (1):\n    eva@example.test: bounce quoting Message-ID <a.b@katuma.test>"},
		{Markdown, "### Suspicious bounces, not suppressed (1)\n\n- eva@example.test: bounce quoting Message-ID &lt;a.b@katuma.test&gt;"},
		{HTML, "<h3>Suspicious bounces, not suppressed (1)</h3>\n<ul>\n<li>eva@example.test: bounce quoting Message-ID &lt;a.b@katuma.test&gt;"},
		{JSON, `"suspicious":[{"address":"eva@example.test","reason":"bounce quoting Message-ID <a.b@katuma.test>`},
	} {
		var b bytes.Buffer
		if err := Write(&b, tt.f, []Report{r}); err != nil {
			t.Fatalf("Write(%s): %v", tt.f, err)
		}
		if !strings.Contains(b.String(), tt.want) {
			t.Errorf("%s digest lacks %q:\n%s", tt.f, tt.want, b.String())
		}
	}
	if !strings.Contains(render(t, JSON), `"suppressed"`) || strings.Contains(render(t, JSON), `"suspicious"`) {
		t.Errorf("JSON without suspicious bounces has the key: %s", render(t, JSON))
	}
}

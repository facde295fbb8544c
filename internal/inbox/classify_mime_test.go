package inbox

import (
	"os"
	"strings"
	"testing"
)

func TestBestTextCharsets(t *testing.T) {
	for _, tc := range []struct {
		name, ctype, cte, body, want string
	}{
		{"ISO-8859-1", "text/plain; charset=ISO-8859-1", "8bit", "Caf\xe9 i pa amb tom\xe0quet", "Café i pa amb tomàquet"},
		{"latin1 label", "text/plain; charset=latin1", "", "Adi\xf3s", "Adiós"},
		{"ISO-8859-15 euro", "text/plain; charset=iso-8859-15", "", "5 \xa4", "5 €"},
		{"windows-1252 quotes", "text/plain; charset=windows-1252", "quoted-printable", "it=92s =93fine=94", "it’s “fine”"},
		{"cp1252 label", "text/plain; charset=\"cp1252\"", "", "\x85", "…"},
		{"UTF-8 base64", "text/plain; charset=utf-8", "base64", "RMOpasOgIHZ1", "Déjà vu"},
		{"no charset, 8-bit Latin-1", "text/plain", "", "D\xe9j\xe0", "Déjà"},
		{"unknown charset, UTF-8 bytes", "text/plain; charset=x-unknown", "", "Déjà", "Déjà"},
		{"unknown charset, Latin-1 bytes", "text/plain; charset=x-unknown", "", "D\xe9j\xe0", "Déjà"},
		{"UTF-8 label, Latin-1 bytes", "text/plain; charset=utf-8", "", "D\xe9j\xe0", "Déjà"},
		{"HTML only", "text/html; charset=iso-8859-1", "quoted-printable", "<p>Bon=20dia</p><p>Gr=E0cies</p>", "Bon dia\n\nGràcies"},
		{"bad base64", "text/plain; charset=utf-8", "base64", "SG9s!!YQ\n==garbage", "Hola"},
		{"base64 without padding", "text/plain", "base64", "SG9sYQ", "Hola"},
		{"bad quoted-printable", "text/plain", "quoted-printable", "a=ZZb=\nc=4", "a=ZZbc=4"},
		{"broken Content-Type", "text/plain; charset=\"utf-8; format=flowed", "", "Hola", "Hola"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := "From: a@b.test\nContent-Type: " + tc.ctype + "\nContent-Transfer-Encoding: " + tc.cte + "\n\n" + tc.body
			if got := strings.TrimSpace(bestText(parse([]byte(raw)))); got != tc.want {
				t.Errorf("bestText(%s, %q) = %q, want %q", tc.ctype, tc.body, got, tc.want)
			}
		})
	}
}

func TestDecodeHeader(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"=?iso-8859-1?Q?Resposta_autom=E0tica?=", "Resposta automàtica"},
		{"=?UTF-8?B?UsOpcG9uc2UgYXV0b21hdGlxdWU=?=", "Réponse automatique"},
		{"=?windows-1252?Q?RE:_=93Mantenimiento=94?=", "RE: “Mantenimiento”"},
		{"=?iso-8859-15?Q?5_=A4?= =?utf-8?q?_y_m=C3=A1s?=", "5 € y más"},
		{"=?x-unknown?Q?abc?=", "abc"},
		{"Re: Caf\xe9", "Re: Café"}, // raw 8-bit Latin-1
		{"=?utf-8?q?broken", "=?utf-8?q?broken"},
	} {
		if got := decodeHeader(tc.in); got != tc.want {
			t.Errorf("decodeHeader(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseMultipart(t *testing.T) {
	for _, tc := range []struct {
		name, raw, want string
	}{
		{"CRLF", "Content-Type: multipart/mixed; boundary=b\r\n\r\npreamble\r\n--b\r\nContent-Type: text/plain\r\n\r\none\r\n--b\r\nContent-Type: text/plain\r\n\r\ntwo\r\n--b--\r\nepilogue\r\n", "one\ntwo"},
		{"no close delimiter", "Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo", "one\ntwo"},
		{"lost boundary parameter", "Content-Type: multipart/alternative\n\n--xyz\nContent-Type: text/plain\n\nplain\n--xyz\nContent-Type: text/html\n\n<b>html</b>\n--xyz--\n", "plain"},
		{"a longer boundary sharing the prefix", "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=b-inner\n\n--b-inner\nContent-Type: text/plain\n\ninner\n--b-inner--\n--b--\n", "inner"},
		{"attachment skipped", "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nbody\n--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=notes.txt\n\nattached\n--b--\n", "body"},
		{"empty plain prefers HTML", "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\n \n--b\nContent-Type: text/html\n\n<p>html</p>\n--b--\n", "html"},
		{"alternative with related HTML", "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: multipart/related; boundary=r\n\n--r\nContent-Type: text/html\n\n<p>rel</p>\n--r--\n--b--\n", "rel"},
		{"header garbage is skipped", "From a@b Tue Apr 30 2019\nnot a header\nSubject: x\n\nbody\n", "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.TrimSpace(bestText(parse([]byte(tc.raw)))); got != tc.want {
				t.Errorf("bestText = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBestTextKeepsTheQuote(t *testing.T) {
	raw, err := os.ReadFile("testdata/corpus/reply-es-html-only.eml")
	if err != nil {
		t.Fatal(err)
	}
	got := BestText(raw)
	for _, want := range []string{"Buenos días:", "El 30/04/2019 9:00, Katuma escribió:", "> Hola, Ana García:"} {
		if !strings.Contains(got, want) {
			t.Errorf("BestText(reply-es-html-only.eml) = %q, want %q in it", got, want)
		}
	}
}

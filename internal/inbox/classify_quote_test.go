package inbox

import (
	"strings"
	"testing"
)

func TestStripQuoted(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"en Gmail", "Thanks, noted.\n\nOn Tue, Apr 30, 2019 at 9:00 AM Katuma <noreply@katuma.test> wrote:\n\n> Hello,\n> maintenance on Tuesday.\n", "Thanks, noted."},
		{"en Gmail wrapped", "Fine by us.\n\nOn Thu, Jun 6, 2019 at 10:00 AM Open Food Network Canada <\nnoreply@ca.openfoodnetwork.test> wrote:\n\n> Hello Sam,\n", "Fine by us."},
		{"en Apple Mail", "OK\n\n> On 30 Apr 2019, at 09:00, Katuma <noreply@katuma.test> wrote:\n> \n> Hello\n", "OK"},
		{"ca Gmail", "D'acord, gràcies.\n\nEl dt., 30 d’abr. 2019 a les 9:00, Katuma (<noreply@katuma.test>) va\nescriure:\n\n> Hola, Jordi Puig:\n", "D'acord, gràcies."},
		{"ca Thunderbird", "Perfecte.\n\nEl 30/4/19 a les 9:00, Katuma ha escrit:\n> Hola\n", "Perfecte."},
		{"es Gmail", "¿Y los pedidos?\n\nEl mar., 30 abr. 2019 a las 9:00, Katuma (<noreply@katuma.test>)\nescribió:\n\n> Hola, Ana:\n", "¿Y los pedidos?"},
		{"es Thunderbird", "Vale.\n\nEl 30/04/19 a las 9:00, Katuma escribió:\n> Hola\n", "Vale."},
		{"fr Gmail", "Merci pour l'info.\n\nLe jeu. 6 juin 2019 à 10:00, Open Food Network Canada <\nnoreply@ca.openfoodnetwork.test> a écrit :\n\n> Bonjour Marc,\n", "Merci pour l'info."},
		{"fr Thunderbird", "Bien reçu.\n\nLe 06/06/2019 à 10:00, Open Food Network Canada a écrit :\n> Bonjour\n", "Bien reçu."},
		{"attribution then unquoted original", "Yes.\n\nOn Tue, Apr 30, 2019 at 9:00 AM Katuma <noreply@katuma.test> wrote:\n\nHello,\nmaintenance on Tuesday.\n", "Yes."},
		{"interleaved", "Hi,\n\nOn 30/04/2019 09:00, Katuma wrote:\n> Katuma will be down on Tuesday.\n\nWhich Tuesday?\n\n> It could take another hour.\n\nFine.\n", "Hi,\n\nWhich Tuesday?\n\nFine."},
		{"Outlook en", "Please call me.\n\n________________________________\nFrom: Katuma <noreply@katuma.test>\nSent: Tuesday, April 30, 2019 9:00 AM\nTo: Tom Baker <tom@example.test>\nSubject: Scheduled maintenance\n\nHello Tom,\n", "Please call me."},
		{"Outlook es", "Llamadme.\n\nDe: Katuma <noreply@katuma.test>\nEnviado el: martes, 30 de abril de 2019 9:00\nPara: Ana García <ana.garcia@example.test>\nAsunto: Mantenimiento programado\n\nHola, Ana:\n", "Llamadme."},
		{"Outlook fr", "Rappelez-moi.\n\nDe : Open Food Network Canada <noreply@ca.openfoodnetwork.test>\nEnvoyé : jeudi 6 juin 2019 10:00\nÀ : Marc Tremblay <marc@fermeduvillage.example>\nObjet : Maintenance programmée\n\nBonjour Marc,\n", "Rappelez-moi."},
		{"Outlook ca", "Truqueu-me.\n\nDe: Katuma <noreply@katuma.test>\nEnviat el: dimarts, 30 d’abril de 2019 9:00\nPer a: Jordi Puig <jordi.puig@example.test>\nAssumpte: Manteniment programat\n\nHola, Jordi:\n", "Truqueu-me."},
		{"Outlook bold from HTML", "Noted.\n\n*From:* Katuma <noreply@katuma.test>\n*Sent:* Tuesday, April 30, 2019 9:00 AM\n*Subject:* Scheduled maintenance\n", "Noted."},
		{"Original Message separator", "See below.\n\n-----Original Message-----\nFrom: Katuma\nHello\n", "See below."},
		{"Mensaje original separator", "Mirad abajo.\n\n-------- Mensaje original --------\nAsunto: Mantenimiento\n", "Mirad abajo."},
		{"forwarded message separator", "FYI\n\n---------- Forwarded message ---------\nFrom: Katuma <noreply@katuma.test>\n", "FYI"},
		{"signature", "Bien.\n\n-- \nMarc Tremblay\nFerme du Village\n", "Bien."},
		{"mobile line es", "Perfecto\n\nEnviado desde mi iPhone\n", "Perfecto"},
		{"mobile line ca", "Perfecte\n\nEnviat des del meu iPhone\n", "Perfecte"},
		{"CRLF", "Ok\r\n\r\nOn Tue, Apr 30, 2019 at 9:00 AM Katuma <noreply@katuma.test> wrote:\r\n> Hello\r\n", "Ok"},
		{"colon lines that are no attribution", "El martes no puedo:\ntengo mercado.\nLe problème est le suivant :\nOn Monday I wrote:\nnothing.\n", "El martes no puedo:\ntengo mercado.\nLe problème est le suivant :\nOn Monday I wrote:\nnothing."},
		{"a person's last line before the attribution", "Un saludo,\nAna García\nEl 30/04/2019 9:00, Katuma escribió:\n> Hola\n", "Un saludo,\nAna García"},
		{"a From: line in the text is kept", "From: my farm, not the shop.\nThanks\n", "From: my farm, not the shop.\nThanks"},
		{"only quoted", "> Hola\n> Adéu\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := StripQuoted(tc.in); got != tc.want {
				t.Errorf("StripQuoted(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestHTMLToText(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"paragraphs and breaks", "<p>Hola,</p><p>una línia<br>i una altra</p>", "Hola,\n\nuna línia\ni una altra"},
		{"entities and spaces", "<div>Caf&eacute; &amp;   t&#233;&nbsp;&lt;b&gt;</div>", "Café & té <b>"},
		{"script style head title", "<html><head><title>T</title><style>p{color:red}</style></head><body><script>alert(1)</script>Visible</body></html>", "Visible"},
		{"blockquote", "<div>Yes</div><blockquote><p>Quoted</p><blockquote>Deeper</blockquote></blockquote><div>After</div>", "Yes\n>\n> Quoted\n>\n>> Deeper\nAfter"},
		{"list", "<ul><li>one</li><li>two</li></ul>", "- one\n- two"},
		{"pre keeps lines", "<pre>a  b\nc</pre>", "a  b\nc"},
		{"comments and conditionals", "A<!-- hidden -->B<!--[if mso]>no<![endif]-->C", "ABC"},
		{"unclosed comment", "A<!-- never closed", "A"},
		{"unclosed tag", "A <b", "A"},
		{"stray closers", "</blockquote></blockquote>text", "text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := htmlToText(tc.in); got != tc.want {
				t.Errorf("htmlToText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	// A quoted HTML reply comes out quoted, so StripQuoted can take it off.
	in := `<div dir="ltr">Sí.</div><div class="gmail_quote"><div class="gmail_attr">El dt., 30 d’abr. 2019 a les 9:00, Katuma (&lt;<a href="mailto:noreply@katuma.test">noreply@katuma.test</a>&gt;) va escriure:<br></div><blockquote class="gmail_quote"><p>Hola</p></blockquote></div>`
	if got := StripQuoted(htmlToText(in)); got != "Sí." {
		t.Errorf("StripQuoted(htmlToText(Gmail reply)) = %q, want %q", got, "Sí.")
	}
	if got := htmlToText(strings.Repeat("<blockquote>", 1000) + "x"); !strings.HasPrefix(got, strings.Repeat(">", maxDepth)+" x") {
		t.Errorf("htmlToText(1000 blockquotes) = %.40q…, want the depth capped at %d", got, maxDepth)
	}
}

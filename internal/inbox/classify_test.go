package inbox

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testMatcher knows the subjects the golden dry run of katuma and canada
// sends (internal/cli/testdata/golden), as the inbox sync will from the
// ledger and the renderer.
func testMatcher() *Matcher {
	m := &Matcher{}
	for _, s := range []struct{ instance, notice, subject string }{
		{"katuma", "announce", "Manteniment programat de Katuma el dimarts, 7 de maig del 2019"},
		{"katuma", "announce", "Mantenimiento programado de Katuma el martes, 7 de mayo de 2019"},
		{"katuma", "reminder", "Recordatori: manteniment de Katuma el dimarts, 7 de maig del 2019"},
		{"katuma", "reminder", "Recordatorio: mantenimiento de Katuma el martes, 7 de mayo de 2019"},
		{"katuma", "start", "Ha començat el manteniment de Katuma"},
		{"katuma", "start", "Ha empezado el mantenimiento de Katuma"},
		{"katuma", "done", "Katuma torna a funcionar: manteniment completat"},
		{"katuma", "done", "Katuma vuelve a funcionar: mantenimiento completado"},
		{"canada", "announce", "Scheduled maintenance of Open Food Network Canada on Thursday, June 13, 2019"},
		{"canada", "announce", "Open Food Network Canada\u202f: maintenance programmée le jeudi 13 juin 2019"},
		{"canada", "reminder", "Reminder: Open Food Network Canada maintenance on Thursday, June 13, 2019"},
		{"canada", "reminder", "Rappel\u202f: Open Food Network Canada en maintenance le jeudi 13 juin 2019"},
		{"canada", "start", "Open Food Network Canada maintenance has begun"},
		{"canada", "start", "Open Food Network Canada\u202f: la maintenance a commencé"},
		{"canada", "done", "Open Food Network Canada is back: maintenance completed"},
		{"canada", "done", "Open Food Network Canada est de retour\u202f: maintenance terminée"},
	} {
		m.AddSubject(Ref{Campaign: "ofn-v2-2019", Notice: s.notice, Instance: s.instance}, s.subject)
	}
	return m
}

func ref(instance, notice string) Ref {
	return Ref{Campaign: "ofn-v2-2019", Notice: notice, Instance: instance}
}

// corpusWant is what each file of testdata/corpus must give. Every bounce
// names its failed recipient and status; see testdata/corpus/README.md for
// what each file exercises.
var corpusWant = map[string]struct {
	kind                      Kind
	ref                       Ref
	recipient, status, action string
	permanent                 bool
	text, notText             []string // substrings of Text
}{
	// Bounces.
	"bounce-postfix-user-unknown.eml":  {kind: KindBounce, ref: ref("katuma", "announce"), recipient: "nuria@lacistella.example", status: "5.1.1", action: "failed", permanent: true},
	"bounce-postfix-delayed.eml":       {kind: KindBounce, ref: ref("katuma", "reminder"), recipient: "pablo@huertaviva.test", status: "4.4.1", action: "delayed"},
	"bounce-exim-text.eml":             {kind: KindBounce, ref: ref("katuma", "announce"), recipient: "pere@cal-pere.test", status: "5.1.1", action: "failed", permanent: true},
	"bounce-exim-dsn.eml":              {kind: KindBounce, ref: ref("katuma", "start"), recipient: "rosa@huertasol.test", status: "5.2.2", action: "failed", permanent: true},
	"bounce-office365.eml":             {kind: KindBounce, ref: ref("canada", "announce"), recipient: "mike@greenvalley.test", status: "5.1.10", action: "failed", permanent: true},
	"bounce-exchange-html.eml":         {kind: KindBounce, ref: ref("katuma", "announce"), recipient: "info@cooperativa-del-camp.test", status: "5.1.1", action: "failed", permanent: true},
	"bounce-gmail.eml":                 {kind: KindBounce, ref: ref("katuma", "reminder"), recipient: "carmen@example.test", status: "5.1.1", action: "failed", permanent: true},
	"bounce-gmail-legacy.eml":          {kind: KindBounce, ref: ref("katuma", "done"), recipient: "tom@example.test", status: "5.1.1", action: "failed", permanent: true},
	"bounce-qmail.eml":                 {kind: KindBounce, ref: ref("canada", "announce"), recipient: "genevieve@marche-local.test", status: "5.1.1", action: "failed", permanent: true},
	"bounce-sendmail-headers-only.eml": {kind: KindBounce, ref: ref("canada", "reminder"), recipient: "sam@example.test", status: "5.2.1", action: "failed", permanent: true},
	"bounce-text-550-es.eml":           {kind: KindBounce, ref: ref("katuma", "reminder"), recipient: "marta@elrebost.test", status: "5.1.1", action: "failed", permanent: true},

	// Auto-replies.
	"auto-ca-exchange.eml":       {kind: KindAutoReply, ref: ref("katuma", "announce"), text: []string{"Sóc fora de l'oficina fins al dilluns 6 de maig"}},
	"auto-es-xautoreply.eml":     {kind: KindAutoReply, ref: ref("katuma", "reminder"), text: []string{"Estoy de vacaciones"}},
	"auto-fr-subject-only.eml":   {kind: KindAutoReply, ref: ref("canada", "reminder"), text: []string{"absente du bureau jusqu'au 17 juin"}},
	"auto-en-gmail-vacation.eml": {kind: KindAutoReply, ref: ref("canada", "announce"), text: []string{"out of the office until Monday, June 17"}},

	// Replies.
	"reply-ca-gmail.eml": {kind: KindReply, ref: ref("katuma", "announce"),
		text:    []string{"Podríeu\nfer el manteniment a la tarda?", "Gràcies!\nJordi"},
		notText: []string{"va\nescriure", "tindrà un manteniment", "Reps aquest missatge"}},
	"reply-es-html-only.eml": {kind: KindReply, ref: ref("katuma", "announce"),
		text:    []string{"¿El martes 7 también estará cerrada la tienda de la cooperativa?", "recoger & pagar", "Un saludo,\nAna García"},
		notText: []string{"escribió", "tendrá un mantenimiento", "<p>"}},
	"reply-fr-thunderbird.eml": {kind: KindReply, ref: ref("canada", "announce"),
		text:    []string{"C'est en pleine nuit chez nous, parfait.", "paiements de 5 € déjà en cours", "Merci,\nMarc"},
		notText: []string{"a écrit", "hors service", "Ferme du Village"}},
	"reply-en-outlook-attachment.eml": {kind: KindReply, ref: ref("canada", "start"),
		text:    []string{"it’s 9:30 now and I still can’t log in", "closes at noon — can you check?", "Green Valley Farm"},
		notText: []string{"From:", "has just started", "shop-login.png"}},
	"reply-es-outlook-forward.eml": {kind: KindReply, ref: ref("katuma", "done"),
		text:    []string{"no me aparecen los pedidos de la semana pasada", "Javier Ortega"},
		notText: []string{"Enviado el", "Gracias por tu paciencia"}},

	// Answering no notice: what they are all the same.
	"unrelated-newsletter.eml": {kind: KindOther},
	"unrelated-human.eml":      {kind: KindReply, text: []string{"La factura d'abril em surt duplicada"}, notText: []string{"t'adjuntem"}},
}

func TestClassifyCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	seen := map[string]bool{}
	opts := Options{Matcher: testMatcher()}
	for _, f := range files {
		name := filepath.Base(f)
		seen[name] = true
		t.Run(strings.TrimSuffix(name, ".eml"), func(t *testing.T) {
			w, ok := corpusWant[name]
			if !ok {
				t.Fatalf("%s has no expectation in corpusWant", name)
			}
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			v := classify(raw, opts)
			t.Logf("reasons: %q", v.Reasons)
			if v.Kind != w.kind {
				t.Errorf("Kind = %q, want %q", v.Kind, w.kind)
			}
			if v.Ref != w.ref {
				t.Errorf("Ref = %+v, want %+v", v.Ref, w.ref)
			}
			if v.Recipient != w.recipient || v.Status != w.status || v.Action != w.action || v.Permanent != w.permanent {
				t.Errorf("bounce = (%q, %q, %q, permanent %v), want (%q, %q, %q, permanent %v)",
					v.Recipient, v.Status, v.Action, v.Permanent, w.recipient, w.status, w.action, w.permanent)
			}
			if w.kind == KindBounce && v.Diagnostic == "" {
				t.Errorf("Diagnostic is empty")
			}
			for _, s := range w.text {
				if !strings.Contains(v.Text, s) {
					t.Errorf("Text = %q, want it to contain %q", v.Text, s)
				}
			}
			for _, s := range w.notText {
				if strings.Contains(v.Text, s) {
					t.Errorf("Text = %q, want it without %q", v.Text, s)
				}
			}
			if len(v.Reasons) == 0 {
				t.Errorf("no Reasons")
			}
		})
	}
	for name := range corpusWant {
		if !seen[name] {
			t.Errorf("corpusWant names %s, which is not in testdata/corpus", name)
		}
	}
}

// Without configuration only Message-IDs tie a message to a notice: what the
// subject alone matched is still what it is, tied to nothing.
func TestClassifyCorpusWithoutMatcher(t *testing.T) {
	subjectOnly := map[string]Kind{
		"auto-fr-subject-only.eml":     KindAutoReply,
		"reply-es-outlook-forward.eml": KindReply,
		"bounce-text-550-es.eml":       KindBounce,
	}
	for name, w := range corpusWant {
		raw, err := os.ReadFile(filepath.Join("testdata/corpus", name))
		if err != nil {
			t.Fatal(err)
		}
		v := Classify(raw, Options{})
		wantKind, wantRef := w.kind, w.ref
		if k, ok := subjectOnly[name]; ok {
			wantKind, wantRef = k, Ref{}
		}
		if v.Kind != wantKind || v.Ref != wantRef {
			t.Errorf("%s: Classify without Matcher = (%q, %+v), want (%q, %+v)", name, v.Kind, v.Ref, wantKind, wantRef)
		}
	}
}

func TestVerdictJSON(t *testing.T) {
	for _, tc := range []struct {
		v        Verdict
		want     []string
		wantNone []string
	}{
		{Verdict{File: "a.eml", Kind: KindBounce, Recipient: "x@y.test", Status: "4.4.1"},
			[]string{`"file":"a.eml"`, `"kind":"bounce"`, `"permanent":false`, `"reasons":[]`}, []string{`"date"`, `"text"`}},
		{Verdict{Kind: KindBounce, Status: "5.1.1", Permanent: true, Ref: ref("katuma", "announce")},
			[]string{`"permanent":true`, `"campaign":"ofn-v2-2019"`, `"notice":"announce"`, `"instance":"katuma"`}, nil},
		{Verdict{Kind: KindReply, Text: "hola"},
			[]string{`"kind":"reply"`, `"text":"hola"`}, []string{`"permanent"`, `"file"`, `"recipient"`}},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range tc.want {
			if !strings.Contains(string(b), s) {
				t.Errorf("json.Marshal(%+v) = %s, want %s in it", tc.v, b, s)
			}
		}
		for _, s := range tc.wantNone {
			if strings.Contains(string(b), s) {
				t.Errorf("json.Marshal(%+v) = %s, want no %s", tc.v, b, s)
			}
		}
		var back Verdict
		if err := json.Unmarshal(b, &back); err != nil || back.Kind != tc.v.Kind || back.Permanent != tc.v.Permanent {
			t.Errorf("json.Unmarshal(%s) = %+v, %v; want the verdict back", b, back, err)
		}
	}
}

func TestParseMessageID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want Ref
		ok   bool
	}{
		{"<ofn-v2-2019.announce.katuma.8610650fa7a37dbd91bd@katuma.test>", ref("katuma", "announce"), true},
		{"ofn-v2-2019.done.canada.b2bfa4c94d77de96e573@ca.openfoodnetwork.test", ref("canada", "done"), true},
		{"<ofn_v3.reschedule.uk.0123456789abcdef0123@uk.openfoodnetwork.test>", Ref{"ofn_v3", "reschedule", "uk"}, true},
		{"<OFN-V2-2019.CANCEL.US.ABCDEF0123456789ABCD@US.OPENFOODNETWORK.TEST>", Ref{"ofn-v2-2019", "cancel", "us"}, true},
		{"<ofn-v2-2019.newsletter.katuma.8610650fa7a37dbd91bd@katuma.test>", Ref{}, false}, // not a notice
		{"<ofn-v2-2019.announce.katuma.nothex@katuma.test>", Ref{}, false},
		{"<ofn.v2.announce.katuma.8610650fa7a37dbd91bd@katuma.test>", Ref{}, false}, // a dot in the campaign
		{"<CAHx3kP0b9vW7n2Yq1sJ8mE4fT6cR5uD3gA2hL1kN0pQ9zX8yV7w@mail.gmail.com>", Ref{}, false},
		{"", Ref{}, false},
	} {
		got, ok := ParseMessageID(tc.id)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseMessageID(%q) = %+v, %v, want %+v, %v", tc.id, got, ok, tc.want, tc.ok)
		}
	}
}

func TestMatcherSubject(t *testing.T) {
	m := testMatcher()
	for _, tc := range []struct {
		subject string
		want    Ref
	}{
		{"Re: Ha començat el manteniment de Katuma", ref("katuma", "start")},
		{"RE: RE: Ha empezado el mantenimiento de Katuma", ref("katuma", "start")},
		{"Fwd: Re: ha empezado  el   mantenimiento de KATUMA", ref("katuma", "start")},
		{"RV: Katuma vuelve a funcionar: mantenimiento completado", ref("katuma", "done")},
		{"AW: Open Food Network Canada is back: maintenance completed", ref("canada", "done")},
		{"TR : Open Food Network Canada : maintenance programmée le jeudi 13 juin 2019", ref("canada", "announce")},
		{"Réf. : Open Food Network Canada: la maintenance a commencé", ref("canada", "start")},
		{"Rép. : Open Food Network Canada\u00a0: la maintenance a commencé", ref("canada", "start")},
		{"[Cooperativa] Re[2]: Katuma torna a funcionar: manteniment completat", ref("katuma", "done")},
		{"Re: Reminder: Open Food Network Canada maintenance on Thursday, June 13, 2019", ref("canada", "reminder")},
		{"Respuesta automática: Recordatorio: mantenimiento de Katuma el martes, 7 de mayo de 2019", ref("katuma", "reminder")},
		{"Ha empezado el mantenimiento de Katuma", Ref{}}, // no prefix: not a reply
		{"Re: Ha empezado el mantenimiento de Katuma (otra vez)", Ref{}},
		{"Re: Factura d'abril", Ref{}},
	} {
		refs, _ := m.matchSubject(tc.subject)
		var got Ref
		if len(refs) > 0 {
			got = refs[0]
		}
		if got != tc.want {
			t.Errorf("matchSubject(%q) = %+v, want %+v", tc.subject, got, tc.want)
		}
	}
	var nilMatcher *Matcher
	if refs, _ := nilMatcher.matchSubject("Re: Ha empezado el mantenimiento de Katuma"); refs != nil {
		t.Errorf("nil Matcher matched a subject: %+v", refs)
	}
}

func TestMatcherMessageID(t *testing.T) {
	m := &Matcher{}
	forum := Ref{Campaign: "ofn-v2-2019", Notice: "announce", Instance: "uk"}
	m.AddMessageID(forum, "<topic/4521/announce@community.openfoodnetwork.test>")
	raw := "From: a@b.test\nIn-Reply-To: <topic/4521/announce@community.openfoodnetwork.test>\nSubject: Re: hi\n\nThanks!\n"
	if v := Classify([]byte(raw), Options{Matcher: m}); v.Kind != KindReply || v.Ref != forum {
		t.Errorf("Classify(reply to a listed Message-ID) = (%q, %+v), want (reply, %+v)", v.Kind, v.Ref, forum)
	}
	if v := Classify([]byte(raw), Options{}); v.Kind != KindReply || !v.Ref.IsZero() {
		t.Errorf("Classify(reply to an unlisted Message-ID) = (%q, %+v), want an untied reply", v.Kind, v.Ref)
	}
}

// The cases around the edges of the rules, one message each.
func TestClassifyRules(t *testing.T) {
	ours := "<ofn-v2-2019.announce.katuma.8610650fa7a37dbd91bd@katuma.test>"
	for _, tc := range []struct {
		name   string
		raw    string
		want   Kind
		reason string // a substring of one reason
	}{
		{"Auto-Submitted no is a person", "From: a@b.test\nAuto-Submitted: no\nIn-Reply-To: " + ours + "\n\nD'acord.\n", KindReply, "a person's reply"},
		{"X-Auto-Response-Suppress alone is a person", "From: a@b.test\nX-Auto-Response-Suppress: DR, OOF, AutoReply\nIn-Reply-To: " + ours + "\n\nD'acord.\n", KindReply, "a person's reply"},
		{"Precedence junk", "From: a@b.test\nPrecedence: junk\nIn-Reply-To: " + ours + "\n\nx\n", KindAutoReply, "Precedence: junk"},
		{"X-Autorespond", "From: a@b.test\nX-Autorespond: yes\nReferences: <x@y.test> " + ours + "\n\nx\n", KindAutoReply, "X-Autorespond"},
		{"null return path", "Return-Path: <>\nFrom: a@b.test\nIn-Reply-To: " + ours + "\n\nx\n", KindAutoReply, "null envelope sender"},
		{"Catalan out-of-office subject", "From: a@b.test\nSubject: Fora de l’oficina\nIn-Reply-To: " + ours + "\n\nx\n", KindAutoReply, "out-of-office subject"},
		{"Spanish absence at the start", "From: a@b.test\nSubject: Ausente hasta el lunes\nIn-Reply-To: " + ours + "\n\nx\n", KindAutoReply, "out-of-office subject"},
		{"absence inside a person's subject", "From: a@b.test\nSubject: Re: absence de Marc pendant la maintenance\nIn-Reply-To: " + ours + "\n\nx\n", KindReply, "a person's reply"},
		{"read receipt", "From: a@b.test\nIn-Reply-To: " + ours + "\nContent-Type: multipart/report; report-type=disposition-notification; boundary=b\n\n--b\nContent-Type: text/plain\n\nRead.\n--b\nContent-Type: message/disposition-notification\n\nDisposition: manual-action/MDN-sent-manually; displayed\n--b--\n", KindAutoReply, "read receipt"},
		{"our own notice copied to the inbox", "From: Katuma <noreply@katuma.test>\nMessage-ID: " + ours + "\nAuto-Submitted: auto-generated\n\nHola\n", KindOther, "our own announce notice"},
		{"success DSN is no bounce", "From: MAILER-DAEMON@x.test\nSubject: Successful Mail Delivery Report\nIn-Reply-To: " + ours + "\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x.test\n\nFinal-Recipient: rfc822; a@b.test\nAction: delivered\nStatus: 2.0.0\n--b--\n", KindAutoReply, "delivery status notification"},
		{"person forwarding a bounce", "From: Ana <ana@b.test>\nSubject: Fwd: Undelivered Mail Returned to Sender\nIn-Reply-To: " + ours + "\nContent-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: text/plain\n\nThis came back, is my colleague's address wrong?\n--o\nContent-Type: message/rfc822\n\nFrom: MAILER-DAEMON@x.test\nSubject: Undelivered Mail Returned to Sender\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; c@d.test\nAction: failed\nStatus: 5.1.1\n--b--\n--o--\n", KindReply, "a person's reply"},
		{"bounce-looking text from a person", "From: Ana <ana@b.test>\nSubject: Re: maintenance\nIn-Reply-To: " + ours + "\n\nI got 'This is a permanent error' from my server, is that you?\n", KindReply, "a person's reply"},
		{"daemon and subject without a body", "From: Mail Delivery System <MAILER-DAEMON@x.test>\nSubject: Undeliverable: hola\nX-Failed-Recipients: lost@b.test\n\n", KindBounce, "X-Failed-Recipients"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := classify([]byte(tc.raw), Options{})
			if v.Kind != tc.want {
				t.Errorf("Kind = %q, want %q (reasons %q)", v.Kind, tc.want, v.Reasons)
			}
			if !slices.ContainsFunc(v.Reasons, func(r string) bool { return strings.Contains(r, tc.reason) }) {
				t.Errorf("Reasons = %q, want one with %q", v.Reasons, tc.reason)
			}
		})
	}
}

package mailer

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/msgid"
)

func email(name, subject string) *Email {
	return &Email{
		From:      &mail.Address{Name: "Katuma", Address: "noreply@katuma.test"},
		To:        &mail.Address{Name: name, Address: "ana@example.test"},
		ReplyTo:   &mail.Address{Address: "info@katuma.test"},
		Subject:   subject,
		Text:      "Hola\n",
		HTML:      "<p>Hola</p>\n",
		Language:  "ca",
		MessageID: noticeID("ana@example.test"),
		Date:      time.Date(2019, 4, 30, 10, 0, 0, 0, time.UTC),
		ListID:    "c.katuma.katuma.test",
	}
}

// noticeID is a Katuma announce notice's Message-ID for rcpt (package msgid).
func noticeID(rcpt string) string {
	return msgid.Make(msgid.Ref{Campaign: "c", Notice: "announce", Instance: "katuma"}, rcpt, 0, "katuma.test")
}

func build(t *testing.T, e *Email) (*mail.Message, []byte) {
	t.Helper()
	m, err := Build(e)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("ReadMessage: %v\n%s", err, b.Bytes())
	}
	return msg, b.Bytes()
}

// Whatever a name or subject holds, the message has exactly our headers.
func TestNoHeaderInjection(t *testing.T) {
	want := []string{"Auto-Submitted", "Content-Language", "Content-Type", "Date", "From", "List-Id", "Message-Id", "Mime-Version", "Precedence", "Reply-To", "Subject", "To", "X-Auto-Response-Suppress"}
	tests := []struct{ name, subject string }{
		{"Ana", "Manteniment"},
		{"Ana\u2028Bcc: x@evil.test", "Subject\u0085Bcc: x@evil.test"},
		{`Ana", Bcc: x@evil.test, "`, "Ünïcödé: Bcc: x@evil.test"},
		{"Ana: Bcc", "a\tb: c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, raw := build(t, email(tt.name, tt.subject))
			var got []string
			for k := range msg.Header {
				got = append(got, k)
			}
			if strings.Join(sorted(got), ",") != strings.Join(want, ",") {
				t.Errorf("headers = %v, want %v\n%s", sorted(got), want, raw)
			}
			to, err := msg.Header.AddressList("To")
			if err != nil || len(to) != 1 || to[0].Name != tt.name || to[0].Address != "ana@example.test" {
				t.Errorf("To = %v, %v; want one address named %q", to, err, tt.name)
			}
		})
	}
	for _, tt := range []struct{ name, subject string }{{"Ana\r\nBcc: x@evil.test", "ok"}, {"Ana", "Hi\r\nBcc: x@evil.test"}, {"Ana\nBcc: x", "ok"}} {
		if _, err := Build(email(tt.name, tt.subject)); err == nil {
			t.Errorf("Build(name %q, subject %q) = nil error, want a refusal", tt.name, tt.subject)
		}
	}
}

func sorted(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

// The same notice to the same recipient is the same bytes; only Date moves.
func TestDeterministic(t *testing.T) {
	e := email("Ana", "Manteniment programat")
	_, a := build(t, e)
	_, b := build(t, e)
	if !bytes.Equal(a, b) {
		t.Errorf("two builds differ:\n%s\n---\n%s", a, b)
	}
	e2 := email("Ana", "Manteniment programat")
	e2.Date = e.Date.Add(time.Hour)
	_, c := build(t, e2)
	if bytes.Equal(a, c) || !bytes.Equal(bytes.Replace(c, []byte("11:00:00"), []byte("10:00:00"), 1), a) {
		t.Errorf("a later Date changed more than the Date header")
	}
}

func TestEncodedSubjectAndUnsubscribe(t *testing.T) {
	e := email("Núria", "Manteniment programat de Katuma el dimarts, 7 de maig del 2019 — ç")
	e.Unsubscribe = []string{"https://katuma.test/unsub", "mailto:unsub@katuma.test"}
	msg, raw := build(t, e)
	if !bytes.Contains(raw, []byte("=?UTF-8?q?Manteniment_programat")) {
		t.Errorf("non-ASCII subject not RFC 2047-encoded:\n%s", raw)
	}
	dec, err := new(mimeDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || dec != e.Subject {
		t.Errorf("decoded Subject = %q, %v; want %q", dec, err, e.Subject)
	}
	if got := msg.Header.Get("List-Unsubscribe"); got != "<https://katuma.test/unsub>, <mailto:unsub@katuma.test>" {
		t.Errorf("List-Unsubscribe = %q", got)
	}
	if got := msg.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", got)
	}
}

package inbox

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzClassify feeds Classify (without its recover) anything: it must not
// panic, must finish quickly, and must give a well-formed verdict.
//
//	go test ./internal/inbox -run XXX -fuzz FuzzClassify -fuzztime 60s
func FuzzClassify(f *testing.F) {
	files, _ := filepath.Glob("testdata/corpus/*.eml")
	bounces, _ := filepath.Glob("testdata/bounces/*.eml")
	for _, file := range append(files, bounces...) {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, h := range hostileInputs(1 << 12) {
		f.Add(h.raw)
	}
	m := testMatcher()
	f.Fuzz(func(t *testing.T, raw []byte) {
		start := time.Now()
		v := classify(raw, Options{Matcher: m})
		if d := time.Since(start); d > time.Second {
			t.Fatalf("classify took %v on %d bytes", d, len(raw))
		}
		checkVerdict(t, v)
	})
}

// checkVerdict holds for every verdict, whatever the input.
func checkVerdict(t *testing.T, v Verdict) {
	t.Helper()
	switch v.Kind {
	case KindReply, KindAutoReply, KindBounce, KindComplaint, KindOther:
	default:
		t.Fatalf("Kind = %q", v.Kind)
	}
	report := v.Kind == KindBounce || v.Kind == KindComplaint
	if !report && (v.Recipient != "" || v.Status != "" || v.Permanent || v.Reason != "") {
		t.Fatalf("a %s with bounce fields: %+v", v.Kind, v)
	}
	if report && (v.Reason == "" || v.Suppress != SuppressionPolicy(v.Reason, v.Permanent || v.Kind == KindComplaint)) {
		t.Fatalf("a %s with reason %q and policy %q", v.Kind, v.Reason, v.Suppress)
	}
	if v.Unsubscribe && v.Kind != KindReply {
		t.Fatalf("an unsubscribe request of kind %s", v.Kind)
	}
	if v.Permanent && !strings.HasPrefix(v.Status, "5.") {
		t.Fatalf("Permanent with status %q", v.Status)
	}
	if len(v.Text) > maxText+len("…") || len(v.Diagnostic) > 600 {
		t.Fatalf("Text %d bytes, Diagnostic %d bytes", len(v.Text), len(v.Diagnostic))
	}
	for _, s := range append([]string{v.Text, v.Diagnostic, v.Recipient, v.Status, v.Action, v.Subject, v.From,
		v.MessageID, v.NoticeMessageID, v.Campaign, v.Notice, v.Instance}, v.Reasons...) {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 in %+v", v)
		}
	}
	if len(v.Reasons) == 0 {
		t.Fatalf("no Reasons")
	}
	if _, err := json.Marshal(v); err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
}

type hostile struct {
	name string
	raw  []byte
}

// hostileInputs are messages built to make a careless parser loop, recurse,
// allocate or backtrack; n scales them.
func hostileInputs(n int) []hostile {
	rep := func(s string, k int) string { return strings.Repeat(s, k) }
	mp := func(b string) string { return "Content-Type: multipart/mixed; boundary=" + b + "\n\n" }
	return []hostile{
		{"many header fields", []byte(rep("X-A: b\n", n) + "\nbody")},
		{"one huge header field", []byte("Subject: " + rep("=?utf-8?q?=C3=A9?= ", n) + "\n\nbody")},
		{"huge folded field", []byte("References:" + rep("\n <a@b>", n) + "\n\nbody")},
		{"header without end", []byte(rep("Subject: x\n ", n))},
		{"deep multipart", []byte(rep(mp("b")+"--b\n", n/8) + "x")},
		{"deep message/rfc822", []byte(rep("Content-Type: message/rfc822\n\n", n/8) + "x")},
		{"many parts", []byte(mp("b") + rep("--b\n\nx\n", n))},
		{"endless part", []byte(mp("b") + "--b\nContent-Type: text/plain\n\n" + rep("no boundary here ", n))},
		{"boundary prefixes", []byte(mp("b") + rep("--bx\n--b-\n", n))},
		{"bad base64", []byte("Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n" + rep("!@#$%^&*()", n))},
		{"bad quoted-printable", []byte("Content-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n" + rep("=Z=\n==3", n))},
		{"bad charset", []byte("Content-Type: text/plain; charset=\"" + rep("x", n) + "\"\n\n\xff\xfe")},
		{"html tags", []byte("Content-Type: text/html\n\n" + rep("<blockquote><p><br><!--", n))},
		{"html lone brackets", []byte("Content-Type: text/html\n\n" + rep("<", n))},
		{"addresses and ids", []byte("From: MAILER-DAEMON@x.test\nSubject: Undeliverable\n\nThis is a permanent error\n" + rep("@a.bc <x@y> ", n))},
		{"our ids", []byte("From: MAILER-DAEMON@x.test\nSubject: failure notice\n\n" + rep("a.announce.b.", n))},
		{"attribution-like lines", []byte("In-Reply-To: <ofn-v2-2019.announce.katuma.8610650fa7a37dbd91bd@katuma.test>\n\n" + rep("El 1 "+rep("x", 300)+" va escriure:\n", n/64+1))},
		{"long lines", []byte("In-Reply-To: <ofn-v2-2019.announce.katuma.8610650fa7a37dbd91bd@katuma.test>\n\n" + rep("From: x "+rep("y", 1000)+":\n", n/64+1))},
		{"dsn blocks", []byte("Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\n" + rep("Final-Recipient: rfc822; a@b.test\nAction: failed\n\n", n))},
		{"subject prefixes", []byte("Subject: " + rep("Re: [x] ", n) + "\nIn-Reply-To: <x@y>\n\nx")},
		{"NUL and control bytes", bytes.Repeat([]byte{0, '\r', '\n', ':', '-', '<', '='}, n)},
	}
}

// TestClassifyHostile runs the hostile inputs at sizes near MaxMessageSize:
// each must finish well within a second per MiB even under -race.
func TestClassifyHostile(t *testing.T) {
	n := 1 << 18 // several MiB each
	if testing.Short() {
		n = 1 << 14
	}
	m := testMatcher()
	for _, h := range hostileInputs(n) {
		t.Run(h.name, func(t *testing.T) {
			start := time.Now()
			v := classify(h.raw, Options{Matcher: m})
			d := time.Since(start)
			t.Logf("%d bytes: %v, %s", len(h.raw), d, v.Kind)
			if limit := 2*time.Second + time.Duration(len(h.raw)>>20)*time.Second; d > limit {
				t.Errorf("classify(%s, %d bytes) took %v, want under %v", h.name, len(h.raw), d, limit)
			}
			checkVerdict(t, v)
		})
	}
	// Past MaxMessageSize the rest is not read.
	big := append([]byte("Subject: big\n\n"), bytes.Repeat([]byte("a"), MaxMessageSize+10)...)
	if v := classify(big, Options{}); !strings.Contains(strings.Join(v.Reasons, " "), "only the first") {
		t.Errorf("classify(%d bytes).Reasons = %q, want a note that it was cut", len(big), v.Reasons)
	}
}

func TestClassifyRecovers(t *testing.T) {
	// Classify turns a panic into a verdict of kind other; a nil Matcher
	// receiver must not be one.
	v := Classify([]byte("In-Reply-To: <x@y>\nSubject: Re: hi\n\nx"), Options{Matcher: nil})
	if v.Kind != KindReply || !v.Ref.IsZero() {
		t.Errorf("Classify = (%q, %+v), want an untied reply", v.Kind, v.Ref)
	}
}

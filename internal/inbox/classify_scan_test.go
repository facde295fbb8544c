package inbox

import (
	"strings"
	"testing"
)

func TestAddrsAndIDsIn(t *testing.T) {
	if got := addrsIn("x <Ana.García@Example.test>, postmaster@mx.example.test. and a@b and c@d.e", 10); strings.Join(got, " ") != "Ana.García@Example.test postmaster@mx.example.test" {
		t.Errorf("addrsIn = %q", got)
	}
	if got := bracketedIDs("<a@b> <no at> <<c@d>> <e@f", 10); strings.Join(got, " ") != "a@b c@d" {
		t.Errorf("bracketedIDs = %q", got)
	}
	text := "Message-ID: ofn-v2-2019.reminder.canada.b2bfa4c94d77de96e573@ca.openfoodnetwork.test. x.done.y.z@q"
	if got := ourIDsIn(text, 10); len(got) != 1 || got[0] != "ofn-v2-2019.reminder.canada.b2bfa4c94d77de96e573@ca.openfoodnetwork.test" {
		t.Errorf("ourIDsIn = %q", got)
	}
}

func TestStatusInText(t *testing.T) {
	for _, tc := range []struct{ in, code string }{
		{"host mx said: 550 5.1.1 <a@b.test>: User unknown", "5.1.1"},
		{"Received by Exim 4.92.3\n550-5.7.1 blocked", "5.7.1"},
		{"Exim 4.92.3", ""}, // a version is no status
		{"Sorry, no mailbox here by that name. (#5.1.1)", "5.1.1"},
		{"#550 5.1.10 RESOLVER.ADR.RecipientNotFound", "5.1.10"},
		{"Status: 4.4.7", "4.4.7"},
		{"see 192.0.2.4.5.6 and 2.0.0 ok", ""},
		{"Remote host said: 554 sorry, no valid recipients", "5.0.0"},
		{"error in reply: 451 try later", "4.0.0"},
		{"nothing here", ""},
		{"5.1.1", "5.1.1"},
	} {
		if got, _ := statusInText(tc.in, asciiLower(tc.in)); got != tc.code {
			t.Errorf("statusInText(%q) = %q, want %q", tc.in, got, tc.code)
		}
	}
}

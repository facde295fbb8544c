package msgid_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/msgid"
)

// What Make writes, Parse reads back, for every notice, with brackets and in
// upper case too; a reschedule's number changes the id, not what it names.
func TestRoundTrip(t *testing.T) {
	for _, n := range config.AllNotices {
		for _, r := range []msgid.Ref{
			{Campaign: "ofn-v2-2019", Notice: string(n), Instance: "katuma"},
			{Campaign: "ofn_v3", Notice: string(n), Instance: "uk"},
		} {
			for seq := 0; seq < 3; seq++ {
				id := msgid.Make(r, "ana@example.test", seq, "katuma.test")
				for _, form := range []string{id, "<" + id + ">", strings.ToUpper(id), " <" + id + "> "} {
					got, ok := msgid.Parse(form)
					if !ok || got != r {
						t.Errorf("Parse(%q) = %+v, %v, want %+v, true", form, got, ok, r)
					}
				}
			}
		}
	}
	a := msgid.Ref{Campaign: "c", Notice: "reschedule", Instance: "katuma"}
	if msgid.Make(a, "ana@example.test", 1, "x.test") == msgid.Make(a, "ana@example.test", 2, "x.test") {
		t.Errorf("two reschedules to one reader share a Message-ID")
	}
}

// Make is stable: the ledger records the id, and a resend after a crash or
// an upgrade must carry the same one.
func TestMakeStable(t *testing.T) {
	got := msgid.Make(msgid.Ref{Campaign: "ofn-v2-2019", Notice: "announce", Instance: "katuma"}, "montse@hortdelbaix.test", 0, "katuma.test")
	if !strings.HasPrefix(got, "ofn-v2-2019.announce.katuma.") || !strings.HasSuffix(got, "@katuma.test") || len(got) != len("ofn-v2-2019.announce.katuma.")+20+len("@katuma.test") {
		t.Errorf("Make = %q", got)
	}
	if strings.Contains(got, "montse") {
		t.Errorf("Make = %q spreads the address", got)
	}
}

func TestParseRefuses(t *testing.T) {
	for _, id := range []string{
		"<ofn-v2-2019.newsletter.katuma.8610650fa7a37dbd91bd@katuma.test>", // not a notice
		"<ofn-v2-2019.announce.katuma.nothex@katuma.test>",
		"<ofn-v2-2019.announce.katuma.8610650@katuma.test>",         // hash too short
		"<ofn.v2.announce.katuma.8610650fa7a37dbd91bd@katuma.test>", // a dot in the campaign
		"<ofn-v2-2019.announce.katuma.8610650fa7a37dbd91bd@localhost>",
		"<ofn-v2-2019.announce.katuma.8610650fa7a37dbd91bd@-bad.test>",
		"<ofn-v2-2019.announce.katuma.8610650fa7a37dbd91bd>",
		"<CAHx3kP0b9vW7n2Yq1sJ8mE4fT6cR5uD3gA2hL1kN0pQ9zX8yV7w@mail.gmail.com>",
		"",
	} {
		if r, ok := msgid.Parse(id); ok {
			t.Errorf("Parse(%q) = %+v, true; want false", id, r)
		}
	}
}

// The names a Message-ID may carry are exactly config's notices.
func TestNoticesAreConfigs(t *testing.T) {
	var want []string
	for _, n := range config.AllNotices {
		want = append(want, string(n))
	}
	if !slices.Equal(msgid.Notices, want) {
		t.Errorf("msgid.Notices = %v, want config.AllNotices %v", msgid.Notices, want)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("<ofn-v2-2019.announce.katuma.8610650fa7a37dbd91bd@katuma.test>")
	f.Fuzz(func(t *testing.T, id string) {
		r, ok := msgid.Parse(id)
		if !ok {
			return
		}
		// Whatever parses names a notice that Make writes the same way.
		again, ok := msgid.Parse(msgid.Make(r, "x", 0, "example.test"))
		if !ok || again != r {
			t.Errorf("Parse(Make(%+v)) = %+v, %v", r, again, ok)
		}
	})
}

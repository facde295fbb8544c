package recipients

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func readAll(t *testing.T, src string) (good []Recipient, bad []string) {
	t.Helper()
	r, err := NewReader(strings.NewReader(src), "r.csv")
	if err != nil {
		return nil, []string{err.Error()}
	}
	for {
		rcp, err := r.Next()
		if err == io.EOF {
			return good, bad
		}
		var re *RowError
		if !errors.As(err, &re) && err != nil {
			t.Fatalf("Next: unexpected error %v", err)
		}
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		good = append(good, rcp)
	}
}

func TestRows(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		wantGood int
		wantBad  []string
	}{
		{"good", "email,name,locale,role\nana@example.test,Ana,ca,hub\nbo@example.test,,,\n", 2, nil},
		{"email only", "email\nana@example.test\n", 1, nil},
		{"columns in any order, extra ignored", "notes,role,email\nx,hub,ana@example.test\n", 1, nil},
		{"byte-order mark", "\ufeffemail,name\nana@example.test,Ana\n", 1, nil},
		{"no email column", "name,locale\nAna,ca\n", 0, []string{`r.csv:1: header "name,locale" has no "email" column`}},
		{"empty file", "", 0, []string{`r.csv:1: empty file: want a header row "email,name,locale,role"`}},
		{"bad address", "email,name\nana.example.test,Ana\n", 0, []string{`r.csv:2: bad email "ana.example.test": missing '@' or angle-addr`}},
		{"display name in email", "email\nAna <ana@example.test>\n", 0, []string{`r.csv:2: bad email "Ana <ana@example.test>": want a bare address like ana@example.test (put the name in the name column)`}},
		{"CRLF in name", "email,name\nana@example.test,\"Ana\r\nBcc: evil@example.test\"\n", 0, []string{`r.csv:2: column 2: line break inside a field`}},
		{"control char", "email,name\nana@example.test,Ana\x07\n", 0, []string{`r.csv:2: column 2: control character U+0007`}},
		{"duplicate any case: skipped", "email\nana@example.test\nbo@example.test\nANA@Example.TEST\nana@example.test\n", 2, nil},
		{"local part over 64", "email\n" + strings.Repeat("a", 65) + "@example.test\n", 0, []string{`r.csv:2: bad email "` + strings.Repeat("a", 65) + `@example.test": local part of 65 octets: the limit is 64 (RFC 5321)`}},
		{"domain over 255", "email\na@" + strings.Repeat("b", 252) + ".test\n", 0, []string{`r.csv:2: bad email "a@` + strings.Repeat("b", 78) + `…": domain of 257 octets: the limit is 255 (RFC 5321)`}},
		{"address over 254", "email\n" + strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".test\n", 0, []string{`r.csv:2: bad email "` + strings.Repeat("a", 64) + `@` + strings.Repeat("b", 15) + `…": address of 255 octets: the limit is 254 (RFC 5321)`}},
		{"name over 256 octets", "email,name\nana@example.test," + strings.Repeat("é", 129) + "\n", 0, []string{`r.csv:2: name of 258 octets: the limit is 256 (it goes in the To header, whose lines RFC 5322 limits to 998)`}},
		{"wrong column count", "email,name\nana@example.test,Ana,extra\nbo@example.test,Bo\n", 1, []string{`r.csv:2: wrong number of columns (compare with the header row)`}},
		{"bad locale", "email,locale\nana@example.test,catalan!\n", 0, []string{`r.csv:2: bad locale "catalan!" (want e.g. "ca", "fr_BE", "en-CA")`}},
		{"bare quote goes on", "email,name\nana@example.test,An\"a\nbo@example.test,Bo\n", 1, []string{`r.csv:2: bare " in non-quoted-field`}},
		{"empty email", "email,name\n,Ana\n", 0, []string{`r.csv:2: empty email`}},
		{"no dot in domain", "email\nana@localhost\n", 0, []string{`r.csv:2: bad email "ana@localhost": domain has no dot`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			good, bad := readAll(t, tt.src)
			if len(good) != tt.wantGood {
				t.Errorf("good rows = %d (%v), want %d", len(good), good, tt.wantGood)
			}
			if fmt.Sprint(bad) != fmt.Sprint(tt.wantBad) {
				t.Errorf("bad rows = %q, want %q", bad, tt.wantBad)
			}
		})
	}
}

func TestLineNumbersAcrossQuotedNewlines(t *testing.T) {
	src := "email,name\nana@example.test,\"multi\nline\"\nbo@example.test,Bo\nbad,Bo\n"
	_, bad := readAll(t, src)
	want := []string{`r.csv:2: column 2: line break inside a field`, `r.csv:5: bad email "bad": missing '@' or angle-addr`}
	if fmt.Sprint(bad) != fmt.Sprint(want) {
		t.Errorf("bad = %q, want %q", bad, want)
	}
}

// A million rows stream through with memory for the dedup set only.
func BenchmarkRead(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("email,name,locale,role\n")
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&sb, "user%d@example.test,User %d,ca,shopper\n", i, i)
	}
	src := sb.String()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, _ := NewReader(strings.NewReader(src), "b.csv")
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			n++
		}
		if n != 100000 {
			b.Fatal(n)
		}
	}
}

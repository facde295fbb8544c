package recipients

import (
	"bytes"
	"errors"
	"io/fs"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/mailer"
)

// The longest name and address a row may give still make a message whose
// every header line fits RFC 5322's 998 octets, in ASCII (quoted) and in
// the worst non-ASCII case (encoded words).
func TestLongestRowFitsInHeader(t *testing.T) {
	addr := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 184) + ".test"
	for _, name := range []string{strings.Repeat("n", MaxName), strings.Repeat("€", MaxName/3), strings.Repeat("\"\\", MaxName/2)} {
		src := "email,name\n" + addr + "," + csvQuote(name) + "\n"
		good, bad := readAll(t, src)
		if len(good) != 1 || len(bad) != 0 {
			t.Fatalf("row refused: %v", bad)
		}
		m, err := mailer.Build(&mailer.Email{
			From: &mail.Address{Name: "Katuma", Address: "noreply@katuma.test"}, To: &mail.Address{Name: good[0].Name, Address: good[0].Email},
			Subject: "x", Text: "x", MessageID: "id@katuma.test", Date: time.Unix(0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := m.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(b.String(), "\r\n") {
			if len(line) > 998 {
				t.Errorf("name of %d octets: line %d is %d octets", len(name), i+1, len(line))
			}
		}
	}
}

func csvQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func TestDuplicatesListed(t *testing.T) {
	r, err := NewReader(strings.NewReader("email\nana@example.test\nANA@example.test\nbo@example.test\nana@EXAMPLE.test\n"), "r.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		rc, err := r.Next()
		if err != nil {
			break
		}
		got = append(got, rc.Email)
	}
	want := []Duplicate{{"ANA@example.test", 3, 2}, {"ana@EXAMPLE.test", 5, 2}}
	if strings.Join(got, ",") != "ana@example.test,bo@example.test" || len(r.Duplicates()) != 2 || r.Duplicates()[0] != want[0] || r.Duplicates()[1] != want[1] {
		t.Errorf("rows %v, duplicates %+v; want the first of each and %+v", got, r.Duplicates(), want)
	}
}

func TestMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.csv")
	_, err := Open(p)
	var fe *FileError
	if !errors.As(err, &fe) || fe.File != p || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), p) {
		t.Errorf("Open(missing) = %v, want a *FileError naming %s", err, p)
	}
}

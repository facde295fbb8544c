package recipients

import (
	"errors"
	"io"
	"testing"
)

// sliceSource serves fixed rows, as a database source does.
type sliceSource struct{ rows []Recipient }

func (s *sliceSource) Next() (Recipient, error) {
	if len(s.rows) == 0 {
		return Recipient{}, io.EOF
	}
	r := s.rows[0]
	s.rows = s.rows[1:]
	return r, nil
}

func (s *sliceSource) Close() error { return nil }

func TestRegister(t *testing.T) {
	name := "postgresql 127.0.0.1:5432/test-register"
	Register(name, func() (Source, error) {
		return &sliceSource{rows: []Recipient{{Email: "ana@example.test", Line: 1}}}, nil
	})
	src, err := Open(name)
	if err != nil {
		t.Fatal(err)
	}
	r, err := src.Next()
	if err != nil || r.Email != "ana@example.test" {
		t.Errorf("Next() = %+v, %v; want ana@example.test", r, err)
	}
	if _, err := src.Next(); err != io.EOF {
		t.Errorf("Next() at the end = %v, want io.EOF", err)
	}
	// An unregistered name is a file.
	if _, err := Open("testdata/does-not-exist.csv"); err == nil {
		t.Error("Open(missing file): no error")
	}
}

func TestCheckAndSeen(t *testing.T) {
	for _, tt := range []struct {
		r    Recipient
		want string
	}{
		{Recipient{Email: "ana@example.test", Locale: "ca_ES"}, ""},
		{Recipient{Email: ""}, "empty email"},
		{Recipient{Email: "Ana <ana@example.test>"}, `bad email "Ana <ana@example.test>": want a bare address like ana@example.test (put the name in the name column)`},
		{Recipient{Email: "ana@example.test", Locale: "ca!"}, `bad locale "ca!" (want e.g. "ca", "fr_BE", "en-CA")`},
		{Recipient{Email: "ana@example.test", Name: "Ana\nBcc: x@example.test"}, "line break inside a field"},
	} {
		if got := Check(tt.r); got != tt.want {
			t.Errorf("Check(%+v) = %q, want %q", tt.r, got, tt.want)
		}
	}
	var s Seen
	if _, dup := s.Add(Recipient{Email: "Ana@Example.test"}, 3); dup {
		t.Error("first address reported as a duplicate")
	}
	if first, dup := s.Add(Recipient{Email: "ana@example.TEST"}, 7); !dup || first != 3 {
		t.Errorf("Add(same address, other case) = %d, %v; want 3, true", first, dup)
	}
	e := &RowError{File: "postgresql db:5432/ofn", Line: 9, Ref: "customers.id=5", Reason: "empty email"}
	if got, want := e.Error(), "postgresql db:5432/ofn: customers.id=5: empty email"; got != want {
		t.Errorf("RowError with Ref = %q, want %q", got, want)
	}
	var re *RowError
	if !errors.As(error(e), &re) {
		t.Error("not a *RowError")
	}
}

// Package recipients streams and normalises recipient lists: CSV files with a
// header row "email,name,locale,role" (only email is required), one row at a
// time, so a million-row file never sits in memory — or any other Source
// registered under a name (an instance's database: see Register).
package recipients

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/mail"
	"os"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Recipient is one valid row.
type Recipient struct {
	Email  string // as written, trimmed
	Name   string
	Locale string // as written ("fr_BE", "en-CA"), "" when not given
	Role   string
	Line   int // line in the file (row number in a database), for messages
}

// Key is the address normalised for deduplication and the ledger.
func (r Recipient) Key() string { return strings.ToLower(r.Email) }

// RowError is one bad row. Reading may continue after it.
type RowError struct {
	File   string
	Line   int
	Reason string
	// Ref, when set, locates the row instead of Line: a database row's key
	// ("spree_users.id=42").
	Ref string
}

func (e *RowError) Error() string {
	if e.Ref != "" {
		return fmt.Sprintf("%s: %s: %s", e.File, e.Ref, e.Reason)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
}

// Reader reads recipients from a CSV stream.
type Reader struct {
	file string
	csv  *csv.Reader
	c    io.Closer
	col  struct{ email, name, locale, role int }
	seen Seen
	dups []Duplicate
}

// Duplicate is a row skipped because an earlier row has the same address,
// in any case.
type Duplicate struct {
	Email       string
	Line, First int
}

// MaxName is the longest name, in octets, a row may give. With the longest
// address (RFC 5321: 254 octets) the To header line then stays within RFC
// 5322's 998 octets even when every character of the name is non-ASCII and
// encoded.
const MaxName = 256

// FileError is a recipients file that cannot be read at all.
type FileError struct {
	File string
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("recipients file %s: %v", e.File, e.Err) }
func (e *FileError) Unwrap() error { return e.Err }

// Open opens a recipients file, or the Source registered under that name.
func Open(path string) (Source, error) {
	if open := registered(path); open != nil {
		return open()
	}
	return OpenFile(path)
}

// OpenFile opens a recipients file.
func OpenFile(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is in FileError
		}
		return nil, &FileError{File: path, Err: err}
	}
	r, err := NewReader(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.c = f
	return r, nil
}

// NewReader reads the header row from rd; file names the source in messages.
func NewReader(rd io.Reader, file string) (*Reader, error) {
	br := bufio.NewReaderSize(rd, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3) // spreadsheet programs write a byte-order mark
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	r := &Reader{file: file, csv: cr}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &RowError{File: file, Line: 1, Reason: "empty file: want a header row \"email,name,locale,role\""}
	}
	if err != nil {
		return nil, csvError(file, err)
	}
	r.col.email, r.col.name, r.col.locale, r.col.role = -1, -1, -1, -1
	for i, h := range header {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "email":
			r.col.email = i
		case "name":
			r.col.name = i
		case "locale":
			r.col.locale = i
		case "role":
			r.col.role = i
		}
	}
	if r.col.email < 0 {
		return nil, &RowError{File: file, Line: 1, Reason: fmt.Sprintf("header %q has no \"email\" column", strings.Join(header, ","))}
	}
	cr.FieldsPerRecord = len(header)
	return r, nil
}

// Close closes the file opened by Open.
func (r *Reader) Close() error {
	if r.c != nil {
		return r.c.Close()
	}
	return nil
}

// Duplicates returns the rows skipped so far as duplicates of an earlier
// row's address (compared case-insensitively, as the ledger does).
func (r *Reader) Duplicates() []Duplicate { return r.dups }

// Next returns the next recipient, a *RowError for a bad row (call Next again
// to go on), or io.EOF. A row whose address an earlier row already had, in
// any case, is skipped (see Duplicates): the first row wins.
func (r *Reader) Next() (Recipient, error) {
	for {
		rcp, dup, err := r.next()
		if !dup {
			return rcp, err
		}
	}
}

func (r *Reader) next() (_ Recipient, dup bool, _ error) {
	rcp, err := r.row()
	if err != nil {
		return rcp, false, err
	}
	if first, seen := r.seen.Add(rcp, rcp.Line); seen {
		r.dups = append(r.dups, Duplicate{Email: rcp.Email, Line: rcp.Line, First: first})
		return Recipient{}, true, nil
	}
	return rcp, false, nil
}

func (r *Reader) row() (Recipient, error) {
	rec, err := r.csv.Read()
	if err == io.EOF {
		return Recipient{}, io.EOF
	}
	if err != nil {
		return Recipient{}, csvError(r.file, err)
	}
	line, _ := r.csv.FieldPos(0)
	for i, f := range rec {
		if reason := badText(f); reason != "" {
			return Recipient{}, &RowError{File: r.file, Line: line, Reason: fmt.Sprintf("column %d: %s", i+1, reason)}
		}
	}
	rcp := Recipient{Email: strings.TrimSpace(rec[r.col.email]), Line: line}
	if r.col.name >= 0 {
		rcp.Name = strings.TrimSpace(rec[r.col.name])
	}
	if r.col.locale >= 0 {
		rcp.Locale = strings.TrimSpace(rec[r.col.locale])
	}
	if r.col.role >= 0 {
		rcp.Role = strings.TrimSpace(rec[r.col.role])
	}
	if reason := Check(rcp); reason != "" {
		return Recipient{}, &RowError{File: r.file, Line: line, Reason: reason}
	}
	return rcp, nil
}

// Check returns why a recipient from any source cannot be mailed, or "": no
// address, a malformed one or one beyond RFC 5321's limits, a malformed
// locale, a name longer than MaxName, or a control character or line break
// in any field.
func Check(rcp Recipient) string {
	for _, f := range []string{rcp.Email, rcp.Name, rcp.Locale, rcp.Role} {
		if reason := badText(f); reason != "" {
			return reason
		}
	}
	if rcp.Email == "" {
		return "empty email"
	}
	if reason := badAddress(rcp.Email); reason != "" {
		return fmt.Sprintf("bad email %q: %s", shorten(rcp.Email), reason)
	}
	if rcp.Locale != "" && !localeRE.MatchString(rcp.Locale) {
		return fmt.Sprintf("bad locale %q (want e.g. \"ca\", \"fr_BE\", \"en-CA\")", rcp.Locale)
	}
	if len(rcp.Name) > MaxName {
		return fmt.Sprintf("name of %d octets: the limit is %d (it goes in the To header, whose lines RFC 5322 limits to 998)", len(rcp.Name), MaxName)
	}
	return ""
}

// Seen deduplicates addresses case-insensitively. It keeps a hash of each
// normalised address and its line: 36 bytes per address instead of the
// address, the name and a message.
type Seen struct{ m map[[32]byte]int }

// Add records r at line and reports whether its address was seen before,
// and on which line.
func (s *Seen) Add(r Recipient, line int) (first int, dup bool) {
	if s.m == nil {
		s.m = make(map[[32]byte]int)
	}
	h := sha256.Sum256([]byte(r.Key()))
	if first, dup := s.m[h]; dup {
		return first, true
	}
	s.m[h] = line
	return 0, false
}

var localeRE = regexp.MustCompile(`^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$`)

// badText rejects what could break a header or a terminal: CR, LF and every
// other control character, and invalid UTF-8.
func badText(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for _, c := range s {
		switch {
		case c == '\r' || c == '\n':
			return "line break inside a field"
		case unicode.IsControl(c) || c == '\u2028' || c == '\u2029':
			return fmt.Sprintf("control character %U", c)
		}
	}
	return ""
}

func badAddress(s string) string {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return strings.TrimPrefix(err.Error(), "mail: ")
	}
	if a.Name != "" || a.Address != s {
		return "want a bare address like ana@example.test (put the name in the name column)"
	}
	at := strings.LastIndexByte(s, '@')
	if !strings.Contains(s[at+1:], ".") {
		return "domain has no dot"
	}
	// RFC 5321 §4.5.3.1: servers need not accept more (and the path,
	// with its angle brackets, is at most 256).
	switch {
	case at > 64:
		return fmt.Sprintf("local part of %d octets: the limit is 64 (RFC 5321)", at)
	case len(s)-at-1 > 255:
		return fmt.Sprintf("domain of %d octets: the limit is 255 (RFC 5321)", len(s)-at-1)
	case len(s) > 254:
		return fmt.Sprintf("address of %d octets: the limit is 254 (RFC 5321)", len(s))
	}
	return ""
}

func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		reason := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			reason = "wrong number of columns (compare with the header row)"
		}
		return &RowError{File: file, Line: pe.StartLine, Reason: reason}
	}
	return fmt.Errorf("read %s: %w", file, err)
}

// shorten keeps a message about a huge field readable.
func shorten(s string) string {
	const n = 80
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

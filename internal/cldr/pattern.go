package cldr

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A pattern is a compiled CLDR date pattern
// (https://unicode.org/reports/tr35/tr35-dates.html#Date_Field_Symbol_Table),
// limited to the fields gen.mjs emits.
type pattern []op

type op struct {
	field field
	width int    // digits at least, for numbers
	end   bool   // from the end of a range
	text  string // for literals
}

type field uint8

const (
	literal   field = iota
	weekday         // EEEE: wide name
	day             // d, dd
	month           // MMMM: wide name, format context
	year            // y
	hour12          // h, hh: 1–12
	hour23          // H, HH: 0–23
	hour11          // K, KK: 0–11
	hour24          // k, kk: 1–24
	minute          // m, mm
	dayPeriod       // a: AM or PM
)

// fieldOf maps a pattern letter to its field and the letter counts allowed.
var fieldOf = map[byte]struct {
	field    field
	min, max int
}{
	'E': {weekday, 4, 4},
	'd': {day, 1, 2},
	'M': {month, 4, 4},
	'y': {year, 1, 1},
	'h': {hour12, 1, 2},
	'H': {hour23, 1, 2},
	'K': {hour11, 1, 2},
	'k': {hour24, 1, 2},
	'm': {minute, 1, 2},
	'a': {dayPeriod, 1, 1},
}

// The letters a date pattern and a time pattern may use: Date computes only
// the date of its time.Time and Time only the clock.
const (
	dateFields  = "EdMy"
	clockFields = "hHKkma"
)

// compile parses a CLDR pattern using only the letters in allowed. As in
// ICU's interval patterns, the first repeated field letter starts the end of
// a range: in "h:mm – h:mm a" the second h, its minutes and the a are the
// end time's.
func compile(p, allowed string) (pattern, error) {
	var out pattern
	var lit []byte
	var seen [128]bool
	end := false
	flush := func() {
		if len(lit) > 0 {
			out = append(out, op{field: literal, text: string(lit)})
			lit = lit[:0]
		}
	}
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'' && i+1 < len(p) && p[i+1] == '\'':
			lit = append(lit, '\'')
			i += 2
		case c == '\'':
			j := i + 1
			for ; ; j++ {
				if j == len(p) {
					return nil, fmt.Errorf("pattern %q: unterminated quote", p)
				}
				if p[j] != '\'' {
					lit = append(lit, p[j])
					continue
				}
				if j+1 < len(p) && p[j+1] == '\'' {
					lit = append(lit, '\'')
					j++
					continue
				}
				break
			}
			i = j + 1
		case isLetter(c):
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			f, ok := fieldOf[c]
			if !ok || strings.IndexByte(allowed, c) < 0 || j-i < f.min || j-i > f.max {
				return nil, fmt.Errorf("pattern %q: unsupported field %s", p, p[i:j])
			}
			flush()
			end = end || seen[c]
			seen[c] = true
			out = append(out, op{field: f.field, width: j - i, end: end})
			i = j
		default:
			lit = append(lit, c)
			i++
		}
	}
	flush()
	return out, nil
}

func (p pattern) has(f field) bool {
	for _, op := range p {
		if op.field == f {
			return true
		}
	}
	return false
}

// fields are what patterns read from a time.Time, in its own location. Date
// fills in the date and Time the clock; compile keeps each pattern to its
// half.
type fields struct {
	year    int
	month   time.Month
	day     int
	weekday time.Weekday
	hour    int
	minute  int
}

func dateOf(t time.Time) fields {
	y, m, d := t.Date()
	return fields{year: y, month: m, day: d, weekday: t.Weekday()}
}

func clockOf(t time.Time) fields {
	h, m, _ := t.Clock()
	return fields{hour: h, minute: m}
}

// append appends p formatted in l, taking end-of-range fields from z and the
// others from a.
func (p pattern) append(b []byte, l *Locale, a, z *fields) []byte {
	names, digits := l.names, l.digits
	for i := range p {
		op := &p[i]
		f := a
		if op.end {
			f = z
		}
		switch op.field {
		case literal:
			b = append(b, op.text...)
		case weekday:
			b = append(b, names.weekdays[f.weekday]...)
		case day:
			b = appendNum(b, f.day, op.width, digits)
		case month:
			b = append(b, names.months[f.month-1]...)
		case year:
			b = appendNum(b, f.year, 1, digits)
		case hour12:
			b = appendNum(b, (f.hour+11)%12+1, op.width, digits)
		case hour23:
			b = appendNum(b, f.hour, op.width, digits)
		case hour11:
			b = appendNum(b, f.hour%12, op.width, digits)
		case hour24:
			b = appendNum(b, (f.hour+23)%24+1, op.width, digits)
		case minute:
			b = appendNum(b, f.minute, op.width, digits)
		case dayPeriod:
			b = append(b, names.dayPeriods[f.hour/12]...)
		}
	}
	return b
}

// appendNum appends n ≥ 0, zero-padded to width digits (at most 2), in
// digits where they are not nil.
func appendNum(b []byte, n, width int, digits *[10]string) []byte {
	start := len(b)
	if width == 2 && n < 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(n), 10)
	if digits == nil {
		return b
	}
	var ascii [20]byte
	num := append(ascii[:0], b[start:]...)
	b = b[:start]
	for _, c := range num {
		b = append(b, digits[c-'0']...)
	}
	return b
}

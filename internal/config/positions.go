package config

import (
	"strconv"
	"strings"
)

// positions maps a dotted key path ("instances.katuma.smtp.port") to the line
// on which it is defined. BurntSushi/toml keeps this information private, so
// validation errors (which happen after decoding) would otherwise have no line.
// The scan understands what our files use: comments, [tables], [[arrays of
// tables]] (indexed as "name.N"), dotted and quoted keys, and values that span
// lines (arrays, inline tables, multi-line strings) — it only has to find where
// each key starts, never to parse values.
type positions map[string]int

func scanPositions(src string) positions {
	pos := positions{}
	arrays := map[string]int{} // array-of-tables path → next index
	var table []string
	depth := 0    // open [ or { of a value spanning lines
	inMulti := "" // closing delimiter of a multi-line string being skipped
	for n, line := range strings.Split(src, "\n") {
		lineNo := n + 1
		if inMulti != "" {
			if i := strings.Index(line, inMulti); i >= 0 {
				inMulti = ""
				line = line[i+3:]
				depth += bracketDelta(line)
			}
			continue
		}
		if depth > 0 {
			depth += bracketDelta(line)
			if depth < 0 {
				depth = 0
			}
			continue
		}
		t := strings.TrimSpace(line)
		switch {
		case t == "" || t[0] == '#':
			continue
		case strings.HasPrefix(t, "[["):
			end := strings.Index(t, "]]")
			if end < 0 {
				continue
			}
			name := splitKey(t[2:end])
			base := strings.Join(name, ".")
			idx := arrays[base]
			arrays[base] = idx + 1
			table = append(name, strconv.Itoa(idx))
			pos.set(base, lineNo)
			pos.set(strings.Join(table, "."), lineNo)
			continue
		case t[0] == '[':
			end := strings.LastIndex(t, "]")
			if end < 0 {
				continue
			}
			table = splitKey(t[1:end])
			pos.set(strings.Join(table, "."), lineNo)
			continue
		}
		eq := keyEnd(t)
		if eq < 0 {
			continue
		}
		key := append(append([]string{}, table...), splitKey(t[:eq])...)
		pos.set(strings.Join(key, "."), lineNo)
		val := strings.TrimSpace(t[eq+1:])
		for _, q := range []string{`"""`, `'''`} {
			if strings.HasPrefix(val, q) && !strings.Contains(val[3:], q) {
				inMulti = q
			}
		}
		if inMulti == "" {
			depth = bracketDelta(val)
			if depth < 0 {
				depth = 0
			}
		}
	}
	return pos
}

func (p positions) set(key string, line int) {
	if _, ok := p[key]; !ok {
		p[key] = line
	}
}

// line returns the line of key, or of its nearest enclosing table that has one.
func (p positions) line(key string) int {
	for key != "" {
		if l, ok := p[key]; ok {
			return l
		}
		i := strings.LastIndex(key, ".")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return 0
}

// keyEnd returns the index of the '=' that ends the key at the start of t,
// skipping quoted key parts, or -1.
func keyEnd(t string) int {
	var quote byte
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			return i
		}
	}
	return -1
}

// splitKey splits a (possibly dotted, possibly quoted) TOML key into parts.
func splitKey(s string) []string {
	var parts []string
	var b strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				b.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, strings.TrimSpace(b.String()))
			b.Reset()
		case c == ' ' || c == '\t':
		default:
			b.WriteByte(c)
		}
	}
	return append(parts, strings.TrimSpace(b.String()))
}

// bracketDelta counts opening minus closing brackets and braces outside strings
// and comments.
func bracketDelta(s string) int {
	d := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return d
		case c == '[' || c == '{':
			d++
		case c == ']' || c == '}':
			d--
		}
	}
	return d
}

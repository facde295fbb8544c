package inbox

import (
	"html"
	"strings"
)

// htmlToText turns an HTML mail body into the text a reader sees: block
// elements and <br> end lines, white space collapses, entities are decoded,
// script, style and head vanish, and the content of a <blockquote> comes out
// as "> " lines, so that StripQuoted treats quoted HTML like quoted text.
// It is a single linear pass that never fails: broken HTML gives broken text.
func htmlToText(s string) string {
	if len(s) > maxPartText {
		s = s[:maxPartText]
	}
	lower := asciiLower(s)
	w := htmlWriter{}
	for i := 0; i < len(s); {
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s) - i
			}
			w.text(html.UnescapeString(s[i : i+j]))
			i += j
			continue
		}
		if strings.HasPrefix(s[i:], "<!--") {
			j := strings.Index(s[i+4:], "-->")
			if j < 0 {
				break
			}
			i += 4 + j + 3
			continue
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		name, closing := tagName(lower[i+1 : i+j])
		i += j + 1
		switch name {
		case "script", "style", "head", "title", "xml", "template":
			if closing {
				continue
			}
			end := strings.Index(lower[i:], "</"+name)
			if end < 0 {
				i = len(s)
				continue
			}
			i += end
		case "br":
			w.newline(true)
		case "blockquote":
			w.newline(false)
			if closing {
				if w.depth > 0 {
					w.depth--
				}
			} else {
				w.depth++
			}
		case "pre":
			w.newline(false)
			w.pre = !closing
		case "li":
			w.newline(false)
			if !closing {
				w.text("- ")
			}
		case "p":
			w.paragraph()
		case "div", "tr", "table", "ul", "ol", "dl", "dt", "dd", "hr",
			"h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "center":
			w.newline(false)
		}
	}
	w.newline(false)
	return strings.TrimSpace(collapseBlankLines(w.out.String()))
}

// tagName returns the lower-case name of the tag whose inside is t ("a
// href=…", "/div", "br/") and whether it closes.
func tagName(t string) (string, bool) {
	closing := strings.HasPrefix(t, "/")
	t = strings.TrimPrefix(t, "/")
	end := strings.IndexAny(t, " \t\r\n/>")
	if end >= 0 {
		t = t[:end]
	}
	return t, closing
}

type htmlWriter struct {
	out   strings.Builder
	line  strings.Builder
	space bool // white space seen since the last word on this line
	depth int  // blockquote nesting
	pre   bool
}

func (w *htmlWriter) text(s string) {
	for _, r := range s {
		if w.pre {
			if r == '\n' {
				w.newline(true)
				continue
			}
			w.line.WriteRune(r)
			continue
		}
		switch r {
		case ' ', '\t', '\n', '\r', '\f', '\u00a0', '\u200b':
			w.space = w.line.Len() > 0
			continue
		}
		if w.space {
			w.line.WriteByte(' ')
			w.space = false
		}
		w.line.WriteRune(r)
	}
}

// newline ends the current line; when force is false an empty line is not
// written, so nested blocks do not pile up blank lines.
func (w *htmlWriter) newline(force bool) {
	if w.line.Len() == 0 && !force {
		return
	}
	if w.out.Len() >= maxPartText {
		w.line.Reset()
		return
	}
	if w.depth > 0 {
		w.out.WriteString(strings.Repeat(">", min(w.depth, maxDepth)))
		if w.line.Len() > 0 {
			w.out.WriteByte(' ')
		}
	}
	w.out.WriteString(strings.TrimRight(w.line.String(), " "))
	w.out.WriteByte('\n')
	w.line.Reset()
	w.space = false
}

// paragraph ends the current line and leaves a blank one after it.
func (w *htmlWriter) paragraph() {
	w.newline(false)
	if w.out.Len() > 0 && !strings.HasSuffix(w.out.String(), "\n\n") {
		w.newline(true)
	}
}

// asciiLower lower-cases ASCII letters only, so byte offsets stay the same.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// collapseBlankLines leaves at most one blank line in a row.
func collapseBlankLines(s string) string {
	var b strings.Builder
	blank := 0
	for line := range strings.Lines(s) {
		if strings.TrimSpace(line) == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		b.WriteString(line)
	}
	return b.String()
}

package render

import (
	"bytes"
	"strings"
	"text/template/parse"

	htmltemplate "html/template"
	texttemplate "text/template"
)

// The body of a notice is the same for every reader of a locale except for
// the greeting. Rather than run the templates (reflection, escaping, link
// detection) once per recipient, each edition runs them once with a marker in
// place of the greeting, keeps the pieces around it, and Render joins the
// pieces around each reader's greeting. This is several times faster and
// byte-for-byte the same as running the templates, which is checked:
//   - a template that mentions .Recipient gets no shortcut (its output may
//     depend on the reader in ways a marker cannot stand for);
//   - the marker is run a second time with characters that need escaping
//     appended, and every place it lands must have escaped them exactly as
//     escapeHTML does (true in HTML text and quoted attributes; anywhere
//     else, the shortcut is off for that template).

const (
	marker = "ANNOUNCEGREETINGMARKER7f3a9c"
	probe  = "<>&'\"+\x00"
)

// skeleton is a rendered template split around the greeting.
type skeleton []string

func (s skeleton) fill(greeting string, b *strings.Builder) {
	for i, part := range s {
		if i > 0 {
			b.WriteString(greeting)
		}
		b.WriteString(part)
	}
}

// size is the skeleton's length with a greeting of n bytes.
func (s skeleton) size(n int) int {
	total := n * (len(s) - 1)
	for _, p := range s {
		total += len(p)
	}
	return total
}

// executor runs a template with a view.
type executor func(*bytes.Buffer, *View) error

// buildSkeleton returns the skeleton of a template for edition e, or nil when
// the shortcut would not be exact. Running the template here also finds, once
// per locale and before anything is sent, what would fail for every reader
// (a missing message, a bad field): that is returned as an error.
func buildSkeleton(name string, run executor, trees []*parse.Tree, e *Edition, escape func(string) string) (skeleton, error) {
	for _, t := range trees {
		if t != nil && mentionsRecipient(t.Root) {
			return nil, nil
		}
	}
	v := e.base
	v.Greeting = marker
	var plain, probed bytes.Buffer
	if err := run(&plain, &v); err != nil {
		return nil, execError(name, err)
	}
	v.Greeting = marker + probe
	if err := run(&probed, &v); err != nil {
		return nil, execError(name, err)
	}
	parts := strings.Split(plain.String(), marker)
	var want strings.Builder
	skeleton(parts).fill(marker+escape(probe), &want)
	if want.String() != probed.String() {
		return nil, nil
	}
	return parts, nil
}

// mentionsRecipient reports whether a template refers to .Recipient.
func mentionsRecipient(n parse.Node) bool {
	found := false
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		if n == nil || found {
			return
		}
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			found = found || (len(n.Ident) > 0 && n.Ident[0] == "Recipient")
		case *parse.VariableNode:
			found = found || (len(n.Ident) > 1 && n.Ident[1] == "Recipient")
		case *parse.ChainNode:
			walk(n.Node)
			found = found || (len(n.Field) > 0 && n.Field[0] == "Recipient")
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	walk(n)
	return found
}

func textTrees(t *texttemplate.Template) []*parse.Tree {
	var out []*parse.Tree
	for _, tt := range t.Templates() {
		out = append(out, tt.Tree)
	}
	return out
}

func htmlTrees(t *htmltemplate.Template) []*parse.Tree {
	var out []*parse.Tree
	for _, tt := range t.Templates() {
		out = append(out, tt.Tree)
	}
	return out
}

func identity(s string) string { return s }

// escapeHTML escapes like html/template in HTML text: the probe check proves
// the two agree for every character either treats specially.
var htmlReplacer = strings.NewReplacer(
	"\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;",
)

func escapeHTML(s string) string { return htmlReplacer.Replace(s) }

// greetingSkeleton splits greeting_name around the name, checked the same way.
func greetingSkeleton(l *Lang) skeleton {
	a, err := l.localize("greeting_name", map[string]any{"Name": marker}, nil)
	if err != nil {
		return nil
	}
	b, err := l.localize("greeting_name", map[string]any{"Name": marker + probe}, nil)
	if err != nil {
		return nil
	}
	parts := strings.Split(a, marker)
	var want strings.Builder
	skeleton(parts).fill(marker+probe, &want)
	if want.String() != b {
		return nil
	}
	return parts
}

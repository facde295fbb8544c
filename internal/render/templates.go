package render

import (
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"regexp"
	"strings"
	texttemplate "text/template"

	"github.com/openfoodfoundation/announce/internal/config"
)

// noticeTemplates are the three parsed templates of one notice.
type noticeTemplates struct {
	text  *texttemplate.Template // email/<notice>.txt.tmpl + email/common.txt.tmpl
	html  *htmltemplate.Template // email/layout.html.tmpl + email/<notice>.html.tmpl
	forum *texttemplate.Template // forum/<notice>.md.tmpl
}

// loadTemplates parses every notice's templates from fsys; dir names it in
// messages. Parse errors carry the file and line.
func loadTemplates(fsys fs.FS, dir string) (map[config.Notice]*noticeTemplates, error) {
	out := map[config.Notice]*noticeTemplates{}
	var errs []error
	for _, n := range config.AllNotices {
		nt := &noticeTemplates{}
		var err error
		if nt.text, err = parseText(fsys, dir, "email/"+string(n)+".txt.tmpl", "email/common.txt.tmpl"); err != nil {
			errs = append(errs, err)
		}
		if nt.html, err = parseHTML(fsys, dir, "email/layout.html.tmpl", "email/"+string(n)+".html.tmpl"); err != nil {
			errs = append(errs, err)
		}
		if nt.forum, err = parseText(fsys, dir, "forum/"+string(n)+".md.tmpl"); err != nil {
			errs = append(errs, err)
		}
		out[n] = nt
	}
	return out, errors.Join(errs...)
}

func parseText(fsys fs.FS, dir string, names ...string) (*texttemplate.Template, error) {
	var t *texttemplate.Template
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path.Join(dir, name), unwrapPath(err))
		}
		if t == nil {
			t = texttemplate.New(path.Join(dir, name)).Option("missingkey=error")
		} else {
			t = t.New(path.Join(dir, name))
		}
		if _, err := t.Parse(string(src)); err != nil {
			return nil, templateError(err)
		}
	}
	return t.Lookup(path.Join(dir, names[0])), nil
}

func parseHTML(fsys fs.FS, dir string, names ...string) (*htmltemplate.Template, error) {
	t := htmltemplate.New("layout").Option("missingkey=error").Funcs(htmltemplate.FuncMap{"linkify": linkify})
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path.Join(dir, name), unwrapPath(err))
		}
		if _, err := t.New(path.Join(dir, name)).Parse(string(src)); err != nil {
			return nil, templateError(err)
		}
	}
	if t.Lookup("layout") == nil || t.Lookup("content") == nil {
		return nil, fmt.Errorf("%s: must define \"content\" (and %s must define \"layout\")", path.Join(dir, names[1]), path.Join(dir, names[0]))
	}
	return t.Lookup("layout"), nil
}

// templateError rewrites text/template's "template: NAME:LINE: msg" as
// "NAME:LINE: msg", the shape of every other input error.
func templateError(err error) error {
	return errors.New(strings.TrimPrefix(err.Error(), "template: "))
}

// execError names the message a template asked for when that is the problem,
// rather than text/template's long chain.
func execError(tmpl string, err error) error {
	var me *MessageError
	if errors.As(err, &me) {
		return fmt.Errorf("%w (used by %s)", me, tmpl)
	}
	return templateError(err)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+[^\s<>".,;:!?)]|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)

// linkify escapes s for HTML and turns its URLs and e-mail addresses into links.
func linkify(s string) htmltemplate.HTML {
	var b strings.Builder
	last := 0
	for _, m := range linkRE.FindAllStringIndex(s, -1) {
		b.WriteString(htmltemplate.HTMLEscapeString(s[last:m[0]]))
		link := s[m[0]:m[1]]
		href := link
		if !strings.HasPrefix(link, "http") {
			href = "mailto:" + link
		}
		fmt.Fprintf(&b, `<a href="%s">%s</a>`, htmltemplate.HTMLEscapeString(href), htmltemplate.HTMLEscapeString(link))
		last = m[1]
	}
	b.WriteString(htmltemplate.HTMLEscapeString(s[last:]))
	return htmltemplate.HTML(b.String())
}

package site

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
)

// loadTemplates parses site/*.html.tmpl; each page is a named template
// ("instance", "maintenance", "fleet"), "style" is shared.
func loadTemplates(fsys fs.FS, dir string) (*template.Template, error) {
	names, err := fs.Glob(fsys, "site/*.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", path.Join(dir, "site"), err)
	}
	t := template.New("site").Option("missingkey=error")
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path.Join(dir, name), err)
		}
		if _, err := t.New(path.Join(dir, name)).Parse(string(src)); err != nil {
			return nil, errors.New(strings.TrimPrefix(err.Error(), "template: "))
		}
	}
	for _, page := range []string{"style", "instance", "maintenance", "fleet"} {
		if t.Lookup(page) == nil {
			return nil, fmt.Errorf("%s: no template defines %q", path.Join(dir, "site"), page)
		}
	}
	return t, nil
}

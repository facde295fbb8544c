package render

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Catalog holds the message files of locales/, one go-i18n bundle per file.
// A bundle per file (rather than one bundle for all) is what makes a missing
// key an error: go-i18n falls back to a bundle's default language, and each of
// our bundles has only its own, so there is nothing to fall back to — never
// silently English for a Catalan reader.
type Catalog struct {
	langs map[string]*Lang // by canonical tag ("ca", "fr", "fr-CA")
}

// Lang is one message file.
type Lang struct {
	Tag    language.Tag
	File   string // path for messages, e.g. "locales/ca.toml"
	bundle *i18n.Bundle
	ids    []string        // sorted message ids
	plural map[string]bool // ids with plural forms
	loc    *i18n.Localizer
}

// IDs returns the file's message ids, sorted.
func (l *Lang) IDs() []string { return l.ids }

// LoadCatalog reads every *.toml in fsys; dir is the directory's name as the
// user sees it, for messages.
func LoadCatalog(fsys fs.FS, dir string) (*Catalog, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no message files (*.toml)", dir)
	}
	c := &Catalog{langs: map[string]*Lang{}}
	var errs []error
	for _, name := range names {
		file := path.Join(dir, name)
		l, err := loadLang(fsys, name, file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		key := l.Tag.String()
		if prev, dup := c.langs[key]; dup {
			errs = append(errs, fmt.Errorf("%s: language %s is also in %s", file, key, prev.File))
			continue
		}
		c.langs[key] = l
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

func loadLang(fsys fs.FS, name, file string) (*Lang, error) {
	base := strings.TrimSuffix(name, ".toml")
	tag, err := ParseTag(base)
	if err != nil {
		return nil, fmt.Errorf("%s: file name must be a language tag such as ca.toml or fr-CA.toml: %v", file, err)
	}
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	// Decode once with BurntSushi/toml ourselves: it gives line numbers that
	// go-i18n's own parsing error loses.
	var raw map[string]any
	if _, err := toml.Decode(string(src), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %s", file, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	b := i18n.NewBundle(tag)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	// go-i18n takes the language from the file name; we hand it the canonical
	// tag so "fr_CA.toml" and "fr-CA.toml" mean the same.
	mf, err := b.ParseMessageFileBytes(src, tag.String()+".toml")
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	l := &Lang{Tag: tag, File: file, bundle: b, plural: map[string]bool{}}
	for _, m := range mf.Messages {
		l.ids = append(l.ids, m.ID)
		if m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != "" {
			l.plural[m.ID] = true
		}
	}
	slices.Sort(l.ids)
	l.loc = i18n.NewLocalizer(b, tag.String())
	return l, nil
}

// Langs returns the catalog's languages sorted by tag.
func (c *Catalog) Langs() []*Lang {
	out := make([]*Lang, 0, len(c.langs))
	for _, l := range c.langs {
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b *Lang) int { return strings.Compare(a.Tag.String(), b.Tag.String()) })
	return out
}

// Lookup returns the message file for a reader's locale: the exact regional
// file when there is one (fr-CA.toml), else the language's (fr.toml).
func (c *Catalog) Lookup(tag language.Tag) (*Lang, error) {
	if l, ok := c.langs[tag.String()]; ok {
		return l, nil
	}
	base, _ := tag.Base()
	if l, ok := c.langs[base.String()]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("no messages for locale %s: add locales/%s.toml", tag, base)
}

// localize renders message id with data; any miss is an error naming the file.
func (l *Lang) localize(id string, data map[string]any, count any) (string, error) {
	s, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		var nf *i18n.MessageNotFoundErr
		if errors.As(err, &nf) {
			return "", l.missing(id)
		}
		return "", &MessageError{File: l.File, ID: id, Problem: err.Error()}
	}
	if strings.Contains(s, "<no value>") {
		return "", &MessageError{File: l.File, ID: id, Problem: fmt.Sprintf("uses a variable that does not exist here (got %q)", s)}
	}
	return s, nil
}

func (l *Lang) missing(id string) error {
	return &MessageError{File: l.File, ID: id, Problem: "is missing"}
}

// MessageError is a problem with one message of one locale file.
type MessageError struct {
	File, ID, Problem string
}

func (e *MessageError) Error() string {
	return fmt.Sprintf("%s: message %q %s", e.File, e.ID, e.Problem)
}

// ParseTag reads a locale as OFN writes it ("en_CA", "fr_BE") or as BCP 47
// ("en-CA").
func ParseTag(s string) (language.Tag, error) {
	return language.Parse(strings.ReplaceAll(s, "_", "-"))
}

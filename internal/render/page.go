package render

import (
	htmltemplate "html/template"

	"github.com/openfoodfoundation/announce/internal/cldr"
)

// Page returns what a page about the window (not an email) needs in the
// edition's language: the View a template sees, greeting without a name.
// The status site and the maintenance page are built from it, so they say
// what the emails say, in the same words and with the same dates.
func (e *Edition) Page() *View {
	v := e.base
	return &v
}

// Dates returns the edition's CLDR formats, for the dates a page shows
// beyond the window's own (when a notice went out, the UTC times).
func (e *Edition) Dates() *cldr.Locale { return e.cal }

// Format localizes message id with the window's variables plus data (say
// {"When": …}): the messages of pages, which need values of their own.
func (e *Edition) Format(id string, data map[string]any) (string, error) {
	d := make(map[string]any, len(e.data)+len(data))
	for k, v := range e.data {
		d[k] = v
	}
	for k, v := range data {
		d[k] = v
	}
	return e.lang.localize(id, d, nil)
}

// Linkify escapes s for HTML and turns its URLs and e-mail addresses into
// links, as the email templates' linkify does.
func Linkify(s string) htmltemplate.HTML { return linkify(s) }

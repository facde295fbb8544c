package render

import "github.com/openfoodfoundation/announce/internal/cldr"

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

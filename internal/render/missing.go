package render

import (
	"errors"
	"fmt"
	"slices"
)

// MissingMessages reports every message that some locale files have and
// others lack, as "file: message "id" is missing (other-file has it)": a
// reader must never get English because a key is missing.
func (c *Catalog) MissingMessages() error {
	langs := c.Langs()
	has := map[string][]string{} // id → files that have it
	for _, l := range langs {
		for _, id := range l.IDs() {
			has[id] = append(has[id], l.File)
		}
	}
	ids := make([]string, 0, len(has))
	for id := range has {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var errs []error
	for _, l := range langs {
		for _, id := range ids {
			if !slices.Contains(l.IDs(), id) {
				errs = append(errs, fmt.Errorf("%s: message %q is missing (%s has it)", l.File, id, has[id][0]))
			}
		}
	}
	return errors.Join(errs...)
}

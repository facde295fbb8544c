package dispatch

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/openfoodfoundation/announce/internal/ledger"
)

// WriteSuppressions writes the list as a table for the operator.
func WriteSuppressions(w io.Writer, ss []ledger.Suppression) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ADDRESS\tSINCE\tSOURCE\tREASON")
	for _, s := range ss {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Address, s.Since.UTC().Format("2006-01-02 15:04Z"), s.Source, s.Reason)
	}
	return tw.Flush()
}

// SuppressionJSON is one address of suppress list --format json.
type SuppressionJSON struct {
	Address string    `json:"address"`
	Since   time.Time `json:"since"`
	Source  string    `json:"source"`
	Reason  string    `json:"reason"`
}

// WriteSuppressionsJSON writes the list as JSON lines, one object an address.
func WriteSuppressionsJSON(w io.Writer, ss []ledger.Suppression) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, s := range ss {
		if err := enc.Encode(SuppressionJSON{s.Address, s.Since.UTC(), s.Source, s.Reason}); err != nil {
			return err
		}
	}
	return nil
}

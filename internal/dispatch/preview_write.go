package dispatch

import (
	"fmt"
	"io"
)

// Write writes the preview in format: text (WriteText) or json (WriteJSON).
func (pv *Preview) Write(w io.Writer, format string) error {
	switch format {
	case "text":
		return pv.WriteText(w)
	case "json":
		return pv.WriteJSON(w)
	}
	return fmt.Errorf("preview: unknown format %q", format)
}

package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/ofndb"
)

// printSegments adds the census per segment and locale to the dry run of an
// instance whose recipients come from its database (segments strongest
// first; a CSV's free-form roles are not counted).
func printSegments(w io.Writer, np *dispatch.NoticePreview) {
	if np.Job().Instance.Database() == nil {
		return
	}
	for _, s := range ofndb.Segments {
		per := np.Census.PerRole[s.Role()]
		if len(per) == 0 {
			continue
		}
		total := 0
		var parts []string
		for _, ed := range np.Prepared.Editions() {
			if n := per[ed.Locale()]; n > 0 {
				total += n
				parts = append(parts, fmt.Sprintf("%s %d", ed.Locale(), n))
			}
		}
		fmt.Fprintf(w, "  %-24s %5d  as %s (%s)\n", string(s)+":", total, s.Role(), strings.Join(parts, ", "))
	}
}

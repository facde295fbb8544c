package support

import (
	"errors"
	"strings"

	"github.com/openfoodfoundation/announce/internal/recipients"
)

// RecipientLocale looks an address up in the recipients file at path, for a
// reply from someone the ledger has no delivery for, and remembers the
// answer. Each new lookup reads the file (streamed): it happens for a
// handful of replies, and keeps no list in memory. An unreadable file, or
// an address not in it, gives "".
func RecipientLocale(path string) func(addr string) string {
	cache := map[string]string{}
	return func(addr string) string {
		addr = strings.ToLower(addr)
		if loc, ok := cache[addr]; ok {
			return loc
		}
		loc := ""
		if rd, err := recipients.Open(path); err == nil {
			for {
				rcp, err := rd.Next()
				if err != nil {
					var row *recipients.RowError
					if errors.As(err, &row) {
						continue
					}
					break
				}
				if rcp.Key() == addr {
					loc = rcp.Locale
					break
				}
			}
			rd.Close()
		}
		cache[addr] = loc
		return loc
	}
}

package support

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseSince reads digest --since: a Go duration or a number of days
// ("7d"); "" is 0, no period.
func ParseSince(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("bad duration %q (want e.g. 24h or 7d)", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("bad duration %q (want e.g. 24h or 7d)", s)
	}
	return d, nil
}

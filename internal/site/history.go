package site

import (
	"context"

	"github.com/openfoodfoundation/announce/internal/ledger"
)

// History is what the ledger says went out, per instance key. A nil History
// means there is no ledger: the site shows the schedule alone.
type History map[string]*Record

// Record is one instance's history in a campaign.
type Record struct {
	// Notices are the recorded outcomes by ledger notice key ("announce",
	// "reschedule-1", …): sent, or expired.
	Notices map[string]ledger.NoticeRecord
	// Told is the last window readers were told about (nil: nobody was).
	Told *ledger.Told
}

// ReadHistory reads the campaign's notice outcomes and told windows for the
// instances. It only reads.
func ReadHistory(ctx context.Context, l *ledger.Ledger, campaign string, keys []string) (History, error) {
	outcomes, err := l.NoticeOutcomes(ctx, campaign)
	if err != nil {
		return nil, err
	}
	h := History{}
	for _, k := range keys {
		r := &Record{Notices: map[string]ledger.NoticeRecord{}}
		for key, rec := range outcomes {
			if key.Instance == k {
				r.Notices[key.Notice] = rec
			}
		}
		t, _, ok, err := l.LastTold(ctx, campaign, k)
		if err != nil {
			return nil, err
		}
		if ok {
			r.Told = &t
		}
		h[k] = r
	}
	return h, nil
}

// sequence is the SEQUENCE of the instance's calendar event as readers
// have it or are about to get it, the way dispatch numbers it: what the last
// told notice carried, one more once the window changed or was cancelled
// (the reschedule or cancel notice carries that), 0 before anyone was told.
func (h History) sequence(key string, changed bool) int {
	r := h[key]
	if r == nil || r.Told == nil {
		return 0
	}
	if changed {
		return r.Told.Sequence + 1
	}
	return r.Told.Sequence
}

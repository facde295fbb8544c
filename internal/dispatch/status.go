package dispatch

import (
	"context"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/timing"
)

// NoticeStatus is where one notice of one instance stands; its JSON is
// `announce status --format json`, one object per line.
type NoticeStatus struct {
	Instance   string    `json:"instance"`
	Notice     string    `json:"notice"`
	DueLocal   string    `json:"due_local"`
	DueUTC     time.Time `json:"due_utc"`
	ValidUntil time.Time `json:"valid_until_utc"`
	// State is waiting, due, sending, sent, expired, failed or uncertain.
	State      string `json:"state"`
	Detail     string `json:"detail,omitempty"`
	Sent       int    `json:"sent"`
	Failed     int    `json:"failed"`
	Suppressed int    `json:"suppressed"`
	Pending    int    `json:"pending"`
	Uncertain  int    `json:"uncertain"` // maybe delivered, held: --resend-uncertain
	ForumURL   string `json:"forum_url,omitempty"`
	// Forced is what the timing guard said when a send by hand overrode it
	// with --force (the latest such send).
	Forced string `json:"forced,omitempty"`
}

// Status reports, for every scheduled notice of each instance in keys, when
// it is due and what the ledger says became of it, as at now.
// With l nil (no ledger yet) nothing was sent.
func Status(ctx context.Context, l *ledger.Ledger, inst *config.Instances, sched *config.Schedule, keys []string, now time.Time) ([]NoticeStatus, error) {
	outcomes, posted := map[ledger.NoticeKey]ledger.NoticeRecord{}, map[ledger.NoticeKey]ledger.ForumPost{}
	forced := map[ledger.NoticeKey]string{}
	if l != nil {
		ov, err := l.Overrides(ctx, sched.Campaign)
		if err != nil {
			return nil, err
		}
		for _, o := range ov {
			forced[ledger.NoticeKey{Instance: o.Instance, Notice: o.Notice}] = o.Reason
		}
		if outcomes, err = l.NoticeOutcomes(ctx, sched.Campaign); err != nil {
			return nil, err
		}
		if posted, err = l.ForumPosts(ctx, sched.Campaign); err != nil {
			return nil, err
		}
	}
	var rows []NoticeStatus
	for _, key := range keys {
		in := inst.Instances[key]
		w, _ := sched.Window(key)
		for _, m := range timing.Moments(in, w, sched) {
			var c ledger.Counts
			if l != nil {
				var err error
				if c, err = l.Counts(ctx, ledger.Scope{Campaign: sched.Campaign, Notice: string(m.Notice), Instance: key}); err != nil {
					return nil, err
				}
			}
			st := NoticeStatus{
				Instance: key, Notice: string(m.Notice),
				DueLocal: m.Due.In(in.Location()).Format("Mon 2006-01-02 15:04 MST"), DueUTC: m.Due.UTC(), ValidUntil: m.Until.UTC(),
				Sent: c.Sent, Failed: c.FailedTemp + c.FailedPerm, Suppressed: c.Suppressed, Pending: c.Pending + c.Sending,
				Uncertain: c.Uncertain,
			}
			k := ledger.NoticeKey{Instance: key, Notice: string(m.Notice)}
			st.ForumURL, st.Forced = posted[k].URL, forced[k]
			rec, done := outcomes[k]
			switch {
			case done:
				st.State, st.Detail = rec.State, rec.Detail
			case c.Sending > 0:
				st.State = "sending"
			case c.FailedTemp > 0:
				st.State = "failed"
			case c.Uncertain > 0:
				st.State = "uncertain"
			default:
				st.State = string(m.At(now))
			}
			rows = append(rows, st)
		}
	}
	return rows, nil
}

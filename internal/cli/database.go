package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/ofndb"
	"github.com/openfoodfoundation/announce/internal/plan"
	"github.com/openfoodfoundation/announce/internal/recipients"
)

// openDatabase reads an instance's connection string (from the environment
// or a file, never printed) and parses it.
func openDatabase(env *Env, in *config.Instance) (*ofndb.DB, error) {
	d := in.Database()
	url, err := resolveSecret(env, in.Key+": recipients database", d.URL())
	if err != nil {
		return nil, err
	}
	db, err := ofndb.New(url, ofndb.Options{StatementTimeout: d.StatementTimeout, ConnectTimeout: d.ConnectTimeout})
	if err != nil {
		return nil, badInput(fmt.Errorf("%s: recipients database: %w", in.Key, err))
	}
	return db, nil
}

// useDatabases makes each of the instances whose recipients are a database
// read them from it: it registers the database as the recipients source
// and names it in in.Recipients, where the census, the dry run, the send
// and check look for recipients. Nothing is read yet.
func useDatabases(ctx context.Context, env *Env, inst *config.Instances, sched *config.Schedule, keys []string) error {
	var errs []error
	for _, key := range keys {
		in := inst.Instances[key]
		if in.Database() == nil {
			continue
		}
		db, err := openDatabase(env, in)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var segs []ofndb.Segment
		for _, name := range in.Database().Segments {
			s, err := ofndb.ParseSegment(name) // config has checked the names
			if err != nil {
				return err
			}
			segs = append(segs, s)
		}
		var span ofndb.Span // no window (check without a schedule): no shop is open
		if sched != nil {
			if w, ok := sched.Window(key); ok {
				span = ofndb.Span{Start: w.Begin(), End: w.LatestEnd()}
			}
		}
		name := fmt.Sprintf("postgresql %s (%s)", db.Server(), strings.Join(in.Database().Segments, ", "))
		// The census, a send's list and the send read the same snapshot
		// (held until the process ends): someone who joins in between
		// waits for the next run rather than reaching the send unlisted.
		var pin sync.Once
		var pinErr error
		recipients.Register(name, func() (recipients.Source, error) {
			if pin.Do(func() { _, pinErr = db.Pin(ctx) }); pinErr != nil {
				return nil, pinErr
			}
			return db.Recipients(ctx, segs, span)
		})
		in.Recipients = name
	}
	return errors.Join(errs...)
}

// liveOrderCycles reads, for each instance with a database and a window,
// the order cycles that open or close from an hour before the window to
// plan.Horizon after its latest end: what the planner checks the window and
// its suggestions against.
func liveOrderCycles(ctx context.Context, env *Env, inst *config.Instances, sched *config.Schedule) (map[string][]plan.OrderCycle, error) {
	out := map[string][]plan.OrderCycle{}
	var errs []error // every instance's, so check reports them all in one pass
	for _, key := range inst.Keys() {
		in := inst.Instances[key]
		w, ok := sched.Window(key)
		if !ok || w.Cancelled || in.Database() == nil {
			continue
		}
		db, err := openDatabase(env, in)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ocs, err := db.OrderCycles(ctx, w.Begin().Add(-plan.Lookback), w.LatestEnd().Add(plan.Horizon))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, oc := range ocs {
			out[key] = append(out[key], plan.OrderCycle{Name: oc.Name, Coordinator: oc.Coordinator, Opens: oc.Opens, Closes: oc.Closes})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// databaseFault reports whether err is a database that could not be read
// (down, refused, timed out) rather than one that does not fit (ErrSchema).
func databaseFault(err error) bool {
	var dbe *ofndb.Error
	return errors.As(err, &dbe) && !errors.Is(err, ofndb.ErrSchema)
}

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

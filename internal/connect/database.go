package connect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/ofndb"
	"github.com/openfoodfoundation/announce/internal/plan"
	"github.com/openfoodfoundation/announce/internal/recipients"
)

// Database reads an instance's connection string (from the environment or
// a file, never printed) and parses it.
func (e Env) Database(in *config.Instance) (*ofndb.DB, error) {
	d := in.Database()
	url, err := Secret(e.Getenv, in.Key+": recipients database", d.URL())
	if err != nil {
		return nil, err
	}
	db, err := ofndb.New(url, ofndb.Options{StatementTimeout: d.StatementTimeout, ConnectTimeout: d.ConnectTimeout})
	if err != nil {
		return nil, badInput(fmt.Errorf("%s: recipients database: %w", in.Key, err))
	}
	return db, nil
}

// UseDatabases makes each of the instances whose recipients are a database
// read them from it: it registers the database as the recipients source
// and names it in in.Recipients, where the census, the dry run, the send
// and check look for recipients. Nothing is read yet.
func (e Env) UseDatabases(ctx context.Context, inst *config.Instances, sched *config.Schedule, keys []string) error {
	var errs []error
	for _, key := range keys {
		in := inst.Instances[key]
		if in.Database() == nil {
			continue
		}
		db, err := e.Database(in)
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

// LiveOrderCycles reads, for each instance with a database and a window,
// the order cycles that open or close from an hour before the window to
// plan.Horizon after its latest end: what the planner checks the window and
// its suggestions against. It reads every instance's, and reports every
// database it could not read.
func (e Env) LiveOrderCycles(ctx context.Context, inst *config.Instances, sched *config.Schedule) (map[string][]plan.OrderCycle, error) {
	out := map[string][]plan.OrderCycle{}
	var errs []error
	for _, key := range inst.Keys() {
		in := inst.Instances[key]
		w, ok := sched.Window(key)
		if !ok || w.Cancelled || in.Database() == nil {
			continue
		}
		db, err := e.Database(in)
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

// DatabaseFault reports whether err is a database that could not be read
// (down, refused, timed out) rather than one that does not fit (ErrSchema).
func DatabaseFault(err error) bool {
	var dbe *ofndb.Error
	return errors.As(err, &dbe) && !errors.Is(err, ofndb.ErrSchema)
}

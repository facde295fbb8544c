package ofndb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/pgstack"
	"github.com/openfoodfoundation/announce/internal/recipients"
)

// window is the seed's window: 2019-05-07 09:00–12:00 CEST (latest end).
var window = Span{Start: time.Date(2019, 5, 7, 7, 0, 0, 0, time.UTC), End: time.Date(2019, 5, 7, 10, 0, 0, 0, time.UTC)}

// seeded returns a fresh database holding the fixture schema and seed rows.
func seeded(t *testing.T) (*pgstack.Stack, string) {
	t.Helper()
	s := pgstack.Load(t)
	db := s.NewDatabase(t)
	s.ExecFile(t, db, "testdata/schema.sql")
	s.ExecFile(t, db, "testdata/seed.sql")
	return s, db
}

func open(t *testing.T, url string, o Options) *DB {
	t.Helper()
	db, err := New(url, o)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// readAll drains a stream: one line per recipient ("email|name|locale|role")
// and one per bad row ("bad ref: reason").
func readAll(t *testing.T, src recipients.Source) []string {
	t.Helper()
	defer src.Close()
	var out []string
	for {
		r, err := src.Next()
		if err == io.EOF {
			return out
		}
		var bad *recipients.RowError
		if errors.As(err, &bad) {
			out = append(out, "bad "+bad.Ref+": "+bad.Reason)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, strings.Join([]string{r.Email, r.Name, r.Locale, r.Role}, "|"))
	}
}

func TestSegments(t *testing.T) {
	s, name := seeded(t)
	db := open(t, s.AdminURL(name), Options{})
	tests := []struct {
		segs []Segment
		want []string
	}{
		{[]Segment{All}, []string{
			"anna@botiga.test|Anna Ferrer|fr|user",
			"jordi.puig@example.test|Jordi Puig|es|user",
			"laia@example.test||ca_ES|user",
			"marc@example.test|Guillem Soler|en|user",
			"montse@hortdelbaix.test|Montse Vidal|ca|user",
			"pere@example.test|||user",
		}},
		{[]Segment{Managers}, []string{
			"anna@botiga.test|Anna Ferrer|fr|enterprise manager",
			"jordi.puig@example.test|Jordi Puig|es|enterprise manager",
			"montse@hortdelbaix.test|Montse Vidal|ca|enterprise manager",
		}},
		{[]Segment{Hubs}, []string{"montse@hortdelbaix.test|Montse Vidal|ca|hub manager"}},
		{[]Segment{Producers}, []string{
			"jordi.puig@example.test|Jordi Puig|es|producer",
			"montse@hortdelbaix.test|Montse Vidal|ca|producer",
		}},
		{[]Segment{Shoppers}, []string{
			"convidada@example.test|Clara Roca||shopper",
			"montse@HORTDELBAIX.test|M V||shopper",
			`bad customers.id=5: bad email "no-es-una-adreca": missing '@' or angle-addr`,
			"PERE@example.test|||shopper",
		}},
		// Several segments: one message per address, the strongest role.
		{[]Segment{All, Shoppers, Producers, Hubs, Managers}, []string{
			"anna@botiga.test|Anna Ferrer|fr|enterprise manager",
			"convidada@example.test|Clara Roca||shopper",
			"jordi.puig@example.test|Jordi Puig|es|producer",
			"laia@example.test||ca_ES|user",
			"marc@example.test|Guillem Soler|en|user",
			"montse@hortdelbaix.test|Montse Vidal|ca|hub manager",
			`bad customers.id=5: bad email "no-es-una-adreca": missing '@' or angle-addr`,
			"PERE@example.test|||shopper",
		}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.segs), func(t *testing.T) {
			src, err := db.Recipients(context.Background(), tt.segs, window)
			if err != nil {
				t.Fatal(err)
			}
			got := readAll(t, src)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Recipients(%v) =\n%s\nwant\n%s", tt.segs, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// The shops open during a window depend on the window: a week later, Hort
// del Baix's cycles have closed and Botiga Ferrer's is open.
func TestShoppersFollowTheWindow(t *testing.T) {
	s, name := seeded(t)
	db := open(t, s.AdminURL(name), Options{})
	later := Span{Start: window.Start.AddDate(0, 0, 7), End: window.End.AddDate(0, 0, 7)}
	src, err := db.Recipients(context.Background(), []Segment{Shoppers}, later)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(readAll(t, src), "\n")
	if want := "botiga@example.test|Bernat||shopper"; got != want {
		t.Errorf("shoppers a week later = %q, want %q", got, want)
	}
}

// More rows than one FETCH: every one arrives, once, in address order.
func TestStreamsInBatches(t *testing.T) {
	s := pgstack.Load(t)
	name := s.NewDatabase(t)
	s.ExecFile(t, name, "testdata/schema.sql")
	s.Exec(t, name, `INSERT INTO spree_users (email, locale, confirmed_at)
SELECT 'user' || lpad(i::text, 5, '0') || '@example.test', 'es', now() FROM generate_series(1, 2500) AS i`)
	db := open(t, s.AdminURL(name), Options{})
	src, err := db.Recipients(context.Background(), []Segment{All}, window)
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, src)
	if len(got) != 2500 {
		t.Fatalf("read %d recipients, want 2500", len(got))
	}
	for i, line := range got {
		if want := fmt.Sprintf("user%05d@example.test||es|user", i+1); line != want {
			t.Fatalf("row %d = %q, want %q", i+1, line, want)
		}
	}
}

// The read-only role the README tells operators to create is enough.
func TestReadOnlyRole(t *testing.T) {
	s := pgstack.Load(t)
	role, password := s.NewRole(t)
	name := s.NewDatabase(t)
	s.ExecFile(t, name, "testdata/schema.sql")
	s.ExecFile(t, name, "testdata/seed.sql")
	s.Exec(t, name, fmt.Sprintf(`GRANT CONNECT ON DATABASE %[2]s TO %[1]s;
GRANT USAGE ON SCHEMA public TO %[1]s;
GRANT SELECT (id, email, locale, bill_address_id, confirmed_at, disabled_at) ON spree_users TO %[1]s;
GRANT SELECT (id, firstname, lastname) ON spree_addresses TO %[1]s;
GRANT SELECT (user_id, enterprise_id) ON enterprise_roles TO %[1]s;
GRANT SELECT (id, name, sells, is_primary_producer) ON enterprises TO %[1]s;
GRANT SELECT (id, email, enterprise_id, user_id, first_name, last_name, name) ON customers TO %[1]s;
GRANT SELECT (id, name, orders_open_at, orders_close_at, coordinator_id) ON order_cycles TO %[1]s;
GRANT SELECT (order_cycle_id, receiver_id, incoming) ON exchanges TO %[1]s;
ALTER ROLE %[1]s SET default_transaction_read_only = on;`, role, name))
	t.Cleanup(func() { s.Exec(t, name, "DROP OWNED BY "+role) })
	db := open(t, s.URL(role, password, name), Options{})
	release, err := db.Pin(context.Background())
	if err != nil {
		t.Fatalf("Pin as the read-only role: %v", err)
	}
	defer release()
	src, err := db.Recipients(context.Background(), Segments, window)
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, src); len(got) != 8 {
		t.Errorf("read %d rows as the read-only role, want 8:\n%s", len(got), strings.Join(got, "\n"))
	}
	if _, err := db.OrderCycles(context.Background(), window.Start, window.End); err != nil {
		t.Errorf("OrderCycles as the read-only role: %v", err)
	}
}

func TestOrderCyclesAcrossDST(t *testing.T) {
	s, name := seeded(t)
	db := open(t, s.AdminURL(name), Options{})
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	local := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, madrid) }
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		from, to time.Time // bounds in Madrid time: sent as UTC
		want     []string  // "name coordinator open close" in Madrid time
	}{
		// 08:30 CEST is 06:30 UTC: found from 08:30 local on, not from 08:31.
		{"summer close inclusive", local(2019, 5, 7, 8, 30), local(2019, 5, 7, 12, 0),
			[]string{"Setmana 19 (Hort del Baix) closes 2019-05-07 08:30 CEST"}},
		{"summer close excluded", local(2019, 5, 7, 8, 31), local(2019, 5, 7, 12, 0), nil},
		// The two 02:30s of the night DST ends, an hour apart in UTC.
		// (02:00 local is ambiguous that night: the bounds are given in UTC.)
		{"first 02:30", utc(2019, 10, 27, 0, 0), utc(2019, 10, 27, 0, 45),
			[]string{"Tardor CEST (Hort del Baix) closes 2019-10-27 02:30 CEST"}},
		{"both 02:30s", utc(2019, 10, 27, 0, 0), utc(2019, 10, 27, 1, 45),
			[]string{"Tardor CEST (Hort del Baix) closes 2019-10-27 02:30 CEST", "Tardor CET (Cistella Tancada) closes 2019-10-27 02:30 CET"}},
		// 10:00 local in winter is 09:00 UTC; in summer 08:00 UTC.
		{"winter 10:00", local(2019, 1, 7, 10, 0), local(2019, 1, 7, 10, 0),
			[]string{"Gener (Hort del Baix) closes 2019-01-07 10:00 CET"}},
		{"summer 10:00", local(2019, 6, 10, 10, 0), local(2019, 6, 10, 10, 0),
			[]string{"Juny (Hort del Baix) closes 2019-06-10 10:00 CEST"}},
		{"an opening", local(2019, 5, 7, 13, 0), local(2019, 5, 7, 15, 0),
			[]string{"Setmana 20 (Hort del Baix) opens 2019-05-07 14:00 CEST"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ocs, err := db.OrderCycles(context.Background(), tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, oc := range ocs {
				if oc.Opens.Location() != time.UTC || oc.Closes.Location() != time.UTC {
					t.Errorf("%s: moments not in UTC: %v, %v", oc.Name, oc.Opens, oc.Closes)
				}
				for _, m := range []struct {
					verb string
					at   time.Time
				}{{"opens", oc.Opens}, {"closes", oc.Closes}} {
					if !m.at.Before(tt.from) && !m.at.After(tt.to) {
						got = append(got, fmt.Sprintf("%s (%s) %s %s", oc.Name, oc.Coordinator, m.verb, m.at.In(madrid).Format("2006-01-02 15:04 MST")))
					}
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("OrderCycles(%v, %v) =\n%s\nwant\n%s", tt.from, tt.to, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestFaults(t *testing.T) {
	s := pgstack.Load(t)
	// A port nothing listens on: take one, then let it go.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().(*net.TCPAddr).Port
	l.Close()

	tests := []struct {
		name   string
		setup  func(db string) // breaks the seeded database
		url    func(db string) string
		opts   Options
		want   string // the whole message, with DB for the database name
		schema bool
	}{
		{name: "unreachable", url: func(db string) string {
			return fmt.Sprintf("postgres://announce_test:s3cret-pw@127.0.0.1:%d/%s", closed, db)
		}, want: fmt.Sprintf("postgresql 127.0.0.1:%d/DB: connect: unreachable: connection refused", closed)},
		{name: "wrong password", url: func(db string) string { return s.URL(s.User, "s3cret-pw", db) },
			want: "postgresql " + s.Addr() + "/DB: connect: authentication failed (wrong user or password in the connection string)"},
		{name: "no such database", url: func(string) string { return s.AdminURL("announce_nonexistent") },
			want: "postgresql " + s.Addr() + "/announce_nonexistent: connect: database does not exist"},
		{name: "missing table", setup: func(db string) { s.Exec(t, db, "DROP TABLE customers") },
			want:   "postgresql " + s.Addr() + `/DB: read recipients: schema mismatch: relation "customers" does not exist (announce reads the Open Food Network schema; see internal/ofndb)`,
			schema: true},
		{name: "missing column", setup: func(db string) { s.Exec(t, db, "ALTER TABLE spree_users DROP COLUMN disabled_at") },
			want:   "postgresql " + s.Addr() + `/DB: read recipients: schema mismatch: column spree_users.disabled_at does not exist (announce reads the Open Food Network schema; see internal/ofndb)`,
			schema: true},
		{name: "statement timeout", setup: func(db string) {
			// A table that takes a second to read.
			s.Exec(t, db, `ALTER TABLE spree_users RENAME TO spree_users_slow;
CREATE VIEW spree_users AS SELECT spree_users_slow.* FROM spree_users_slow, pg_sleep(1)`)
		}, opts: Options{StatementTimeout: 100 * time.Millisecond},
			want: "postgresql " + s.Addr() + "/DB: read recipients: statement timeout (100ms) exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := s.NewDatabase(t)
			s.ExecFile(t, name, "testdata/schema.sql")
			s.ExecFile(t, name, "testdata/seed.sql")
			if tt.setup != nil {
				tt.setup(name)
			}
			url := s.AdminURL(name)
			if tt.url != nil {
				url = tt.url(name)
			}
			db := open(t, url, tt.opts)
			src, err := db.Recipients(context.Background(), Segments, window)
			if err == nil {
				src.Close()
				t.Fatal("Recipients: no error")
			}
			want := strings.ReplaceAll(tt.want, "/DB:", "/"+name+":")
			if err.Error() != want {
				t.Errorf("error = %q\nwant    %q", err, want)
			}
			if errors.Is(err, ErrSchema) != tt.schema {
				t.Errorf("errors.Is(err, ErrSchema) = %v, want %v", !tt.schema, tt.schema)
			}
			for _, secret := range []string{"s3cret-pw", s.Password, s.User} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows a credential", err)
				}
			}
		})
	}
}

func TestNewHidesTheConnectionString(t *testing.T) {
	_, err := New("postgres://u:pa ss@[::1/db", Options{})
	if err == nil || strings.Contains(err.Error(), "pa ss") {
		t.Errorf("New(bad) = %v, want an error without the string", err)
	}
}

// config validates segment names; this package must take every one of them.
func TestConfigSegments(t *testing.T) {
	if len(config.Segments) != len(Segments) {
		t.Errorf("config.Segments = %v, ofndb.Segments = %v", config.Segments, Segments)
	}
	for _, name := range config.Segments {
		if s, err := ParseSegment(name); err != nil || string(s) != name || s.Role() == "" {
			t.Errorf("ParseSegment(%q) = %q, %v", name, s, err)
		}
	}
}

// Pin: later reads see the database as it was, not who joined since.
func TestPin(t *testing.T) {
	s, name := seeded(t)
	db := open(t, s.AdminURL(name), Options{})
	count := func() int {
		src, err := db.Recipients(context.Background(), []Segment{All}, window)
		if err != nil {
			t.Fatal(err)
		}
		return len(readAll(t, src))
	}
	release, err := db.Pin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	before := count()
	s.Exec(t, name, "INSERT INTO spree_users (email, confirmed_at) VALUES ('nova@example.test', now())")
	if got := count(); got != before {
		t.Errorf("pinned: %d users after one joined, want %d", got, before)
	}
	release()
	if got := count(); got != before+1 {
		t.Errorf("released: %d users, want %d", got, before+1)
	}
	// A pin whose release is dropped (as cli does: it holds until the
	// process ends) survives garbage collection.
	if _, err := db.Pin(context.Background()); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.GC()
	s.Exec(t, name, "INSERT INTO spree_users (email, confirmed_at) VALUES ('nova2@example.test', now())")
	if got := count(); got != before+1 {
		t.Errorf("pinned again after GC: %d users, want %d", got, before+1)
	}
}

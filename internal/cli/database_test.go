package cli

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openfoodfoundation/announce/internal/mailer/mailertest"
	"github.com/openfoodfoundation/announce/internal/pgstack"
)

// ofnDatabase makes a database with the OFN fixture (internal/ofndb's
// schema and seed rows; the seed fits the shipped Katuma window) and
// returns the stack and the database's name. Call it before sandbox.
func ofnDatabase(t *testing.T) (*pgstack.Stack, string) {
	t.Helper()
	s := pgstack.Load(t)
	name := s.NewDatabase(t)
	for _, f := range []string{"schema.sql", "seed.sql"} {
		p, err := filepath.Abs(filepath.Join("..", "ofndb", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		s.ExecFile(t, name, p)
	}
	return s, name
}

// useDatabase points Katuma's recipients at a database: the connection
// string in KATUMA_DATABASE_URL, the table's extra lines in more.
func useDatabase(t *testing.T, url string, more string) {
	t.Helper()
	edit(t, "config/instances.toml", `recipients = "recipients/katuma.csv"`+"\n", "")
	b, err := os.ReadFile("config/instances.toml")
	if err != nil {
		t.Fatal(err)
	}
	table := "\n[instances.katuma.recipients]\ndatabase_url_env = \"KATUMA_DATABASE_URL\"\n" +
		"segment = [\"all\", \"managers\", \"hubs\", \"producers\", \"shoppers-of-open-shops\"]\n" + more
	if err := os.WriteFile("config/instances.toml", append(b, table...), 0o644); err != nil {
		t.Fatal(err)
	}
	testEnv["KATUMA_DATABASE_URL"] = url
	t.Cleanup(func() { delete(testEnv, "KATUMA_DATABASE_URL") })
}

func TestDryRunFromDatabase(t *testing.T) {
	s, name := ofnDatabase(t)
	sandbox(t)
	useDatabase(t, s.AdminURL(name), "")
	server := "postgresql " + s.Addr() + "/" + name

	// The seed has one bad address: listed as a CSV's bad row is, exit 2.
	code, _, stderr := runCLI(t, "--instance", "katuma", "--dry-run", "--notice", "announce")
	wantBad := server + `: customers.id=5: bad email "no-es-una-adreca": missing '@' or angle-addr`
	if code != 2 || !strings.Contains(stderr, wantBad) {
		t.Fatalf("dry run with a bad row: exit %d, stderr:\n%s\nwant exit 2 and %q", code, stderr, wantBad)
	}

	code, stdout, stderr := runCLI(t, "--instance", "katuma", "--dry-run", "--notice", "announce", "--skip-invalid")
	if code != 0 {
		t.Fatalf("dry run: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"recipients: 7 from " + server + " (all, managers, hubs, producers, shoppers-of-open-shops), 1 invalid rows skipped\n",
		// Katuma offers fr and en too (ofn-install's available_locales), so
		// the fixture's fr and en readers read their own language.
		"  es         3  ",
		"  ca         2  ",
		"  fr         1  ",
		"  en         1  ",
		"  2 read the default locale es (no locale)\n",
		"  hubs:                        1  as hub manager (ca 1)\n",
		"  producers:                   1  as producer (es 1)\n",
		"  managers:                    1  as enterprise manager (fr 1)\n",
		"  shoppers-of-open-shops:      2  as shopper (es 2)\n",
		"  all:                         2  as user (ca 1, en 1)\n",
		"  skipped " + wantBad + "\n",
		"--- ca message, as sent to laia@example.test ---",
		"--- es message, as sent to ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout+stderr, s.Password) {
		t.Error("the database password appears in the output")
	}

	// check reads the database too: the bad row, and the live order cycle
	// that closes in the hour before the window.
	code, stdout, _ = runCLI(t, "check")
	for _, want := range []string{wantBad, `order-cycle: order cycle "Setmana 19" of Hort del Baix closes Tue 2019-05-07 08:30 CEST`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, stdout)
		}
	}
	if code != 2 {
		t.Errorf("check: exit %d, want 2", code)
	}
}

func TestPlanWithOrderCycles(t *testing.T) {
	s, name := ofnDatabase(t)
	sandbox(t)
	useDatabase(t, s.AdminURL(name), "")
	code, stdout, stderr := runCLI(t, "plan", "--now", "2019-04-20T10:00:00Z")
	if code != 1 {
		t.Errorf("plan: exit %d, want 1 (an order cycle closes in the hour before Katuma's window)\n%s", code, stderr)
	}
	want := `config/schedule.toml:9: order-cycle: order cycle "Setmana 19" of Hort del Baix closes Tue 2019-05-07 08:30 CEST — within the window or the 1h before it`
	if !strings.Contains(stderr, want) {
		t.Errorf("plan stderr lacks %q:\n%s", want, stderr)
	}
	if !strings.Contains(stdout, "order-cycle") {
		t.Errorf("plan output does not show the order-cycle finding:\n%s", stdout)
	}
	// The suggested slot: the first half hour more than an hour after the
	// close at 08:30.
	if !strings.Contains(stderr, "suggest start = 2019-05-07T10:00:00") {
		t.Errorf("plan suggests no slot clear of the cycle:\n%s", stderr)
	}
}

// Every database fault: one line naming the server and what failed, exit 1
// (2 for a schema mismatch), nothing sent, no ledger written.
func TestDatabaseFaults(t *testing.T) {
	s := pgstack.Load(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().(*net.TCPAddr).Port
	l.Close()
	tests := []struct {
		name  string
		setup func(db string)
		url   func(db string) string
		more  string
		code  int
		want  string // the one line on stderr; DB stands for the database
	}{
		{name: "unreachable", url: func(db string) string { return fmt.Sprintf("postgres://ofn:pw-123@127.0.0.1:%d/%s", closed, db) },
			code: 1, want: fmt.Sprintf("announce: postgresql 127.0.0.1:%d/DB: connect: unreachable: connection refused", closed)},
		{name: "wrong password", url: func(db string) string { return s.URL(s.User, "pw-123", db) },
			code: 1, want: "announce: postgresql " + s.Addr() + "/DB: connect: authentication failed (wrong user or password in the connection string)"},
		{name: "missing column", setup: func(db string) { s.Exec(t, db, "ALTER TABLE spree_users DROP COLUMN locale") },
			code: 2, want: "announce: postgresql " + s.Addr() + "/DB: read recipients: schema mismatch: column spree_users.locale does not exist (announce reads the Open Food Network schema; see internal/ofndb)"},
		{name: "missing table", setup: func(db string) { s.Exec(t, db, "DROP TABLE exchanges") },
			code: 2, want: "announce: postgresql " + s.Addr() + `/DB: read recipients: schema mismatch: relation "exchanges" does not exist (announce reads the Open Food Network schema; see internal/ofndb)`},
		{name: "statement timeout", setup: func(db string) {
			s.Exec(t, db, `ALTER TABLE customers RENAME TO customers_slow;
CREATE VIEW customers AS SELECT customers_slow.* FROM customers_slow, pg_sleep(1)`)
		}, more: "statement_timeout = \"200ms\"\n",
			code: 1, want: "announce: postgresql " + s.Addr() + "/DB: read recipients: statement timeout (200ms) exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, name := ofnDatabase(t)
			if tt.setup != nil {
				tt.setup(name)
			}
			dir := sandbox(t)
			url := s.AdminURL(name)
			if tt.url != nil {
				url = tt.url(name)
			}
			useDatabase(t, url, tt.more)
			useSMTP(t, "katuma", "[instances.katuma.smtp]\nhost = \"127.0.0.1\"\nport = "+fmt.Sprint(closed)+"\ntls = \"none\"\nauth = \"none\"\n")
			want := strings.ReplaceAll(tt.want, "/DB:", "/"+name+":") + "\n"
			state := filepath.Join(dir, "ledger.db")
			for _, args := range [][]string{
				{"--instance", "katuma", "--dry-run", "--notice", "announce", "--state", state},
				{"--instance", "katuma", "--notice", "announce", "--yes", "--state", state},
			} {
				code, stdout, stderr := runCLI(t, args...)
				want := want
				if args[2] == "--dry-run" { // it names the ledger it reads; the send, the one it would create
					want = "no ledger at " + state + " (from --state): nothing sent yet\n" + want
				}
				if code != tt.code || stderr != want {
					t.Errorf("%v: exit %d, stderr:\n%s\nwant exit %d, stderr:\n%s", args, code, stderr, tt.code, want)
				}
				if strings.Contains(stdout+stderr, "pw-123") || strings.Contains(stdout+stderr, s.Password) {
					t.Errorf("%v: a password appears in the output", args)
				}
			}
			if _, err := os.Stat(state); !os.IsNotExist(err) {
				t.Errorf("the send wrote a ledger (%v): nothing may be recorded", err)
			}
			// check lists the fault among its problems, with the same exit.
			code, stdout, _ := runCLI(t, "check")
			if line := strings.TrimPrefix(want, "announce: "); code != tt.code || !strings.Contains(stdout, line) {
				t.Errorf("check: exit %d, stdout:\n%s\nwant exit %d and %q", code, stdout, tt.code, line)
			}
			if tt.setup != nil {
				return // the order cycles' tables are whole
			}
			// The planner fails the same way (it reads the order cycles).
			code, _, stderr := runCLI(t, "plan")
			if code != tt.code || stderr != want {
				t.Errorf("plan: exit %d, stderr:\n%s\nwant exit %d, stderr:\n%s", code, stderr, tt.code, want)
			}
		})
	}
}

func TestPlanSchemaMismatch(t *testing.T) {
	s, name := ofnDatabase(t)
	s.Exec(t, name, "ALTER TABLE order_cycles DROP COLUMN orders_close_at")
	sandbox(t)
	useDatabase(t, s.AdminURL(name), "")
	code, _, stderr := runCLI(t, "plan")
	want := "announce: postgresql " + s.Addr() + "/" + name + ": read order cycles: schema mismatch: column order_cycles.orders_close_at does not exist (announce reads the Open Food Network schema; see internal/ofndb)\n"
	if code != 2 || stderr != want {
		t.Errorf("plan: exit %d, stderr:\n%s\nwant exit 2, stderr:\n%s", code, stderr, want)
	}
}

// A real send from the database: one message per address (pere is a user
// and a customer), the suppression list applies, a rerun sends nothing.
func TestSendFromDatabase(t *testing.T) {
	s, name := ofnDatabase(t)
	srv := mailertest.Start(t, mailertest.Options{TLS: mailertest.NoTLS})
	dir := sandbox(t)
	useDatabase(t, s.AdminURL(name), "")
	useSMTP(t, "katuma", plainSMTP(srv))
	state := filepath.Join(dir, "ledger.db")
	if code, _, stderr := runCLI(t, "suppress", "add", "montse@hortdelbaix.test", "--reason", "asked not to be mailed", "--state", state); code != 0 {
		t.Fatalf("suppress add: exit %d: %s", code, stderr)
	}
	send := []string{"--instance", "katuma", "--notice", "announce", "--yes", "--skip-invalid", "--state", state}
	code, stdout, stderr := runCLI(t, send...)
	if code != 0 {
		t.Fatalf("send: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "6 sent") || !strings.Contains(stdout, "1 suppressed") {
		t.Errorf("summary does not say 6 sent, 1 suppressed:\n%s", stdout)
	}
	var to []string
	for _, m := range srv.Messages() {
		to = append(to, strings.ToLower(strings.Join(m.To, ",")))
	}
	slices.Sort(to)
	want := []string{"anna@botiga.test", "convidada@example.test", "jordi.puig@example.test", "laia@example.test", "marc@example.test", "pere@example.test"}
	if !slices.Equal(to, want) {
		t.Errorf("sent to %v, want %v", to, want)
	}
	code, stdout, _ = runCLI(t, send...)
	if code != 0 || !strings.Contains(stdout, "0 sent") || len(srv.Messages()) != 6 {
		t.Errorf("rerun: exit %d, %d messages in all, summary:\n%s", code, len(srv.Messages()), stdout)
	}
}

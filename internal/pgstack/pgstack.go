// Package pgstack connects tests to the private PostgreSQL cluster that
// testdata/pgstack/start.sh runs on loopback.
//
//	testdata/pgstack/install.sh
//	testdata/pgstack/start.sh /tmp/announce-pgstack
//	ANNOUNCE_PGSTACK=/tmp/announce-pgstack/env go test ./...
//
// The cluster is started once per run and shared; each test gets a database
// of its own (NewDatabase), dropped when the test ends, so tests never see
// each other's rows.
package pgstack

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvVar names the environment variable holding the path of the env file
// start.sh writes (DIR/env).
const EnvVar = "ANNOUNCE_PGSTACK"

const startHint = "start it with `testdata/pgstack/install.sh && testdata/pgstack/start.sh /tmp/announce-pgstack` " +
	"and set " + EnvVar + "=/tmp/announce-pgstack/env"

// Stack is a running cluster: a superuser on Host:Port.
type Stack struct {
	Dir      string
	Host     string
	Port     int
	User     string
	Password string
}

// Load returns the cluster ANNOUNCE_PGSTACK describes. Without it the test
// is skipped, or fails when CI=true: CI must run the PostgreSQL tests.
func Load(t testing.TB) *Stack {
	t.Helper()
	path := os.Getenv(EnvVar)
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is unset, and CI must run the PostgreSQL tests: %s", EnvVar, startHint)
		}
		t.Skipf("%s is unset, so no PostgreSQL to test against: %s", EnvVar, startHint)
	}
	s, err := loadFile(path)
	if err != nil {
		t.Fatalf("load PostgreSQL stack from %s=%s: %v (is it running? %s)", EnvVar, path, err, startHint)
	}
	conn, err := net.DialTimeout("tcp", s.Addr(), 2*time.Second)
	if err != nil {
		t.Fatalf("PostgreSQL in %s is not answering (%v): run testdata/pgstack/start.sh %s", s.Dir, err, s.Dir)
	}
	conn.Close()
	return s
}

func loadFile(path string) (*Stack, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s: bad line %q", path, line)
		}
		env[k] = strings.Trim(v, "'")
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	s := &Stack{Dir: env["ANNOUNCE_TEST_PG_DIR"], Host: env["ANNOUNCE_TEST_PG_HOST"], User: env["ANNOUNCE_TEST_PG_USER"]}
	if s.Port, err = strconv.Atoi(env["ANNOUNCE_TEST_PG_PORT"]); err != nil {
		return nil, fmt.Errorf("%s: ANNOUNCE_TEST_PG_PORT: %v", path, err)
	}
	pw, err := os.ReadFile(env["ANNOUNCE_TEST_PG_PASSWORD_FILE"])
	if err != nil {
		return nil, err
	}
	s.Password = strings.TrimSpace(string(pw))
	if s.Host == "" || s.User == "" || s.Password == "" {
		return nil, fmt.Errorf("%s: host, user or password missing", path)
	}
	return s, nil
}

// Addr is host:port.
func (s *Stack) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// URL is a connection URL for database db as user with password.
func (s *Stack) URL(user, password, db string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password), Host: s.Addr(), Path: "/" + db}
	return u.String()
}

// AdminURL connects as the cluster's superuser.
func (s *Stack) AdminURL(db string) string { return s.URL(s.User, s.Password, db) }

// Unique returns a name no other test uses: prefix and random hex.
func Unique(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

// NewDatabase creates an empty database for the test and drops it at the
// end (with every session still in it). It returns its name.
func (s *Stack) NewDatabase(t testing.TB) string {
	t.Helper()
	name := Unique("ofn_test")
	s.Exec(t, "postgres", "CREATE DATABASE "+name)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, s.AdminURL("postgres"))
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return name
}

// Exec runs SQL (several statements allowed) in database db as superuser.
func (s *Stack) Exec(t testing.TB, db, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.AdminURL(db))
	if err != nil {
		t.Fatalf("connect to %s: %v", db, err)
	}
	defer conn.Close(ctx)
	// No arguments: the simple protocol, which takes several statements.
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("exec in %s: %v\n%s", db, err, sql)
	}
}

// ExecFile runs the SQL file at path in database db.
func (s *Stack) ExecFile(t testing.TB, db, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Exec(t, db, string(b))
}

// NewRole creates a login role with a random password, dropped at the end
// (after the test's databases), and returns its name and password.
func (s *Stack) NewRole(t testing.TB) (name, password string) {
	t.Helper()
	name = Unique("announce_role")
	b := make([]byte, 12)
	rand.Read(b)
	password = hex.EncodeToString(b)
	s.Exec(t, "postgres", fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", name, password))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, s.AdminURL("postgres"))
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		conn.Exec(ctx, "DROP ROLE IF EXISTS "+name)
	})
	return name, password
}

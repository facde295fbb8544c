package config

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Segments are the groups of an instance's people a database source can
// select (internal/ofndb implements them; its tests check it takes each).
var Segments = []string{"all", "managers", "hubs", "producers", "shoppers-of-open-shops"}

// RecipientsSource is an instance's `recipients`: a CSV file
//
//	recipients = "recipients/katuma.csv"
//
// or its Open Food Network database
//
//	[instances.katuma.recipients]
//	database_url_env = "KATUMA_DATABASE_URL"   # or database_url_file
//	segment = ["hubs", "producers"]
type RecipientsSource struct {
	File     string
	Database *Database

	problems [][2]string // key below recipients, message: reported by validate
}

// Database is an instance's OFN PostgreSQL database: recipients by segment,
// and the live order cycles the planner keeps windows clear of. The
// connection string (a libpq key=value string or a postgres:// URL) is a
// secret: it comes from the environment or a file, never this file.
type Database struct {
	URLEnv   string
	URLFile  string
	Segments []string
	// StatementTimeout bounds each statement (default 60s).
	StatementTimeout time.Duration
	// ConnectTimeout bounds connecting and logging in (default 10s).
	ConnectTimeout time.Duration
}

// URL names where the connection string lives.
func (d *Database) URL() Secret { return Secret{Env: d.URLEnv, File: d.URLFile} }

// UnmarshalTOML takes a file name or a table.
func (r *RecipientsSource) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		r.File = v
		return nil
	case map[string]any:
		r.Database = &Database{}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			r.decodeKey(k, v[k])
		}
		return nil
	}
	return fmt.Errorf("recipients: want a file name (recipients = \"recipients/x.csv\") or a table ([instances.x.recipients] with database_url_env and segment), not %T", v)
}

func (r *RecipientsSource) decodeKey(k string, v any) {
	d := r.Database
	bad := func(format string, args ...any) {
		r.problems = append(r.problems, [2]string{k, fmt.Sprintf(format, args...)})
	}
	str := func() string {
		s, ok := v.(string)
		if !ok {
			bad("want a string, not %T", v)
		}
		return s
	}
	dur := func() time.Duration {
		s := str()
		if s == "" {
			return 0
		}
		t, err := time.ParseDuration(s)
		if err != nil || t <= 0 {
			bad("bad duration %q (want e.g. \"30s\")", s)
		}
		return t
	}
	switch k {
	case "database_url_env":
		d.URLEnv = str()
	case "database_url_file":
		d.URLFile = str()
	case "segment":
		switch v := v.(type) {
		case string:
			d.Segments = []string{v}
		case []any:
			for _, e := range v {
				s, ok := e.(string)
				if !ok {
					bad("want segment names, not %T", e)
					return
				}
				d.Segments = append(d.Segments, s)
			}
		default:
			bad("want a segment name or a list of them, not %T", v)
		}
	case "statement_timeout":
		d.StatementTimeout = dur()
	case "connect_timeout":
		d.ConnectTimeout = dur()
	case "database_url", "url", "dsn", "password", "connection_string":
		bad("secrets do not belong in the config file; name an environment variable (database_url_env) or a file (database_url_file) holding the connection string")
	default:
		bad("unknown key")
	}
}

func (r *RecipientsSource) validate(ps *problems, p string) {
	for _, pr := range r.problems {
		ps.add(p+"."+pr[0], "%s", pr[1])
	}
	d := r.Database
	if d == nil {
		return
	}
	checkSecret(ps, p, "database_url", d.URLEnv, d.URLFile)
	if len(d.Segments) == 0 {
		ps.add(p, "missing required key %q (one or several of %s)", "segment", strings.Join(Segments, ", "))
	}
	for _, s := range d.Segments {
		if !slices.Contains(Segments, s) {
			ps.add(p+".segment", "unknown segment %q (want one or several of %s)", s, strings.Join(Segments, ", "))
		}
	}
}

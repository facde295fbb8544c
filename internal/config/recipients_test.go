package config

import (
	"strings"
	"testing"
	"time"
)

// dbInstances is goodInstances with the recipients in a database.
func dbInstances(table string) string {
	return strings.Replace(goodInstances, `recipients = "recipients/katuma.csv"`+"\n", "", 1) + "\n[instances.katuma.recipients]\n" + table
}

func TestRecipientsDatabase(t *testing.T) {
	inst, err := LoadInstances(write(t, "instances.toml", dbInstances(`database_url_env = "KATUMA_DATABASE_URL"
segment = ["hubs", "shoppers-of-open-shops"]
statement_timeout = "5s"
`)))
	if err != nil {
		t.Fatalf("LoadInstances: %v", err)
	}
	k := inst.Instances["katuma"]
	d := k.Database()
	if d == nil || k.Recipients != "" {
		t.Fatalf("Database() = %v, Recipients = %q; want a database and no file", d, k.Recipients)
	}
	if d.URL() != (Secret{Env: "KATUMA_DATABASE_URL"}) || strings.Join(d.Segments, ",") != "hubs,shoppers-of-open-shops" || d.StatementTimeout != 5*time.Second {
		t.Errorf("Database() = %+v", d)
	}
	// One segment may be a plain string.
	inst, err = LoadInstances(write(t, "instances.toml", dbInstances(`database_url_file = "/run/secrets/katuma-db"
segment = "all"
`)))
	if err != nil {
		t.Fatalf("LoadInstances: %v", err)
	}
	if d := inst.Instances["katuma"].Database(); d.URLFile != "/run/secrets/katuma-db" || len(d.Segments) != 1 || d.Segments[0] != "all" {
		t.Errorf("Database() = %+v", d)
	}
}

func TestBadRecipientsDatabase(t *testing.T) {
	tests := []struct{ name, table, want string }{
		{"no secret", `segment = "all"` + "\n",
			`instances.toml:18: instances.katuma.recipients: missing database_url_env or database_url_file (the name of an environment variable or file holding the database_url)`},
		{"both secrets", "database_url_env = \"A\"\ndatabase_url_file = \"b\"\nsegment = \"all\"\n",
			`instances.toml:20: instances.katuma.recipients.database_url_file: give database_url_env or database_url_file, not both`},
		{"no segment", `database_url_env = "A"` + "\n",
			`instances.toml:18: instances.katuma.recipients: missing required key "segment" (one or several of all, managers, hubs, producers, shoppers-of-open-shops)`},
		{"unknown segment", "database_url_env = \"A\"\nsegment = [\"hubs\", \"shop\"]\n",
			`instances.toml:20: instances.katuma.recipients.segment: unknown segment "shop" (want one or several of all, managers, hubs, producers, shoppers-of-open-shops)`},
		{"connection string in the file", "database_url = \"postgres://u:pw@db/ofn\"\ndatabase_url_env = \"A\"\nsegment = \"all\"\n",
			`instances.toml:19: instances.katuma.recipients.database_url: secrets do not belong in the config file; name an environment variable (database_url_env) or a file (database_url_file) holding the connection string`},
		{"unknown key", "database_url_env = \"A\"\nsegment = \"all\"\nschema = \"public\"\n",
			`instances.toml:21: instances.katuma.recipients.schema: unknown key`},
		{"bad timeout", "database_url_env = \"A\"\nsegment = \"all\"\nstatement_timeout = \"soon\"\n",
			`instances.toml:21: instances.katuma.recipients.statement_timeout: bad duration "soon" (want e.g. "30s")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadInstances(write(t, "instances.toml", dbInstances(tt.table)))
			if err == nil {
				t.Fatal("LoadInstances: no error")
			}
			got := err.Error()
			if i := strings.Index(got, "instances.toml:"); i >= 0 {
				got = got[i:]
			}
			if got != tt.want {
				t.Errorf("LoadInstances error =\n%s\nwant\n%s", got, tt.want)
			}
			if strings.Contains(err.Error(), "pw@") {
				t.Errorf("error shows the connection string: %v", err)
			}
		})
	}
}

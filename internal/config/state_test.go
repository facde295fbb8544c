package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// The instances file's state key: read by LoadInstances and, alone, by
// ReadState (for commands that read nothing else).
func TestState(t *testing.T) {
	p := write(t, "instances.toml", "state = \"/var/lib/announce/ledger.db\"\n"+goodInstances)
	inst, err := LoadInstances(p)
	if err != nil || inst.State != "/var/lib/announce/ledger.db" {
		t.Fatalf("LoadInstances: state %q, %v", inst.State, err)
	}
	tests := []struct {
		name, content string
		state         string
		ok            bool
		err           string
	}{
		{"set", "state = \"/var/lib/announce/ledger.db\"\n[instances.x]\nname = 7\n", "/var/lib/announce/ledger.db", true, ""}, // the rest is not validated
		{"unset", goodInstances, "", false, ""},
		{"syntax error", "state = \n", "", false, "FILE:1"},
		{"missing file", "", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "none.toml")
			if tt.content != "" {
				p = write(t, "instances.toml", tt.content)
			}
			st, ok, err := ReadState(p)
			if st != tt.state || ok != tt.ok || (err == nil) != (tt.err == "") ||
				(err != nil && !strings.HasPrefix(err.Error(), strings.Replace(tt.err, "FILE", p, 1))) {
				t.Errorf("ReadState = %q, %v, %v; want %q, %v, error %q", st, ok, err, tt.state, tt.ok, tt.err)
			}
		})
	}
}

func TestManualEarly(t *testing.T) {
	inst, err := LoadInstances(write(t, "instances.toml", goodInstances))
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadSchedule(write(t, "schedule.toml", goodSchedule+"[manual_early]\nreminder = \"36h\"\n"), inst)
	if err != nil || s.ManualEarly["reminder"].Hours() != 36 {
		t.Fatalf("LoadSchedule: %v, %v", s, err)
	}
	for _, tt := range []struct{ early, want string }{
		{"remind = \"1h\"", "FILE:10: manual_early.remind: unknown notice \"remind\""},
		{"reschedule = \"1h\"", "FILE:10: manual_early.reschedule: a reschedule notice has no moment to be early for; only announce, reminder, start and done"},
		{"start = \"-1h\"", "FILE:10: manual_early.start: negative duration \"-1h\""},
	} {
		p := write(t, "schedule.toml", goodSchedule+"[manual_early]\n"+tt.early+"\n")
		_, err := LoadSchedule(p, inst)
		if want := strings.Replace(tt.want, "FILE", p, 1); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("[manual_early] %s: %v, want %q", tt.early, err, want)
		}
	}
}

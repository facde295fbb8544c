package ledger

import (
	"context"
	"testing"
	"time"
)

// TestLocate: flag > ANNOUNCE_STATE > config state > $STATE_DIRECTORY > XDG.
func TestLocate(t *testing.T) {
	all := map[string]string{
		"ANNOUNCE_STATE": "/env/ledger.db", "STATE_DIRECTORY": "/var/lib/announce:/var/lib/other",
		"XDG_STATE_HOME": "/xdg", "HOME": "/home/pau",
	}
	without := func(keys ...string) map[string]string {
		m := map[string]string{}
		for k, v := range all {
			m[k] = v
		}
		for _, k := range keys {
			delete(m, k)
		}
		return m
	}
	tests := []struct {
		name       string
		flag, conf string
		env        map[string]string
		want       Location
	}{
		{"the flag wins", "/flag.db", "/conf.db", all, Location{"/flag.db", "--state"}},
		{"then ANNOUNCE_STATE", "", "/conf.db", all, Location{"/env/ledger.db", "$ANNOUNCE_STATE"}},
		{"then the instances file", "", "/conf.db", without("ANNOUNCE_STATE"), Location{"/conf.db", "state in config/instances.toml"}},
		{"then systemd's first state directory", "", "", without("ANNOUNCE_STATE"), Location{"/var/lib/announce/ledger.db", "$STATE_DIRECTORY"}},
		{"a relative STATE_DIRECTORY is ignored", "", "", map[string]string{"STATE_DIRECTORY": "announce", "XDG_STATE_HOME": "/xdg"}, Location{"/xdg/announce/ledger.db", "$XDG_STATE_HOME"}},
		{"then XDG_STATE_HOME", "", "", without("ANNOUNCE_STATE", "STATE_DIRECTORY"), Location{"/xdg/announce/ledger.db", "$XDG_STATE_HOME"}},
		{"then HOME", "", "", map[string]string{"HOME": "/home/pau", "XDG_STATE_HOME": "rel"}, Location{"/home/pau/.local/state/announce/ledger.db", "the default, ~/.local/state"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Locate(Sources{Flag: tt.flag, Config: tt.conf, ConfigFile: "config/instances.toml", Getenv: func(k string) string { return tt.env[k] }})
			if err != nil || got != tt.want {
				t.Errorf("Locate = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestOverrides(t *testing.T) {
	l, _ := openTest(t)
	ctx := context.Background()
	at := time.Date(2019, 4, 30, 10, 0, 0, 0, time.UTC)
	want := []Override{
		{Campaign: "c", Instance: "katuma", Notice: "reminder", Reason: "6 days early", Command: "announce --force", At: at},
		{Campaign: "c", Instance: "katuma", Notice: "done", Reason: "before the window", Command: "announce --force", At: at.Add(time.Hour)},
	}
	for _, o := range want {
		if err := l.RecordOverride(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.RecordOverride(ctx, Override{Campaign: "other", Instance: "x", Notice: "start", At: at}); err != nil {
		t.Fatal(err)
	}
	got, err := l.Overrides(ctx, "c")
	if err != nil || len(got) != len(want) {
		t.Fatalf("Overrides = %+v, %v; want %+v", got, err, want)
	}
	for i := range want {
		if !got[i].At.Equal(want[i].At) || got[i].Reason != want[i].Reason || got[i].Notice != want[i].Notice || got[i].Command != want[i].Command {
			t.Errorf("Overrides[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

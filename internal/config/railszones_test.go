package config

import (
	"strings"
	"testing"
	"time"
)

func TestZoneNames(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "Europe/Madrid", want: "Europe/Madrid"},
		{in: "Madrid", want: "Europe/Madrid"},
		{in: "Eastern Time (US & Canada)", want: "America/New_York"},
		{in: "Central Time (US & Canada)", want: "America/Chicago"},
		{in: "Melbourne", want: "Australia/Melbourne"},
		{in: "Kolkata", want: "Asia/Kolkata"},
		{in: "UTC", want: "UTC"}, // an IANA name keeps its meaning (Rails says Etc/UTC, the same zone)
		{in: "madrid", err: `unknown time zone "madrid" (want an IANA name such as Europe/Madrid, or a Rails name such as Madrid)`},
		{in: "Eastern Time", err: `unknown time zone "Eastern Time" (want an IANA name such as Europe/Madrid, or a Rails name such as Madrid)`},
		{in: "Local", err: `time zone "Local": give an IANA name such as Europe/Madrid`},
	}
	for _, tt := range tests {
		var z Zone
		err := z.UnmarshalText([]byte(tt.in))
		switch {
		case tt.err != "":
			if err == nil || err.Error() != tt.err {
				t.Errorf("Zone(%q) err = %v, want %q", tt.in, err, tt.err)
			}
		case err != nil:
			t.Errorf("Zone(%q): %v", tt.in, err)
		case z.String() != tt.want:
			t.Errorf("Zone(%q) = %s, want %s", tt.in, z, tt.want)
		}
	}
}

// Every name in Rails' table resolves, to the zone Rails means: the mapped
// IANA zone, or, for a name that is itself an IANA name ("UTC",
// "Singapore"), a zone with the same offsets.
func TestEveryRailsZoneResolves(t *testing.T) {
	if len(railsZones) < 150 {
		t.Fatalf("railsZones has %d names; the generated table looks truncated", len(railsZones))
	}
	instants := []time.Time{
		time.Date(2019, 1, 15, 12, 0, 0, 0, time.UTC),
		time.Date(2019, 7, 15, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC),
	}
	for rails, iana := range railsZones {
		var z Zone
		if err := z.UnmarshalText([]byte(rails)); err != nil {
			t.Errorf("Zone(%q): %v", rails, err)
			continue
		}
		want, err := time.LoadLocation(iana)
		if err != nil {
			t.Errorf("Rails maps %q to %q, which Go's zone data lacks: %v", rails, iana, err)
			continue
		}
		if z.String() != iana && !strings.Contains(rails, "/") {
			for _, at := range instants {
				_, got := at.In(z.Location).Zone()
				_, exp := at.In(want).Zone()
				if got != exp {
					t.Errorf("Zone(%q) = %s, offset %d at %s; Rails means %s, offset %d", rails, z, got, at.Format("2006-01"), iana, exp)
				}
			}
		}
	}
}

// A Rails name in the instances file is read as Rails reads it and shown
// back as IANA.
func TestInstancesAcceptRailsZone(t *testing.T) {
	src := strings.Replace(goodInstances, `timezone = "Europe/Madrid"`, `timezone = "Eastern Time (US & Canada)"`, 1)
	inst, err := LoadInstances(write(t, "instances.toml", src))
	if err != nil {
		t.Fatal(err)
	}
	if got := inst.Instances["katuma"].Location().String(); got != "America/New_York" {
		t.Errorf("timezone = %s, want America/New_York", got)
	}
}

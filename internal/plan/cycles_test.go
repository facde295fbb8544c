package plan

import (
	"strings"
	"testing"
	"time"
)

func TestOrderCycle(t *testing.T) {
	utc := func(m time.Month, d, h, min int) time.Time { return time.Date(2019, m, d, h, min, 0, 0, time.UTC) }
	closes := func(at time.Time) []OrderCycle {
		return []OrderCycle{{Name: "Setmana 19", Coordinator: "Hort del Baix", Opens: at.AddDate(0, 0, -7), Closes: at}}
	}
	tests := []struct {
		name, start, duration, extra string // the window, in Madrid time
		cycles                       []OrderCycle
		want                         string // "" for no finding
	}{
		// Tue 2019-05-07 09:00–11:00 CEST, may run to 12:00 = 07:00–10:00 UTC.
		{"closes in the hour before", "2019-05-07T09:00:00", "2h", "1h", closes(utc(5, 7, 6, 30)),
			`order cycle "Setmana 19" of Hort del Baix closes Tue 2019-05-07 08:30 CEST — within the window or the 1h before it`},
		{"closes exactly an hour before", "2019-05-07T09:00:00", "2h", "1h", closes(utc(5, 7, 6, 0)),
			`closes Tue 2019-05-07 08:00 CEST`},
		{"closes just over an hour before", "2019-05-07T09:00:00", "2h", "1h", closes(utc(5, 7, 5, 59)), ""},
		{"opens in the extra hour", "2019-05-07T09:00:00", "2h", "1h",
			[]OrderCycle{{Name: "Setmana 20", Coordinator: "Mas Puig", Opens: utc(5, 7, 9, 30), Closes: utc(5, 14, 9, 30)}},
			`order cycle "Setmana 20" of Mas Puig opens Tue 2019-05-07 11:30 CEST`},
		{"opens after the latest end", "2019-05-07T09:00:00", "2h", "1h",
			[]OrderCycle{{Name: "Setmana 20", Coordinator: "Mas Puig", Opens: utc(5, 7, 10, 1)}}, ""},
		// The night DST ends: Sun 2019-10-27 01:00 CEST for 2h ends at 02:00
		// CET (23:00–01:00 UTC). 02:30 happens twice that night: the first
		// (CEST, 00:30 UTC) is inside, the second (CET, 01:30 UTC) is not.
		{"first 02:30 of the night", "2019-10-27T01:00:00", "2h", "", closes(utc(10, 27, 0, 30)),
			`closes Sun 2019-10-27 02:30 CEST`},
		{"second 02:30 of the night", "2019-10-27T01:00:00", "2h", "", closes(utc(10, 27, 1, 30)), ""},
		// The night DST starts (2019-03-31, 02:00 CET -> 03:00 CEST): a window
		// at 01:00 for 2h ends at 04:00 CEST; a close at 03:30 CEST is inside.
		{"spring forward", "2019-03-31T01:00:00", "2h", "", closes(utc(3, 31, 1, 30)),
			`closes Sun 2019-03-31 03:30 CEST`},
		{"no cycles", "2019-05-07T09:00:00", "2h", "1h", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, s := load(t, katuma, window("katuma", tt.start, tt.duration, tt.extra, false))
			p := Make(inst, s, Options{Now: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), OrderCycles: map[string][]OrderCycle{"katuma": tt.cycles}})
			w := only(t, p)
			f, ok := finding(w, RuleOrderCycle)
			switch {
			case tt.want == "" && ok:
				t.Errorf("order-cycle finding %q, want none", f.Why)
			case tt.want != "" && (!ok || !strings.Contains(f.Why, tt.want) || f.Severity != Error):
				t.Errorf("order-cycle finding = %+v (found %v), want an error with %q", f, ok, tt.want)
			}
			if !ok || w.Suggestion == nil {
				return
			}
			// The suggested slot is clear of every cycle.
			for _, oc := range tt.cycles {
				for _, at := range []time.Time{oc.Opens, oc.Closes} {
					if !at.IsZero() && !at.Before(w.Suggestion.Start.Add(-Lookback)) && !at.After(w.Suggestion.LatestEnd) {
						t.Errorf("suggestion %v–%v is not clear of %s at %v", w.Suggestion.Start, w.Suggestion.LatestEnd, oc.Name, at)
					}
				}
			}
		})
	}
}

// A suggestion moves past a cycle that would otherwise be its first free slot.
func TestSuggestionClearsOrderCycles(t *testing.T) {
	inst, s := load(t, katuma, window("katuma", "2019-05-07T09:00:00", "2h", "1h", false))
	cycles := []OrderCycle{
		{Name: "Setmana 19", Coordinator: "Hort del Baix", Closes: time.Date(2019, 5, 7, 6, 30, 0, 0, time.UTC)},
		{Name: "Setmana 19 bis", Coordinator: "Mas Puig", Closes: time.Date(2019, 5, 7, 9, 0, 0, 0, time.UTC)},
	}
	w := only(t, Make(inst, s, Options{Now: april20}))
	if w.Suggestion != nil {
		t.Fatalf("without cycles: suggestion %v, want none (nothing broken)", w.Suggestion.Start)
	}
	w = only(t, Make(inst, s, Options{Now: april20, OrderCycles: map[string][]OrderCycle{"katuma": cycles}}))
	if w.Suggestion == nil {
		t.Fatal("no suggestion")
	}
	// Mas Puig closes 11:00 CEST: the first half-hour start more than an
	// hour after it is 12:30 (12:00 would put the close exactly an hour before).
	madrid := mustZone(t, "Europe/Madrid")
	if got, want := w.Suggestion.Start.In(madrid).Format("Mon 2006-01-02 15:04"), "Tue 2019-05-07 12:30"; got != want {
		t.Errorf("suggestion starts %s, want %s", got, want)
	}
}

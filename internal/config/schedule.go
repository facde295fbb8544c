package config

import "time"

// Schedule is one rollout: a campaign and a maintenance window per instance.
type Schedule struct {
	File string `toml:"-"`
	// Campaign is the stable id of the rollout; it keys the ledger, the
	// Message-IDs and the forum topics, so it must never change once used.
	Campaign string `toml:"campaign"`
	// Release is what is deployed, e.g. "v2.0.0".
	Release string `toml:"release"`
	// Purpose is the id of a message in locales/ that says why the
	// maintenance happens; optional.
	Purpose string             `toml:"purpose"`
	Windows map[string]*Window `toml:"windows"`
	// Send overrides when notices go out, for every window of the campaign:
	// [send.reminder] days_before = 1, at = "10:00".
	Send map[string]SendRule `toml:"send"`
	// ManualEarly is how long before its moment a notice may be sent by
	// hand (announce --notice N): [manual_early] reminder = "36h". Unset:
	// see timing.Moments.
	ManualEarly map[string]Duration `toml:"manual_early"`
	// TestReady is the day testers get the release; TestDays how many
	// working days of testing it needs before any window. Optional.
	TestReady *LocalDate `toml:"test_ready"`
	TestDays  int        `toml:"test_days"`
	// Operators run the deploys: [operators.<key>] with their zone.
	Operators map[string]*Operator `toml:"operators"`

	// Warnings are what check shows but does not refuse: a start in an hour
	// that happens twice, written without the offset that picks the pass.
	Warnings []*Problem `toml:"-"`

	pos positions // key → line, for the planner's messages
}

// Window is one instance's maintenance window.
type Window struct {
	Instance string        `toml:"-"`
	Start    LocalDateTime `toml:"start"`
	Duration Duration      `toml:"duration"`
	// Extra is how much longer it may take ("although it could take another hour").
	Extra   Duration `toml:"extra"`
	Notices []Notice `toml:"notices"`
	// Send overrides the campaign's send rules for this window.
	Send map[string]SendRule `toml:"send"`
	// Operator is the key of the operator who runs the deploy (operators.<key>).
	Operator string `toml:"operator"`
	// Cancelled calls the window off: those already told get a cancel
	// notice, and no other notice goes out.
	Cancelled bool `toml:"cancelled"`

	start time.Time // Start in the instance's zone, set by Validate
}

// Begin is the window's start in the instance's zone.
func (w *Window) Begin() time.Time { return w.start }

// End is the expected end, without the possible extra time.
func (w *Window) End() time.Time { return w.start.Add(w.Duration.Duration) }

// LatestEnd is the end including the possible extra time.
func (w *Window) LatestEnd() time.Time { return w.End().Add(w.Extra.Duration) }

// Sends reports whether the window sends notice n.
func (w *Window) Sends(n Notice) bool {
	for _, m := range w.Notices {
		if m == n {
			return true
		}
	}
	return false
}

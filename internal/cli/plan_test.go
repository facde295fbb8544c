package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ical "github.com/arran4/golang-ical"
	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/check"
	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/plan"
)

// runPlanCLI runs the plan command on its own, from the working directory,
// and returns exit code, stdout and stderr as announce would.
func runPlanCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Now: func() time.Time { return fixedNow }}
	cmd := newPlanCmd(env, &paths{instances: "config/instances.toml", schedule: "config/schedule.toml"})
	cmd.SetArgs(append([]string{}, args...)) // nil would make cobra read os.Args
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError("%v", err) })
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		for _, e := range check.Flatten(err) {
			errb.WriteString("announce: " + e.Error() + "\n")
		}
		return exitCode(err), out.String(), errb.String()
	}
	return exitOK, out.String(), errb.String()
}

// The shipped 2019 plan breaks no rule with severity error: its warnings are
// the thread's own judgment calls (Canada on a Thursday, with Belgium at the
// same time by the same person; Australia at night; the US past 18:00 in
// Madrid). The text is compared with testdata/plan-shipped.txt (-update).
func TestPlanShipped(t *testing.T) {
	td := chdirRoot(t)
	code, stdout, stderr := runPlanCLI(t)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	golden := filepath.Join(td, "plan-shipped.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if stdout != string(want) {
		t.Errorf("plan differs from %s (go test -update rewrites it):\n%s", golden, stdout)
	}

	code, stdout, _ = runPlanCLI(t, "--format", "json")
	var doc struct {
		Errors, Warnings int
		Windows          []struct {
			Instance string
			Findings []struct{ Rule, Severity, Why string }
			Start    struct{ Local, UTC, Operator time.Time }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || code != 0 {
		t.Fatalf("json: exit %d, %v:\n%s", code, err, stdout)
	}
	got := map[string][]string{}
	for _, w := range doc.Windows {
		for _, f := range w.Findings {
			got[w.Instance] = append(got[w.Instance], f.Severity+" "+f.Rule)
		}
	}
	want2 := map[string][]string{
		"belgium":   {"warning operator-overlap"},
		"canada":    {"warning support", "warning operator-overlap"},
		"us":        {"warning operator-hours"},
		"australia": {"warning support"},
	}
	if doc.Errors != 0 || doc.Warnings != 5 || len(got) != len(want2) {
		t.Errorf("json: %d errors, %d warnings, findings %v; want 0, 5, %v", doc.Errors, doc.Warnings, got, want2)
	}
	for k, v := range want2 {
		if strings.Join(got[k], ",") != strings.Join(v, ",") {
			t.Errorf("%s: findings %v, want %v", k, got[k], v)
		}
	}
	if w := doc.Windows[0]; w.Instance != "katuma" || w.Start.UTC.Format(time.RFC3339) != "2019-05-07T07:00:00Z" || w.Start.Operator.Format("15:04 -07:00") != "09:00 +02:00" {
		t.Errorf("first window = %+v", w)
	}

	code, stdout, _ = runPlanCLI(t, "--format", "markdown")
	if code != 0 || !strings.Contains(stdout, "## canada · Open Food Network Canada · operator pau\n") ||
		!strings.Contains(stdout, "| window starts | Thu 2019-06-13 03:00 EDT | 2019-06-13 07:00Z | Thu 2019-06-13 09:00 CEST |  |\n") ||
		!strings.Contains(stdout, "- **warning** `support`: support (Tue, Wed 09:00–17:00 America/New\\_York) is not on hand during the window") {
		t.Errorf("markdown: exit %d\n%s", code, stdout)
	}

	code, stdout, _ = runPlanCLI(t, "--format", "ics")
	cal, err := ical.ParseCalendar(strings.NewReader(stdout))
	if code != 0 || err != nil || len(cal.Events()) != 13 || !strings.Contains(stdout, "\r\nDTSTART;TZID=America/New_York:20190613T030000\r\n") {
		t.Errorf("ics: exit %d, %v:\n%s", code, err, stdout)
	}

	code, stdout, _ = runPlanCLI(t, "--operator-tz", "America/Toronto")
	if code != 0 || !strings.Contains(stdout, "OPERATOR (America/Toronto)") || !strings.Contains(stdout, "  window starts   Tue 2019-05-07 09:00 CEST  2019-05-07 07:00Z  Tue 2019-05-07 03:00 EDT\n") {
		t.Errorf("--operator-tz: exit %d\n%s", code, stdout)
	}

	if errs := planProblems(loadShipped(t)); errs != nil {
		t.Errorf("planProblems = %v, want none", errs)
	}
}

func loadShipped(t *testing.T) (*config.Instances, *config.Schedule, time.Time) {
	t.Helper()
	inst, err := config.LoadInstances("config/instances.toml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := config.LoadSchedule("config/schedule.toml", inst)
	if err != nil {
		t.Fatal(err)
	}
	return inst, s, fixedNow
}

// Katuma on Monday again: the busiest day, and the day testers test. Each
// error is located at the window's start, with the slot to write instead;
// the command exits 1, and check gets the same lines.
func TestPlanErrors(t *testing.T) {
	sandbox(t)
	edit(t, "config/schedule.toml", "start = 2019-05-07T09:00:00", "start = 2019-05-06T09:00:00")
	suggest := " (suggest start = 2019-05-07T09:00:00: Tue 2019-05-07 09:00–12:00 CEST, 07:00–10:00 UTC, pau Tue 2019-05-07 09:00–12:00 CEST)"
	want := []string{
		"config/schedule.toml:9: busy-weekday: Monday 2019-05-06 is a busy day on Katuma (busy_weekdays, config/instances.toml:14)" + suggest,
		"config/schedule.toml:9: test-ready: v2.0.0 is ready for testing on Mon 2019-05-06 and testers need 1 working day: " +
			"the earliest day for a window is Tue 2019-05-07 (test_ready, test_days, config/schedule.toml:4)" + suggest,
	}
	errs := planProblems(loadShipped(t))
	if len(errs) != len(want) {
		t.Fatalf("planProblems = %v\nwant %v", errs, want)
	}
	for i, err := range errs {
		if err.Error() != want[i] {
			t.Errorf("planProblems[%d] = %s\nwant %s", i, err, want[i])
		}
	}
	code, stdout, stderr := runPlanCLI(t)
	if code != exitFailure || stderr != "announce: "+want[0]+"\nannounce: "+want[1]+"\n" {
		t.Errorf("plan: exit %d, stderr %q\nwant 1 and the two lines", code, stderr)
	}
	if !strings.Contains(stdout, "ofn-v2-2019 (v2.0.0): 13 windows, 2 errors, 5 warnings\n") ||
		!strings.Contains(stdout, "  error busy-weekday: Monday 2019-05-06 is a busy day on Katuma") ||
		!strings.Contains(stdout, "  suggest start = 2019-05-07T09:00:00: ") {
		t.Errorf("plan output:\n%s", stdout)
	}
	// --format ics still writes the calendar, and still exits 1.
	if code, stdout, _ := runPlanCLI(t, "--format", "ics"); code != exitFailure || !strings.HasPrefix(stdout, "BEGIN:VCALENDAR\r\n") {
		t.Errorf("ics: exit %d, %q", code, stdout)
	}
}

func TestPlanUsage(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--format", "yaml"}, "announce: usage: --format \"yaml\": want text, markdown, json, ics or html\n"},
		{[]string{"--operator-tz", "Europe/Madird"}, "announce: usage: --operator-tz: unknown time zone \"Europe/Madird\" (want an IANA name such as Europe/Madrid, or a Rails name such as Madrid)\n"},
		{[]string{"--operator-tz", "Local"}, "announce: usage: --operator-tz: time zone \"Local\": give an IANA name such as Europe/Madrid\n"},
		{[]string{"--now", "tomorrow"}, "announce: usage: --now \"tomorrow\": want RFC 3339, e.g. 2019-05-06T09:00:00+02:00\n"},
		{[]string{"extra"}, "announce: usage: plan takes no arguments, got [extra]\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			if code, _, stderr := runPlanCLI(t, tt.args...); code != exitInput || stderr != tt.want {
				t.Errorf("exit %d, stderr %q; want 2, %q", code, stderr, tt.want)
			}
		})
	}
}

// Bad input in the plan's own keys is bad input (exit 2), reported like any
// other configuration problem.
func TestPlanBadConfig(t *testing.T) {
	sandbox(t)
	edit(t, "config/schedule.toml", "operator = \"pau\"              #", "operator = \"pua\"              #")
	code, _, stderr := runPlanCLI(t)
	if code != exitInput || stderr != "announce: config/schedule.toml:12: windows.katuma.operator: no operator \"pua\" (want an [operators.pua] table with their timezone)\n" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// planProblems checks every window of the schedule as at now: one error per
// broken rule of severity error (what check reports).
func planProblems(inst *config.Instances, sched *config.Schedule, now time.Time) []error {
	return plan.Make(inst, sched, plan.Options{Now: now}).Problems()
}

package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sandbox copies the shipped config, templates, locales and recipients into a
// temporary directory and moves the test there, so a test can break one file.
func sandbox(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, d := range []string{"config", "templates", "locales", "recipients"} {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(root, d))); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	// No test reaches a real forum: drop the shipped forum sections; a test
	// that wants one points it at a fake Discourse (useForum).
	b, err := os.ReadFile("config/instances.toml")
	if err != nil {
		t.Fatal(err)
	}
	noForum := regexp.MustCompile(`(?s)\[instances\.[a-z]+\.forum\].*?(\n\n|\z)`).ReplaceAll(b, nil)
	if err := os.WriteFile("config/instances.toml", noForum, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Each kind of bad input: exit 2, the exact file:line message, nothing in --out.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		old, new   string
		wantStderr string
	}{
		{"TOML typo key", "config/instances.toml", `timezone = "Madrid"`, `timezon = "Madrid"`,
			"announce: config/instances.toml:8: instances.katuma: missing required key \"timezone\"\n" +
				"announce: config/instances.toml:10: instances.katuma.timezon: unknown key\n"},
		{"wrong type", "config/instances.toml", `name = "Katuma"`, `name = 7`,
			"announce: config/instances.toml:9: instances.katuma.name: incompatible types: TOML value has type int64; destination has type string\n"},
		{"bad duration", "config/schedule.toml", `duration = "2h"`, `duration = "2 hours"`,
			"announce: config/schedule.toml:10: windows.katuma.duration: bad duration \"2 hours\" (want e.g. \"2h\" or \"1h30m\")\n"},
		{"unknown time zone", "config/instances.toml", `timezone = "Madrid"`, `timezone = "Madird"`,
			"announce: config/instances.toml:10: instances.katuma.timezone: unknown time zone \"Madird\" (want an IANA name such as Europe/Madrid, or a Rails name such as Madrid)\n"},
		{"missing translation key", "locales/ca.toml", "[down]\nother = \"Durant aquest període, {{.Instance}} no estarà disponible.\"\n", "",
			"announce: katuma announce notice in ca: locales/ca.toml: message \"down\" is missing (used by templates/email/announce.txt.tmpl)\n"},
		{"bad CSV row", "recipients/katuma.csv", "ana.garcia@example.test,", "ana.garcia.example.test,",
			"announce: recipients/katuma.csv:5: bad email \"ana.garcia.example.test\": missing '@' or angle-addr\n" +
				"announce: (fix the rows, or pass --skip-invalid to send to the others)\n"},
		{"CRLF in a name", "recipients/katuma.csv", "Jordi Puig,", "\"Jordi\r\nBcc: all@example.test\",",
			"announce: recipients/katuma.csv:3: column 2: line break inside a field\n" +
				"announce: (fix the rows, or pass --skip-invalid to send to the others)\n"},
		{"template syntax", "templates/email/reminder.html.tmpl", `{{.T "reminder_tip"}}`, `{{.T "reminder_tip"}`,
			"announce: templates/email/reminder.html.tmpl:3: unexpected \"}\" in operand\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := sandbox(t)
			edit(t, tt.file, tt.old, tt.new)
			out := filepath.Join(dir, "out")
			code, stdout, stderr := runCLI(t, "--instance", "katuma", "--dry-run", "--out", out)
			if code != exitInput {
				t.Errorf("exit = %d, want %d", code, exitInput)
			}
			if got := withoutLedgerLine(stderr); got != tt.wantStderr {
				t.Errorf("stderr =\n%s\nwant\n%s", got, tt.wantStderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("--out %s exists after bad input", out)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".out") {
					t.Errorf("staging directory %s left behind", e.Name())
				}
			}
			// check reports the same problem.
			code, stdout, _ = runCLI(t, "check")
			if code != exitInput || stdout == "" {
				t.Errorf("check: exit %d, output %q; want 2 and the problem", code, stdout)
			}
		})
	}
}

// --skip-invalid renders the others and lists what it skipped.
func TestSkipInvalid(t *testing.T) {
	dir := sandbox(t)
	edit(t, "recipients/katuma.csv", "ana.garcia@example.test,", "ana.garcia.example.test,")
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "--instance", "katuma", "--dry-run", "--notice", "announce", "--skip-invalid", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "recipients: 12 from recipients/katuma.csv, 1 invalid rows skipped") ||
		!strings.Contains(stdout, "skipped recipients/katuma.csv:5: bad email") {
		t.Errorf("stdout does not list the skipped row:\n%s", stdout)
	}
	files, _ := filepath.Glob(filepath.Join(out, "katuma", "announce", "*.eml"))
	if len(files) != 12 {
		t.Errorf("wrote %d .eml files, want 12", len(files))
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--dry-run"}, 2, "announce: usage: --instance is required"},
		{[]string{"--instance", "nope", "--dry-run"}, 2, "announce: usage: unknown instance \"nope\""},
		{[]string{"--instance", "katuma", "--dry-run", "--notice", "later"}, 2, "announce: usage: --notice: unknown notice \"later\""},
		{[]string{"--instance", "katuma"}, 2, "announce: usage: a real send needs --notice"},
		{[]string{"--instance", "katuma", "--notice", "announce", "--out", "x"}, 2, "announce: usage: --out goes with --dry-run"},
		{[]string{"--instance", "katuma", "--dry-run", "--bogus"}, 2, "announce: usage: unknown flag: --bogus"},
		{[]string{"--help"}, 0, ""},
		{[]string{"check", "--help"}, 0, ""},
	}
	chdirRoot(t)
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code || !strings.HasPrefix(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, stderr, tt.code, tt.want)
			}
			if tt.code == 0 && !strings.Contains(stdout, "Exit status: 0") {
				t.Errorf("--help does not document exit codes:\n%s", stdout)
			}
		})
	}
}

func TestCheckShipped(t *testing.T) {
	chdirRoot(t)
	code, stdout, stderr := runCLI(t, "check")
	// The shipped Katuma sends without DKIM (no key in the repository):
	// check says so, and it is no problem.
	want := "config/instances.toml:8: instances.katuma: warning: sends bulk mail without [instances.katuma.dkim]"
	if code != 0 || !strings.HasPrefix(stdout, want) || strings.Count(stdout, "\n") != 1 || stderr != "check: no problems\n" {
		t.Errorf("check = %d, %q, %q; want 0, the DKIM warning and no problems", code, stdout, stderr)
	}
}

// A start in a repeated hour: check warns, names the pass it took and still
// passes; with the offset written it says nothing.
func TestCheckRepeatedHour(t *testing.T) {
	sandbox(t)
	edit(t, "config/schedule.toml", "start = 2019-05-07T09:00:00", "start = 2019-10-27T02:30:00")
	// The sandbox's Katuma sends without DKIM: check warns of that too.
	const dkim = "config/instances.toml:8: instances.katuma: warning: sends bulk mail without [instances.katuma.dkim]: Gmail, Yahoo and Microsoft require DKIM or SPF aligned with From (katuma.test) from bulk senders, and DMARC rejects the rest (see the README, \"SPF, DKIM and DMARC\")\n"
	code, stdout, stderr := runCLI(t, "check")
	want := "config/schedule.toml:9: windows.katuma.start: 2019-10-27T02:30 happens twice in Europe/Madrid (the clocks go back); took the first pass, 2019-10-27T02:30+02:00 (CEST), not 2019-10-27T02:30+01:00 (CET): write the offset to choose (warning)\n" + dkim
	if code != 0 || stdout != want {
		t.Errorf("check = %d, %q (%s); want 0 and\n%s", code, stdout, stderr, want)
	}
	edit(t, "config/schedule.toml", "start = 2019-10-27T02:30:00", "start = 2019-10-27T02:30:00+01:00")
	if code, stdout, stderr := runCLI(t, "check"); code != 0 || stdout != dkim {
		t.Errorf("check with the offset = %d, %q (%s); want 0 and only the DKIM warning", code, stdout, stderr)
	}
}

// A zone Go loads but ICU has no names for ("Factory", in Go's tzdata) would
// be written as a bare offset: check fails on it, where it is written.
func TestCheckZoneWithoutNames(t *testing.T) {
	sandbox(t)
	b, err := os.ReadFile("config/instances.toml")
	if err != nil {
		t.Fatal(err)
	}
	// Katuma's zone, however it is written (the first timezone key).
	first := regexp.MustCompile(`(?m)^timezone = "[^"]*"`).FindIndex(b)
	if first == nil {
		t.Fatal("config/instances.toml has no timezone key")
	}
	line := 1 + bytes.Count(b[:first[0]], []byte("\n"))
	b = append(append(b[:first[0]:first[0]], `timezone = "Factory"`...), b[first[1]:]...)
	if err := os.WriteFile("config/instances.toml", b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runCLI(t, "check")
	want := fmt.Sprintf("config/instances.toml:%d: instances.katuma.timezone: time zone Factory has no CLDR zone names (internal/cldr has those of every zone in Go's tzdata)\n", line)
	if code != exitInput || !strings.Contains(stdout, want) {
		t.Errorf("check = %d, %q; want %d and\n%s", code, stdout, exitInput, want)
	}
}

// The dry run counts and names readers who get their language in another
// region's form, as it counts those who get another language.
func TestDryRunNamesRegionalFallback(t *testing.T) {
	sandbox(t)
	b, err := os.ReadFile("recipients/katuma.csv")
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(string(b), "\n")
	if !strings.HasPrefix(header, "email,name,locale") {
		t.Fatalf("recipients/katuma.csv header %q: want email,name,locale first", header)
	}
	pad := strings.Repeat(",", strings.Count(header, ",")-2)
	// Katuma offers Spanish as spoken in Spain; these two read it with
	// Spain's dates, not their own.
	if !bytes.HasSuffix(b, []byte("\n")) {
		b = append(b, '\n')
	}
	rows := "rosa@example.test,Rosa,es_US" + pad + "\nluis@example.test,Luis,es_US" + pad + "\n"
	if err := os.WriteFile("recipients/katuma.csv", append(b, rows...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "--instance", "katuma", "--dry-run", "--notice", "announce", "--state", filepath.Join(t.TempDir(), "none.db"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "\n  2 es_US read es (other region)\n"; !strings.Contains(stdout, want) {
		t.Errorf("dry run does not say %q:\n%s", want, stdout)
	}
}

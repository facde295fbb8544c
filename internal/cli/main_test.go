package cli

import (
	"context"
	"os"
	"strings"
	"testing"
)

// TestMain lets a test run announce as a child process (the test binary
// itself, with ANNOUNCE_TEST_CHILD set), so it can be killed like a real one.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("ANNOUNCE_TEST_CHILD"); ok {
		os.Exit(Main(context.Background(), strings.Split(args, "\x1f"), os.Stdin, os.Stdout, os.Stderr))
	}
	// No test reads or writes the machine's own ledger: the default path
	// (XDG) points into a directory of this run's.
	dir, err := os.MkdirTemp("", "announce-cli-test-state-")
	if err != nil {
		panic(err)
	}
	testState = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testState is XDG_STATE_HOME for the tests' environment unless a test sets
// its own.
var testState string

// testGetenv is the environment the in-process CLI sees: testEnv, and the
// test run's own XDG_STATE_HOME.
func testGetenv(k string) string {
	if v, ok := testEnv[k]; ok {
		return v
	}
	if k == "XDG_STATE_HOME" {
		return testState
	}
	return ""
}

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
	os.Exit(m.Run())
}

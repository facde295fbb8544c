package cli

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// Ctrl-C at the confirmation prompt ends the wait at once, though nobody
// types anything.
func TestReadLineStops(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	if _, err := readLine(ctx, r); !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Errorf("readLine = %v after %s, want context.Canceled at once", err, time.Since(start))
	}
	if line, err := readLine(t.Context(), strings.NewReader("yes\n")); err != nil || line != "yes\n" {
		t.Errorf("readLine = %q, %v", line, err)
	}
}

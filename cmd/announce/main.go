// Command announce tells the users of Open Food Network instances about
// scheduled maintenance, in their language and time zone. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/openfoodfoundation/announce/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first Ctrl-C stops the run (within seconds, recording what the
	// server answered); after it, the default action is back, so a second
	// one ends the process at once.
	context.AfterFunc(ctx, stop)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/english"
)

// confirmAbove is the recipient count from which a person at a terminal is
// asked before a real send.
const confirmAbove = 10

// confirmer asks a person at a terminal before a send to more than a few
// recipients; without a terminal it refuses unless --yes.
func confirmer(env *Env, yes bool) func(context.Context, *dispatch.Plan) error {
	return func(ctx context.Context, p *dispatch.Plan) error {
		summary, total := p.Summary()
		if yes || total <= confirmAbove {
			return nil
		}
		f, ok := env.Stdin.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return usageError("a real send to %s needs confirmation: run it at a terminal, or pass --yes\n%s", english.Count("recipients", total), strings.TrimRight(summary, "\n"))
		}
		return ask(ctx, env.Stdin, env.Stderr, summary, total)
	}
}

// errDeclined is a send the person at the terminal did not confirm: a
// failure to run (exit 1), not a usage error.
var errDeclined = errors.New("not confirmed: nothing sent")

// ask asks the person at the terminal to confirm sending total messages.
// Ctrl-C (ctx done) aborts at once, without waiting for a line.
func ask(ctx context.Context, in io.Reader, out io.Writer, summary string, total int) error {
	fmt.Fprintf(out, "About to send:\n%sSend %s? [y/N] ", summary, english.Count("messages", total))
	line, err := readLine(ctx, in)
	if err != nil {
		fmt.Fprintln(out)
		return fmt.Errorf("%w (%v)", errDeclined, context.Cause(ctx))
	}
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return errDeclined
	}
	return nil
}

// readLine reads one line, or returns ctx's error as soon as ctx ends (Ctrl-C
// at the prompt): the read goes on in the background and is dropped.
func readLine(ctx context.Context, r io.Reader) (string, error) {
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- line
	}()
	select {
	case line := <-got:
		return line, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

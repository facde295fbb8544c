// Package cli is announce's command line: subcommands, flags, wiring and the
// mapping of errors to exit codes. It is the only package that prints.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/check"
	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/connect"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/ledger"
	"github.com/openfoodfoundation/announce/internal/ofndb"
	"github.com/openfoodfoundation/announce/internal/recipients"
	"github.com/openfoodfoundation/announce/internal/render"
)

// Exit codes, documented in --help.
const (
	exitOK      = 0
	exitFailure = 1 // something failed while running
	exitInput   = 2 // bad usage or bad input (config, templates, locales, recipients)
)

const exitHelp = `
Exit status: 0 when everything went well, 1 when something failed while running,
2 for bad usage or bad input (configuration, templates, locales, recipients).`

// inputError marks an error as the user's input being wrong (exit 2).
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

func badInput(err error) error {
	if err == nil {
		return nil
	}
	return &inputError{err}
}

// Env is what the commands need from the outside world.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Now    func() time.Time
	Getenv func(string) string
	// HTTPClient talks to the forums (tests point it at a fake Discourse).
	HTTPClient *http.Client
}

// Main runs announce with args and returns the exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Now: time.Now, Getenv: os.Getenv,
		HTTPClient: &http.Client{Timeout: 2 * time.Minute}}
	return run(ctx, env, args)
}

func run(ctx context.Context, env *Env, args []string) int {
	root := newRootCmd(env)
	conventions(root, env)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var locked *ledger.LockedError
	if errors.As(err, &locked) {
		// Not a failure: the other run is doing the work.
		fmt.Fprintf(env.Stderr, "announce: %v; nothing done\n", locked)
		return exitOK
	}
	// One line per problem, so "file:line: message" lines stand alone.
	for _, e := range check.Flatten(err) {
		fmt.Fprintln(env.Stderr, "announce: "+e.Error())
	}
	return exitCode(err)
}

func exitCode(err error) int {
	var (
		in  *inputError
		row *recipients.RowError
		inv *dispatch.InvalidError
		din *dispatch.InputError
		fe  *recipients.FileError
		ref *dispatch.RefusedError // the timing guard: the command is wrong now, like a declined confirmation
		cin *connect.InputError
		chk *check.ProblemsError // unless a database could not be read
	)
	switch {
	case errors.As(err, &in), errors.As(err, &row), errors.As(err, &inv), errors.As(err, &din), errors.As(err, &fe), errors.As(err, &ref), errors.As(err, &cin), errors.As(err, &chk) && !chk.Fault,
		errors.Is(err, config.ErrInvalid), errors.Is(err, errUsage), errors.Is(err, ofndb.ErrSchema):
		return exitInput
	default:
		return exitFailure
	}
}

var errUsage = errors.New("usage")

// usageError is a bad command line.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

// paths are the files announce reads, all relative to the working directory.
type paths struct {
	instances string
	schedule  string
	templates string
	locales   string
}

func (p *paths) register(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&p.instances, "instances", "config/instances.toml", "instances file")
	f.StringVar(&p.schedule, "schedule", "config/schedule.toml", "schedule file (one rollout)")
	f.StringVar(&p.templates, "templates", "templates", "templates directory")
	f.StringVar(&p.locales, "locales", "locales", "locales directory (go-i18n message files)")
}

// load reads the configuration, templates and locales (dispatch.Files.Load).
func (p *paths) load() (*config.Instances, *config.Schedule, *render.Renderer, error) {
	return dispatch.Files{Instances: p.instances, Schedule: p.schedule, Templates: p.templates, Locales: p.locales}.Load()
}

// conn builds the instances' clients with env's environment and HTTP client.
func conn(env *Env) connect.Env { return connect.Env{Getenv: env.Getenv, HTTPClient: env.HTTPClient} }

func clients(env *Env) dispatch.Clients { return conn(env).Clients() }

func useDatabases(ctx context.Context, env *Env, inst *config.Instances, sched *config.Schedule, keys []string) error {
	return conn(env).UseDatabases(ctx, inst, sched, keys)
}

// Package connect builds an instance's clients from its configuration and
// secrets: the SMTP sender, the forum poster, the support inbox's IMAP
// settings and the recipients and order cycles of its PostgreSQL database.
// Secrets come from the environment variable or the file the instances file
// names, never from the file itself; errors name the variable or file,
// never the value. Nothing here talks to a server until a client is used.
package connect

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/dispatch"
	"github.com/openfoodfoundation/announce/internal/forum"
	"github.com/openfoodfoundation/announce/internal/mailer"
)

// InputError is bad input: a secret that is not there, a CA file that
// cannot be read, a setting the client refuses (exit status 2).
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func badInput(err error) error { return &InputError{err} }

// Getenv reads an environment variable (os.Getenv; tests pass their own).
type Getenv func(string) string

// Secret reads a secret from the environment variable or file s names.
// what names it in errors ("instance katuma smtp password").
func Secret(getenv Getenv, what string, s config.Secret) (string, error) {
	switch {
	case s.Env != "":
		v := getenv(s.Env)
		if v == "" {
			return "", badInput(fmt.Errorf("%s: environment variable %s is not set", what, s.Env))
		}
		return v, nil
	case s.File != "":
		b, err := os.ReadFile(s.File)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return "", badInput(fmt.Errorf("%s: read %s: %v", what, s.File, err))
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", badInput(fmt.Errorf("%s: %s is empty", what, s.File))
		}
		return v, nil
	default:
		return "", badInput(fmt.Errorf("%s: no password_env or password_file configured", what))
	}
}

// Env is what the clients need from the outside world.
type Env struct {
	Getenv Getenv
	// HTTPClient talks to the forums.
	HTTPClient *http.Client
}

// Clients makes the real SMTP and forum clients of an instance, reading
// their secrets when an instance's client is first asked for.
func (e Env) Clients() dispatch.Clients {
	return dispatch.Clients{
		Mailer: func(in *config.Instance) (dispatch.Mailer, error) {
			newSender, workers, err := e.SenderFactory(in)
			return dispatch.Mailer{New: newSender, Workers: workers}, err
		},
		Poster: func(in *config.Instance) (dispatch.Poster, error) { return e.Poster(in) },
	}
}

// SenderFactory resolves an instance's SMTP settings and secret once and
// returns how to make one connection's client, and how many to run.
func (e Env) SenderFactory(in *config.Instance) (func() dispatch.Sender, int, error) {
	s := in.SMTP
	if s == nil {
		return nil, 0, badInput(fmt.Errorf("instance %s has no [instances.%s.smtp] section: it cannot send", in.Key, in.Key))
	}
	// Validated with the config (config.SMTP.validateServer asks the mailer).
	cfg := s.MailerConfig()
	if cfg.Auth != "none" {
		pw, err := Secret(e.Getenv, fmt.Sprintf("instance %s smtp password", in.Key), s.Password())
		if err != nil {
			return nil, 0, err
		}
		cfg.Password = pw
	}
	if s.CAFile != "" {
		pool, err := mailer.LoadCA(s.CAFile)
		if err != nil {
			return nil, 0, badInput(fmt.Errorf("instance %s smtp ca_file: %w", in.Key, err))
		}
		cfg.RootCAs = pool
	}
	limiter := mailer.NewLimiter(s.RatePerSecond, s.RatePerHour)
	retry := mailer.RetryPolicy{Attempts: s.Attempts, Base: 500 * time.Millisecond, Max: 30 * time.Second}
	return func() dispatch.Sender {
		return mailer.NewClient(cfg, mailer.WithRetry(retry), mailer.WithLimiter(limiter))
	}, s.Connections, nil
}

// Poster builds the forum client of an instance; nil when it has no forum.
// The API key is read here, from the variable or file the config names.
func (e Env) Poster(in *config.Instance) (dispatch.Poster, error) {
	if in.Forum == nil {
		return nil, nil
	}
	key, err := Secret(e.Getenv, fmt.Sprintf("instance %s forum api key", in.Key), in.Forum.APIKey())
	if err != nil {
		return nil, err
	}
	c, err := forum.New(forum.Config{BaseURL: in.Forum.URL, Category: in.Forum.Category, APIUsername: in.Forum.APIUsername, APIKey: forum.NewSecret(key)}, e.HTTPClient)
	if err != nil {
		return nil, badInput(fmt.Errorf("instance %s forum: %w", in.Key, err))
	}
	return c, nil
}

package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/openfoodfoundation/announce/internal/config"
)

// resolveSecret reads a secret from the environment variable or file the
// config names. Errors name the variable or file, never the value.
func resolveSecret(env *Env, what string, s config.Secret) (string, error) {
	switch {
	case s.Env != "":
		v := env.Getenv(s.Env)
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

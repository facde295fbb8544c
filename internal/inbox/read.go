package inbox

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ReadFile reads at most what Classify looks at of the message in path;
// errors say "classify PATH: …".
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("classify %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("classify %s: is a directory", path)
	}
	return ReadLimited("classify "+path, f)
}

// ReadLimited reads at most what Classify looks at from r; errors start
// with name.
func ReadLimited(name string, r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxMessageSize))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, unwrapPathError(err))
	}
	return raw, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/inbox"
)

func newClassifyCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "classify FILE.eml... (- for standard input)",
		Short: "Tell what each message is: reply, auto-reply, bounce, complaint or other, and why",
		Long: `classify reads .eml files (- reads one message from standard input) and prints, for each, one JSON object on its own line: the file
as given, its kind (reply, auto-reply, bounce, complaint or other: what the message is,
whatever it answers), the notice it answers if any (campaign, notice, instance, by our
Message-IDs), for a bounce the failed recipient, status, whether it is permanent, its
reason (userunknown, mailboxfull, authfailure…), whose side the problem is on and what it
does to the suppression list (now, repeated, never), for a reply the text without the
quoted notice, and the reasons. It reads no configuration and talks to no server: a reply
tied to a notice only by its subject answers no notice here (the digest knows the
subjects).

A file that cannot be read is reported on stderr and the others are still classified;
the exit status is then 2.
` + exitHelp,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			enc := json.NewEncoder(env.Stdout)
			enc.SetEscapeHTML(false)
			var bad []error
			stdin := false
			for _, f := range args {
				var raw []byte
				var err error
				if f == "-" {
					if stdin {
						bad = append(bad, errors.New("classify -: standard input given twice"))
						continue
					}
					stdin = true
					raw, err = readLimited("-", env.Stdin)
				} else {
					raw, err = readMessage(f)
				}
				if err != nil {
					bad = append(bad, err)
					continue
				}
				v := inbox.Classify(raw, inbox.Options{})
				v.File = f
				if err := enc.Encode(v); err != nil {
					return err
				}
			}
			return badInput(errors.Join(bad...))
		},
	}
}

// readMessage reads at most what the classifier looks at.
func readMessage(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("classify %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("classify %s: is a directory", path)
	}
	return readLimited(path, f)
}

// readLimited reads at most what the classifier looks at from r, named name.
func readLimited(name string, r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, inbox.MaxMessageSize))
	if err != nil {
		return nil, fmt.Errorf("classify %s: %w", name, unwrapPathError(err))
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

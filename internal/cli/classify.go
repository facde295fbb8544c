package cli

import (
	"encoding/json"
	"errors"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/inbox"
)

func newClassifyCmd(env *Env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
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
			if err := checkFormat("announce classify", format); err != nil {
				return err
			}
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
					raw, err = inbox.ReadLimited("classify -", env.Stdin)
				} else {
					raw, err = inbox.ReadFile(f)
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
	cmd.Flags().StringVar(&format, "format", "json", "json, the only one (so scripts may say so)")
	return cmd
}

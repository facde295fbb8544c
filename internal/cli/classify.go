package cli

import (
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
			enc := newEncoder(env.Stdout)
			unread, err := inbox.ClassifyFiles(args, env.Stdin, func(v inbox.Verdict) error { return enc.Encode(v) })
			if err != nil {
				return err
			}
			return badInput(unread)
		},
	}
	cmd.Flags().StringVar(&format, "format", "json", "json, the only one (so scripts may say so)")
	return cmd
}

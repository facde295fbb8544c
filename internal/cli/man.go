package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func newManCmd(env *Env) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "man --out DIR",
		Short: "Write the manual pages, announce.1 and one per command (announce-check.1 …), into DIR",
		Long: `man writes a manual page per command, generated from the commands' help, into DIR
(created if need be): announce.1, announce-check.1, announce-suppress-add.1 and so on.
Install them with e.g. "announce man --out /usr/local/share/man/man1".
` + exitHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageError("man: --out DIR is required")
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			root := cmd.Root()
			root.DisableAutoGenTag = true // the pages do not change with the day they are made
			now := env.Now()
			hdr := &doc.GenManHeader{Date: &now, Title: "ANNOUNCE", Section: "1", Source: "announce " + root.Version, Manual: "announce manual"}
			if err := doc.GenManTree(root, hdr, out); err != nil {
				return fmt.Errorf("man: %w", err)
			}
			fmt.Fprintf(env.Stderr, "man: wrote the pages to %s\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "directory to write the pages into (required)")
	return cmd
}

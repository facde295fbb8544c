package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/buildinfo"
)

// conventions adds what users expect of any command line to the command
// tree: --version and `version`, `man`, completion of flag values, and exit
// status 2 for every usage error cobra finds (arguments, unknown commands
// and flags), not only for the ones announce finds.
func conventions(root *cobra.Command, env *Env) {
	root.Version = buildinfo.Version()
	root.SetVersionTemplate("announce {{.Version}}\n")
	root.AddCommand(newVersionCmd(env), newManCmd(env))
	root.InitDefaultHelpCmd()
	for _, c := range root.Commands() {
		if c.Name() == "help" {
			c.RunE = func(_ *cobra.Command, args []string) error {
				cmd, rest, err := root.Find(args)
				if err != nil || len(rest) > 0 {
					return usageError("unknown help topic %q", strings.Join(args, " "))
				}
				return cmd.Help()
			}
		}
	}
	root.InitDefaultCompletionCmd()
	walk(root, func(c *cobra.Command) {
		completeFlags(c)
		if !c.Runnable() && c.HasSubCommands() {
			// "announce suppress" shows its help; "announce suppress nope"
			// is an unknown command, not the help with status 0.
			c.Args = cobra.NoArgs
			c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
		}
		if c.Args != nil {
			args := c.Args
			c.Args = func(cmd *cobra.Command, a []string) error {
				if err := args(cmd, a); err != nil {
					return usageError("%v", err)
				}
				return nil
			}
		}
	})
}

// walk calls f on c and every command under it.
func walk(c *cobra.Command, f func(*cobra.Command)) {
	f(c)
	for _, sub := range c.Commands() {
		walk(sub, f)
	}
}

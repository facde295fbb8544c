package cli

import (
	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/config"
)

// formats are the values of each command's --format, for completion and
// help (the command checks its own).
var formats = map[string][]string{
	"announce":               {"text", "json"},
	"announce check":         {"text", "json"},
	"announce due":           {"text", "json"},
	"announce status":        {"text", "json"},
	"announce suppress list": {"text", "json"},
	"announce plan":          {"text", "markdown", "json", "ics", "html"},
	"announce digest":        {"text", "markdown", "html", "json"},
	"announce classify":      {"json"},
}

// completeFlags completes the values of --instance (the instances file's
// keys, and "all" where a command takes it), --notice and --format.
func completeFlags(c *cobra.Command) {
	if f := c.Flags().Lookup("instance"); f != nil {
		all := f.DefValue == "all" || c == c.Root()
		c.RegisterFlagCompletionFunc("instance", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
			inst, err := config.LoadInstances(cmd.Flag("instances").Value.String())
			if err != nil {
				return nil, cobra.ShellCompDirectiveError
			}
			keys := inst.Keys()
			if all {
				keys = append(keys, "all")
			}
			return keys, cobra.ShellCompDirectiveNoFileComp
		})
	}
	if c.Flags().Lookup("notice") != nil {
		var names []string
		for _, n := range config.AllNotices {
			names = append(names, string(n))
		}
		c.RegisterFlagCompletionFunc("notice", cobra.FixedCompletions(names, cobra.ShellCompDirectiveNoFileComp))
	}
	if vs, ok := formats[c.CommandPath()]; ok && c.Flags().Lookup("format") != nil {
		c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(vs, cobra.ShellCompDirectiveNoFileComp))
	}
}

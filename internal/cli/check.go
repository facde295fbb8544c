package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/check"
)

func newCheckCmd(env *Env, p *paths) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "check [--format text|json]",
		Short: "Validate instances, schedule, templates, locales and recipients; send nothing",
		Long: `check reads everything announce would use and prints every problem as
"file:line: message": the instances and schedule files; every template, rendered for
every notice × locale × instance; the locale files (the same messages in each); and every
instance's recipients file. It exits 0 only when there is no problem.
` + exitHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat("announce check", format); err != nil {
				return err
			}
			c := check.Run(cmd.Context(), conn(env), check.Files{Instances: p.instances, Schedule: p.schedule, Templates: p.templates, Locales: p.locales}, time.Now())
			if err := c.Write(env.Stdout, format); err != nil {
				return err
			}
			if err := c.Err(); err != nil {
				return err // exit 2, or 1 when a database could not be read
			}
			fmt.Fprintln(env.Stderr, "check: no problems")
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text or json (one object: problems and warnings)")
	return cmd
}

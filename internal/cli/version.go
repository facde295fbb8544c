package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openfoodfoundation/announce/internal/buildinfo"
)

func newVersionCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print announce's version and the revision it was built from",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintln(env.Stdout, "announce "+buildinfo.Version())
			return err
		},
	}
}

package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is announce's version for --version and `announce version`: the
// module version ("(devel)" or a pseudo-version when built from a checkout)
// and the VCS revision the binary was built from, "+modified" when the
// checkout had uncommitted changes.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (built without module support)"
	}
	return versionOf(bi)
}

func versionOf(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified, when string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+modified"
			}
		case "vcs.time":
			when = s.Value
		}
	}
	if rev != "" {
		v += " revision " + rev + modified
		if when != "" {
			v += " (" + when + ")"
		}
	}
	return v + ", " + bi.GoVersion
}

func newVersionCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print announce's version and the revision it was built from",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintln(env.Stdout, "announce "+version())
			return err
		},
	}
}

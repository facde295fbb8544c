// Package buildinfo says which announce this is: the module version and the
// VCS revision it was built from (runtime/debug.ReadBuildInfo).
package buildinfo

import "runtime/debug"

// Version is announce's version for --version and `announce version`: the
// module version ("(devel)" or a pseudo-version when built from a checkout)
// and the VCS revision the binary was built from, "+modified" when the
// checkout had uncommitted changes.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (built without module support)"
	}
	return Of(bi)
}

// Of is the version bi describes.
func Of(bi *debug.BuildInfo) string {
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

package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestVersionOf(t *testing.T) {
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"a checkout with changes", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "df86b538d27178b0306f778db22b4691e5f8e433"},
			{Key: "vcs.time", Value: "2026-12-02T14:35:17Z"}, {Key: "vcs.modified", Value: "true"}}},
			"(devel) revision df86b538d27178b0306f778db22b4691e5f8e433+modified (2026-12-02T14:35:17Z), go1.26.8"},
		{"a clean checkout", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261202143517-8309e35429fc"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "8309e35429fcd4f36196bd612b306881a489e91a"}, {Key: "vcs.modified", Value: "false"}}},
			"v0.0.0-20261202143517-8309e35429fc revision 8309e35429fcd4f36196bd612b306881a489e91a, go1.26.8"},
		{"go install of a tag", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}}, "v1.2.0, go1.26.8"},
		{"no version (go run)", debug.BuildInfo{GoVersion: "go1.26.8"}, "(devel), go1.26.8"},
	}
	for _, tt := range tests {
		if got := Of(&tt.bi); got != tt.want {
			t.Errorf("%s: Of = %q, want %q", tt.name, got, tt.want)
		}
	}
}

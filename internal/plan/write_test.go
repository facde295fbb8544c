package plan

import (
	"io"
	"testing"
)

func TestWriteAndErr(t *testing.T) {
	p := &Plan{}
	if err := p.Write(io.Discard, "yaml"); err == nil {
		t.Error("Write yaml succeeded")
	}
	for _, f := range []string{"text", "markdown", "json", "html"} {
		if err := p.Write(io.Discard, f); err != nil {
			t.Errorf("Write %s of an empty plan: %v", f, err)
		}
	}
	if err := p.Err(); err != nil {
		t.Errorf("Err of a plan without findings = %v", err)
	}
}

package check

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openfoodfoundation/announce/internal/connect"
)

func TestFlatten(t *testing.T) {
	a, b, c := errors.New("a"), errors.New("b"), errors.New("c")
	for _, tt := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{a, "a"},
		{errors.Join(a, b), "a b"},
		{errors.Join(a, errors.Join(b, c)), "a b c"},
		{fmt.Errorf("wrapped: %w", a), "wrapped: a"},
	} {
		var got []string
		for _, e := range Flatten(tt.err) {
			got = append(got, e.Error())
		}
		if s := strings.Join(got, " "); s != tt.want {
			t.Errorf("Flatten(%v) = %q, want %q", tt.err, s, tt.want)
		}
	}
}

// Without an instances file check still reads the templates and locales:
// every problem in one pass, the text in the order found.
func TestRunGoesOn(t *testing.T) {
	dir := t.TempDir()
	root := "../.."
	r := Run(t.Context(), connect.Env{Getenv: func(string) string { return "" }},
		Files{Instances: filepath.Join(dir, "none.toml"), Schedule: filepath.Join(dir, "none.toml"),
			Templates: filepath.Join(dir, "templates"), Locales: filepath.Join(root, "locales")}, time.Now())
	if len(r.Problems) < 2 || !strings.Contains(r.Problems[0], "none.toml") || !strings.Contains(strings.Join(r.Problems[1:], "\n"), "templates") {
		t.Errorf("problems = %q, want the instances file's and the templates'", r.Problems)
	}
	var text, js bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if text.String() != strings.Join(r.Problems, "\n")+"\n" {
		t.Errorf("text = %q", text.String())
	}
	if err := r.WriteJSON(&js); err != nil || !strings.HasPrefix(js.String(), `{"problems":["`) || !strings.HasSuffix(js.String(), `"warnings":[]}`+"\n") {
		t.Errorf("json = %q, %v", js.String(), err)
	}
}

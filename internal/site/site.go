// Package site builds what people can look at instead of (or besides) their
// email: a static status site — per instance and language a page, an Atom
// feed and an iCalendar subscription; a fleet page with the rollout's
// timeline — and the maintenance page an instance shows while it is down.
//
// Everything is built in memory from the same inputs as the emails (the
// schedule, the instances, locales/ through internal/render, so dates are
// the reader's CLDR dates) and from the ledger, read only, for which notices
// went out; then written in one go, so bad input writes nothing. Pages need
// no JavaScript and no server: any static host serves them.
package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/openfoodfoundation/announce/internal/config"
	"github.com/openfoodfoundation/announce/internal/render"
)

// Input is what a site is built from.
type Input struct {
	Instances *config.Instances
	Schedule  *config.Schedule
	Renderer  *render.Renderer
	// Templates holds site/*.html.tmpl; TemplatesDir names it in messages.
	Templates    fs.FS
	TemplatesDir string
	// History is the ledger's record; nil without a ledger.
	History History
	// Now decides which windows are upcoming, in progress or completed and
	// stamps the feeds and calendars.
	Now time.Time
	// BaseURL, when set ("https://status.example.org/"), makes the feeds'
	// links absolute; otherwise they are relative to the feed.
	BaseURL string
}

// Files are built files by slash-separated path, written by Write.
type Files struct {
	names []string
	data  map[string][]byte
}

func (f *Files) add(name string, b []byte) {
	if f.data == nil {
		f.data = map[string][]byte{}
	}
	if _, dup := f.data[name]; !dup {
		f.names = append(f.names, name)
	}
	f.data[name] = b
}

// Names returns the files' paths, sorted.
func (f *Files) Names() []string {
	out := slices.Clone(f.names)
	slices.Sort(out)
	return out
}

// File returns one file's bytes.
func (f *Files) File(name string) ([]byte, bool) {
	b, ok := f.data[name]
	return b, ok
}

// Size returns the number of files and their bytes.
func (f *Files) Size() (files int, bytes int64) {
	for _, b := range f.data {
		bytes += int64(len(b))
	}
	return len(f.data), bytes
}

// Write writes every file under dir, creating directories as needed. Each
// file is written to a temporary name and renamed, so a web server never
// serves half a page.
func (f *Files) Write(dir string) error {
	for _, name := range f.Names() {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("write site: %w", err)
		}
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, f.data[name], 0o644); err != nil {
			return fmt.Errorf("write site: %w", err)
		}
		if err := os.Rename(tmp, p); err != nil {
			return fmt.Errorf("write site: %w", err)
		}
	}
	return nil
}

// keys returns the instances that have a window, in key order.
func keys(in Input) []string {
	var out []string
	for _, k := range in.Instances.Keys() {
		if _, ok := in.Schedule.Window(k); ok {
			out = append(out, k)
		}
	}
	return out
}

// Build builds the whole site: index.html (the fleet), timeline.svg,
// rollout.ics, and per instance KEY/index.html (its languages) and per
// offered locale KEY/LOCALE/{index.html,feed.atom,calendar.ics}.
func Build(in Input) (*Files, error) {
	if in.Now.IsZero() {
		return nil, errors.New("site: no build time")
	}
	t, err := loadTemplates(in.Templates, in.TemplatesDir)
	if err != nil {
		return nil, err
	}
	f := &Files{}
	var errs []error
	var insts []*instanceSite
	for _, k := range keys(in) {
		s, err := newInstanceSite(in, k)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		insts = append(insts, s)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, s := range insts {
		if err := s.build(t, f); err != nil {
			return nil, err
		}
	}
	if err := buildFleet(in, t, insts, f); err != nil {
		return nil, err
	}
	return f, nil
}

// Maintenance builds the maintenance pages of one instance: LOCALE.html per
// offered locale.
func Maintenance(in Input, key string) (*Files, error) {
	if _, ok := in.Instances.Instances[key]; !ok {
		return nil, fmt.Errorf("unknown instance %q (known: %v)", key, in.Instances.Keys())
	}
	if _, ok := in.Schedule.Window(key); !ok {
		return nil, fmt.Errorf("%s: no window for instance %q", in.Schedule.File, key)
	}
	t, err := loadTemplates(in.Templates, in.TemplatesDir)
	if err != nil {
		return nil, err
	}
	s, err := newInstanceSite(in, key)
	if err != nil {
		return nil, err
	}
	f := &Files{}
	if err := s.maintenance(t, f); err != nil {
		return nil, err
	}
	return f, nil
}

// link joins the base URL (or nothing) with a site path.
func (in Input) link(p string) string {
	if in.BaseURL == "" {
		return ""
	}
	return strings.TrimSuffix(in.BaseURL, "/") + "/" + strings.TrimPrefix(path.Clean(p), "/")
}

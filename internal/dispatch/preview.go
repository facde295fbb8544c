package dispatch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// PreviewOptions configure a dry run.
type PreviewOptions struct {
	Now time.Time // the Date of every message
	// Out, when set, is a directory that must be empty or missing: it gets
	// one .eml per recipient under INSTANCE/NOTICE/ — the bytes a send puts
	// on the wire, Date aside — and the forum copy as forum.md. It appears
	// whole or not at all.
	Out string
}

// Preview is a plan rendered for every recipient and not sent.
type Preview struct {
	Notices []*NoticePreview
}

// NoticePreview is one notice of a preview.
type NoticePreview struct {
	*NoticePlan
	// Samples holds the first message of each locale, by locale.
	Samples map[string]*Delivery
	// Messages is how many messages were built.
	Messages int
}

// Preview renders and builds every message of the plan, exactly as Execute
// would, and sends none; it records nothing in the ledger.
func (p *Plan) Preview(ctx context.Context, o PreviewOptions) (*Preview, error) {
	var stage string
	if o.Out != "" {
		var err error
		if stage, err = stageDir(o.Out); err != nil {
			return nil, err
		}
		defer os.RemoveAll(stage) // gone after the rename; left only on failure
	}
	pv := &Preview{}
	for _, np := range p.Notices {
		job := np.Job()
		sink := &previewSink{samples: map[string]*Delivery{}}
		if stage != "" {
			sink.dir = filepath.Join(stage, job.Instance.Key, string(job.Notice))
			if err := os.MkdirAll(sink.dir, 0o755); err != nil {
				return nil, err
			}
			// The copy a send posts (every locale with language = "all"),
			// whether or not the instance has a forum: one can see it.
			c := np.Forum
			if c == nil {
				fc, err := RenderForum(np.Prepared)
				if err != nil {
					return nil, inputError(err)
				}
				c = &ForumPlan{Copy: fc}
			}
			if err := os.WriteFile(filepath.Join(sink.dir, "forum.md"), c.Copy.File(), 0o644); err != nil {
				return nil, err
			}
		}
		if err := Run(ctx, np.Prepared, job.Instance.Recipients, o.Now, sink, np.only()); err != nil {
			return nil, err
		}
		pv.Notices = append(pv.Notices, &NoticePreview{NoticePlan: np, Samples: sink.samples, Messages: sink.n})
	}
	if stage != "" {
		if err := publish(stage, o.Out); err != nil {
			return nil, err
		}
	}
	return pv, nil
}

// previewSink keeps the first message of each locale and, with a directory,
// writes every message there as the exact bytes a send would transmit.
type previewSink struct {
	dir     string
	n       int
	samples map[string]*Delivery
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9@._+-]`)

func (s *previewSink) Deliver(_ context.Context, d *Delivery) error {
	s.n++
	if _, ok := s.samples[d.Message.Locale]; !ok {
		s.samples[d.Message.Locale] = d
	}
	if s.dir == "" {
		return nil
	}
	name := fmt.Sprintf("%06d-%s.eml", d.Message.Recipient.Line, unsafeName.ReplaceAllString(d.Message.Recipient.Email, "_"))
	var b bytes.Buffer
	if _, err := d.Msg.WriteTo(&b); err != nil {
		return fmt.Errorf("write message to %s: %w", d.Message.Recipient.Email, err)
	}
	return os.WriteFile(filepath.Join(s.dir, name), b.Bytes(), 0o644)
}

// stageDir makes a sibling of out to write into; publish renames it into
// place, so a run that fails leaves no half-written output behind.
func stageDir(out string) (string, error) {
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return "", inputError(fmt.Errorf("--out %s: directory is not empty", out))
	}
	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	return os.MkdirTemp(parent, "."+filepath.Base(out)+".tmp-")
}

func publish(stage, out string) error {
	if err := os.Remove(out); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.Rename(stage, out)
}

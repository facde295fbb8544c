package inbox

import (
	"errors"
	"io"
)

// ClassifyFiles classifies each named message file, "-" being one message
// from stdin, and hands each verdict (File set to the name as given) to
// emit, in order: announce classify. A file that cannot be read, or "-"
// given twice, does not stop the others; unread joins those errors. An
// error from emit stops at once and is returned as err.
func ClassifyFiles(files []string, stdin io.Reader, emit func(Verdict) error) (unread, err error) {
	var bad []error
	stdinRead := false
	for _, f := range files {
		var raw []byte
		var err error
		if f == "-" {
			if stdinRead {
				bad = append(bad, errors.New("classify -: standard input given twice"))
				continue
			}
			stdinRead = true
			raw, err = ReadLimited("classify -", stdin)
		} else {
			raw, err = ReadFile(f)
		}
		if err != nil {
			bad = append(bad, err)
			continue
		}
		v := Classify(raw, Options{})
		v.File = f
		if err := emit(v); err != nil {
			return errors.Join(bad...), err
		}
	}
	return errors.Join(bad...), nil
}

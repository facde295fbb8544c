package config

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Problem is one thing wrong in a config file, located by file, line and key.
type Problem struct {
	File string
	Line int    // 0 when unknown
	Key  string // dotted key path, "" when the problem is the whole file
	Msg  string
}

func (p *Problem) Error() string {
	loc := p.File
	if p.Line > 0 {
		loc += ":" + strconv.Itoa(p.Line)
	}
	if p.Key != "" {
		return fmt.Sprintf("%s: %s: %s", loc, p.Key, p.Msg)
	}
	return fmt.Sprintf("%s: %s", loc, p.Msg)
}

// ErrInvalid marks every configuration problem, so callers can tell bad input
// (exit 2) from a failure at run time.
var ErrInvalid = errors.New("invalid configuration")

// Is makes errors.Is(p, ErrInvalid) true.
func (p *Problem) Is(target error) bool { return target == ErrInvalid }

// problems collects Problems for one file.
type problems struct {
	file string
	pos  positions
	list []error
}

func (ps *problems) add(key, format string, args ...any) {
	ps.list = append(ps.list, &Problem{File: ps.file, Line: ps.pos.line(key), Key: key, Msg: fmt.Sprintf(format, args...)})
}

// err joins the problems in file order, so output is stable across runs.
func (ps *problems) err() error {
	slices.SortStableFunc(ps.list, func(a, b error) int {
		pa, pb := a.(*Problem), b.(*Problem)
		if pa.Line != pb.Line {
			return pa.Line - pb.Line
		}
		return strings.Compare(pa.Key, pb.Key)
	})
	return errors.Join(ps.list...)
}

// BurntSushi/toml reports type mismatches as plain errors whose text carries the
// line and key; this recovers them so every problem reads the same way. When
// the text changes in a later version the message is still shown, unparsed.
var typeErrRE = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

// decodeError turns an error from toml.Decode into a located Problem.
func decodeError(file string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		return &Problem{File: file, Line: pe.Position.Line, Key: pe.LastKey, Msg: msg}
	}
	if m := typeErrRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Problem{File: file, Line: line, Key: m[2], Msg: m[3]}
	}
	return &Problem{File: file, Msg: err.Error()}
}

package ledger

import (
	"errors"
	"fmt"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// WriteError is a write the ledger could not make because of where it lives:
// the disk is full, the file or its file system is read-only, or I/O failed.
// Nothing about the deliveries is wrong; the ledger cannot record them.
type WriteError struct {
	Reason string // "disk full", "read-only", "I/O error"
	Err    error
}

func (e *WriteError) Error() string {
	return fmt.Sprintf("ledger write failed (%s): %v", e.Reason, e.Err)
}

func (e *WriteError) Unwrap() error { return e.Err }

// asWriteErr makes err a *WriteError when it is one.
func asWriteErr(err error) error {
	if err == nil {
		return nil
	}
	var we *WriteError
	if errors.As(err, &we) {
		return err
	}
	if r := writeFailure(err); r != "" {
		return &WriteError{Reason: r, Err: err}
	}
	return err
}

func writeFailure(err error) string {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return "disk full"
		case sqlite3.SQLITE_READONLY:
			return "read-only"
		case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
			return "I/O error"
		}
	}
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return "disk full"
	case errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return "read-only"
	case errors.Is(err, syscall.EIO):
		return "I/O error"
	}
	return ""
}

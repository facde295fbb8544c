package ofndb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrSchema marks an error caused by a table or column the database lacks:
// the database is not the OFN schema this package reads (bad input, not a
// failure of the moment).
var ErrSchema = errors.New("schema mismatch")

// Error is one failed database step. Its text names the server (host, port
// and database, never the user or password) and what failed, in one line.
type Error struct {
	Server string // host:port/database
	Op     string // what was being done: "connect", "read recipients", …
	Reason string // one line, safe to print
	schema bool
	err    error
}

func (e *Error) Error() string {
	return fmt.Sprintf("postgresql %s: %s: %s", e.Server, e.Op, e.Reason)
}

// Unwrap returns the driver's error (its text may name the user: print e).
func (e *Error) Unwrap() error { return e.err }

// Is makes errors.Is(e, ErrSchema) true for a missing table or column.
func (e *Error) Is(target error) bool { return target == ErrSchema && e.schema }

// PostgreSQL error codes (Appendix A of the PostgreSQL manual).
const (
	codeUndefinedTable  = "42P01"
	codeUndefinedColumn = "42703"
	codeQueryCanceled   = "57014"
	codeInvalidPassword = "28P01"
	codeInvalidAuth     = "28000"
	codeInvalidCatalog  = "3D000" // no such database
	codeReadOnly        = "25006"
)

// classify turns a driver error into an *Error whose reason is safe to show.
func (db *DB) classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var own *Error
	if errors.As(err, &own) {
		return err
	}
	e := &Error{Server: db.server, Op: op, err: err}
	var pg *pgconn.PgError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &pg):
		switch pg.Code {
		case codeUndefinedTable, codeUndefinedColumn:
			e.schema = true
			e.Reason = "schema mismatch: " + pg.Message + " (announce reads the Open Food Network schema; see internal/ofndb)"
		case codeQueryCanceled:
			e.Reason = fmt.Sprintf("statement timeout (%s) exceeded", db.timeout)
		case codeInvalidPassword, codeInvalidAuth:
			e.Reason = "authentication failed (wrong user or password in the connection string)"
		case codeInvalidCatalog:
			e.Reason = "database does not exist"
		default:
			// Server messages name objects, not credentials.
			e.Reason = fmt.Sprintf("%s (SQLSTATE %s)", pg.Message, pg.Code)
		}
	case errors.Is(err, context.Canceled):
		e.Reason = "interrupted"
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		e.Reason = fmt.Sprintf("no answer within %s", db.connectTimeout)
	case errors.As(err, &oe):
		e.Reason = "unreachable: " + strings.TrimPrefix(oe.Err.Error(), "connect: ")
	default:
		// pgconn's own errors quote the user and database; keep only the cause.
		msg := err.Error()
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
		e.Reason = msg
	}
	return e
}

// Package ledger is the durable SQLite record of what announce sent, to whom,
// and which addresses it must never write to: the reason a rerun sends only
// what is not yet sent.
//
// One row per delivery (campaign, notice, instance, recipient) moves through
//
//	pending ──Claim──▶ sending ──MarkSent──▶ sent
//	                      │
//	                      ├──MarkFailed──▶ failed-temp (claimable again) | failed-perm
//	                      └──MarkUncertain, or HoldAfter crashes──▶ uncertain
//	                                        (claimable only with Owner.ResendUncertain)
//
// and to suppressed when its address is on the suppression list. A claim is
// one atomic write, so two runs never both send the same row, and a sent row
// is never claimed again. A row in sending is taken over only from a claimant
// that is provably dead or whose lease has expired, and keeps its Message-ID:
// a crash can cause one extra copy of each message it interrupted (at most
// the sender's pool size), and the copies thread and deduplicate as one. A
// row whose claims ended without a verdict HoldAfter (2) times — crashes, or
// no reply to the end of data — is held as uncertain instead of being sent
// again, so that no message goes out more than twice however often the
// sender dies; only an explicit ResendUncertain sends it once more.
//
// Durability: the database runs in WAL mode with synchronous=NORMAL. A commit
// appends its frames to the -wal file with write(2) before Claim or MarkSent
// returns; those bytes sit in the kernel's page cache, which outlives the
// process, so kill -9 at any moment loses no committed row. Only an OS crash or
// power loss can drop the last commits before the next checkpoint's fsync;
// the database stays consistent then too, and a lost MarkSent only means that
// message may go out again, with the same Message-ID. FULL would fsync every
// commit, twice per message, for a failure this tool can live with.
package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib" // registers the "sqlite" driver: pure Go, no cgo
)

// Sentinel errors, for errors.Is.
var (
	ErrAlreadySent    = errors.New("already sent")
	ErrSuppressed     = errors.New("address suppressed")
	ErrFailedPerm     = errors.New("failed permanently")
	ErrClaimedByOther = errors.New("claimed by a live run")
	ErrNotFound       = errors.New("not in ledger")
	// ErrUncertain: the message went out and its fate is unknown (see
	// MarkUncertain and HoldAfter); it is sent again only on request.
	ErrUncertain = errors.New("maybe delivered: held as uncertain")
	// ErrSchemaTooNew means a newer announce has migrated the database
	// past what this build knows; writing to it could break that version.
	ErrSchemaTooNew = errors.New("ledger schema is newer than this announce")
)

// busyTimeoutMS bounds how long a write waits for another process's write
// transaction (an Enqueue batch takes milliseconds, a claim microseconds).
const busyTimeoutMS = 10_000

// Ledger is an open ledger database. Its methods are safe for concurrent use.
type Ledger struct {
	db    *sql.DB
	stmts statements
}

// DefaultPath returns $XDG_STATE_HOME/announce/ledger.db, or
// ~/.local/state/announce/ledger.db when XDG_STATE_HOME is unset or relative
// (the XDG spec says to ignore relative values).
func DefaultPath() (string, error) {
	loc, err := defaultLocation(os.Getenv)
	return loc.Path, err
}

// Open opens the ledger at path, creating it and its parent directories on
// first use, and migrates its schema to the current version.
func Open(ctx context.Context, path string) (*Ledger, error) {
	// Two processes opening a new ledger at the same moment both try to put
	// it in WAL mode; SQLite refuses one with SQLITE_BUSY without waiting
	// (busy_timeout cannot help when both hold a shared lock), so retry
	// briefly: the other process finishes in milliseconds.
	var (
		l   *Ledger
		err error
	)
	for attempt := 0; ; attempt++ {
		l, err = open(ctx, path)
		if err == nil || !isBusy(err) || attempt == 100 {
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("open ledger %s: %w", path, ctx.Err())
		case <-time.After(time.Duration(5+attempt) * time.Millisecond):
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	return l, nil
}

// isBusy reports an SQLITE_BUSY (or one of its extended codes).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

func open(ctx context.Context, path string) (*Ledger, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	// The ledger holds e-mail addresses: keep it private to the operator.
	// SQLite gives the -wal and -shm files the mode of the database file.
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}

	db, err := sql.Open("sqlite", dsn(abs))
	if err != nil {
		return nil, err
	}
	// One connection per Ledger: SQLite has one writer at a time anyway, and
	// queueing goroutines on database/sql's pool costs far less than letting
	// them contend inside SQLite, whose busy handler sleeps a millisecond or
	// more per retry. Other processes still meet busy_timeout.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)

	l := &Ledger{db: db}
	if err := l.init(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return l, nil
}

func (l *Ledger) init(ctx context.Context) error {
	var mode string
	if err := l.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	// Some file systems (network ones in particular) cannot hold the WAL
	// index; SQLite then quietly keeps the old mode. Our durability and
	// concurrency arguments assume WAL, so refuse rather than degrade.
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal mode is %q, want wal (is the ledger on a network file system?)", mode)
	}
	if err := migrate(ctx, l.db, migrations); err != nil {
		return err
	}
	return l.stmts.prepare(ctx, l.db)
}

// dsn builds a file: URI so that any byte in path survives ('?' and '#'
// would end a plain file name), with the connection settings every
// connection needs.
func dsn(abs string) string {
	q := url.Values{}
	q.Set("_busy_timeout", strconv.Itoa(busyTimeoutMS))
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	// Every transaction takes the write lock at BEGIN. A deferred one that
	// reads, then writes, fails with SQLITE_BUSY_SNAPSHOT without waiting
	// when another process committed in between.
	q.Set("_txlock", "immediate")
	u := url.URL{
		Scheme:   "file",
		Path:     "/" + strings.TrimPrefix(filepath.ToSlash(abs), "/"),
		RawQuery: q.Encode(),
	}
	return u.String()
}

// Close closes the database. Rows still claimed by this run stay in sending
// until the process exits or their lease expires.
func (l *Ledger) Close() error {
	return errors.Join(l.stmts.close(), l.db.Close())
}

// OpenReadOnly opens an existing ledger for reading only — status, lists —
// and never creates, migrates or writes it: it works on a read-only file or
// file system (SQLite's mode=ro, and immutable=1 where not even the WAL
// index can be opened, which is safe because nothing can write there). A
// missing file is reported as such, wrapping fs.ErrNotExist.
func OpenReadOnly(ctx context.Context, path string) (*Ledger, error) {
	abs, err := filepath.Abs(path)
	if err == nil {
		_, err = os.Stat(abs)
	}
	if err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	var errs []error
	for _, extra := range []string{"mode=ro", "immutable=1"} {
		l, err := openRO(ctx, abs, extra)
		if err == nil {
			return l, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", extra, err))
	}
	return nil, fmt.Errorf("open ledger %s read-only: %w", path, errors.Join(errs...))
}

func openRO(ctx context.Context, abs, extra string) (*Ledger, error) {
	q := url.Values{}
	q.Set("_busy_timeout", strconv.Itoa(busyTimeoutMS))
	k, v, _ := strings.Cut(extra, "=")
	q.Set(k, v)
	u := url.URL{Scheme: "file", Path: "/" + strings.TrimPrefix(filepath.ToSlash(abs), "/"), RawQuery: q.Encode()}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM deliveries WHERE 0").Scan(new(int)); err != nil {
		db.Close()
		return nil, err
	}
	switch {
	case version > len(migrations):
		db.Close()
		return nil, fmt.Errorf("schema version %d, this build knows %d: %w", version, len(migrations), ErrSchemaTooNew)
	case version < len(migrations):
		db.Close()
		return nil, fmt.Errorf("schema version %d is older than this announce's %d: open it writable once (any send or suppress command) to migrate it", version, len(migrations))
	}
	return &Ledger{db: db}, nil
}

package ofndb

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Defaults for Options.
const (
	DefaultStatementTimeout = 60 * time.Second
	DefaultConnectTimeout   = 10 * time.Second
)

// Options bound how long the database may take.
type Options struct {
	// StatementTimeout bounds each statement (each FETCH of a cursor is
	// one), so a slow query or a lock fails the run instead of hanging it.
	StatementTimeout time.Duration
	// ConnectTimeout bounds connecting and logging in.
	ConnectTimeout time.Duration
}

// DB is an OFN database to read. It holds the parsed connection settings
// only; every read opens its own connection and closes it when done.
type DB struct {
	cfg            *pgx.ConnConfig
	server         string
	timeout        time.Duration
	connectTimeout time.Duration

	mu       sync.Mutex
	snapshot string // pinned by Pin: every read sees it
	// pinned holds the transaction that exported the snapshot: it must stay
	// open (and referenced: a collected connection closes its socket).
	pinned struct {
		conn *pgx.Conn
		tx   pgx.Tx
	}
}

// New parses a libpq connection string or URL. The error never repeats the
// string: it may hold a password.
func New(connString string, o Options) (*DB, error) {
	cfg, err := pgx.ParseConfig(connString)
	if err != nil {
		return nil, fmt.Errorf("postgresql: the connection string does not parse (its text is not shown: it may hold a password)")
	}
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = DefaultStatementTimeout
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	cfg.ConnectTimeout = o.ConnectTimeout
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["application_name"] = "announce"
	return &DB{cfg: cfg, server: serverName(cfg), timeout: o.StatementTimeout, connectTimeout: o.ConnectTimeout}, nil
}

// Server names the database for messages: host:port/database.
func (db *DB) Server() string { return db.server }

func serverName(cfg *pgx.ConnConfig) string {
	host := cfg.Host
	if len(host) > 0 && host[0] == '/' {
		return fmt.Sprintf("%s/.s.PGSQL.%d/%s", host, cfg.Port, cfg.Database)
	}
	return net.JoinHostPort(host, strconv.Itoa(int(cfg.Port))) + "/" + cfg.Database
}

// begin connects and opens a read-only transaction whose statements each
// time out after the statement timeout.
func (db *DB) begin(ctx context.Context, op string) (*pgx.Conn, pgx.Tx, error) {
	conn, err := pgx.ConnectConfig(ctx, db.cfg)
	if err != nil {
		return nil, nil, db.classify("connect", err)
	}
	// Repeatable read: one snapshot for the whole read, so a user who joins
	// or leaves while the rows stream is either wholly in or wholly out.
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	db.mu.Lock()
	snap := db.snapshot
	db.mu.Unlock()
	if err == nil && snap != "" {
		// First in the transaction, as PostgreSQL requires; the id is ours
		// (from pg_export_snapshot) and checked by Pin.
		_, err = tx.Exec(ctx, "SET TRANSACTION SNAPSHOT '"+snap+"'")
	}
	if err == nil {
		_, err = tx.Exec(ctx, "SELECT set_config('statement_timeout', $1, true)", strconv.FormatInt(db.timeout.Milliseconds(), 10))
	}
	if err != nil {
		conn.Close(context.Background())
		return nil, nil, db.classify(op, err)
	}
	return conn, tx, nil
}

var snapshotID = regexp.MustCompile(`^[0-9A-Fa-f-]+$`)

// Pin makes every later read of db see the database as it is now: the
// census, the list of a send and the send itself get the same people even
// while users join or leave. It holds a read-only transaction open on a
// connection of its own until release is called (or the process ends).
func (db *DB) Pin(ctx context.Context) (release func(), err error) {
	conn, tx, err := db.begin(ctx, "pin a snapshot")
	if err != nil {
		return nil, err
	}
	var id string
	if err := tx.QueryRow(ctx, "SELECT pg_export_snapshot()").Scan(&id); err != nil {
		end(conn, tx)
		return nil, db.classify("pin a snapshot", err)
	}
	if !snapshotID.MatchString(id) {
		end(conn, tx)
		return nil, &Error{Server: db.server, Op: "pin a snapshot", Reason: fmt.Sprintf("unexpected snapshot id %q", id)}
	}
	db.mu.Lock()
	db.snapshot = id
	db.pinned.conn, db.pinned.tx = conn, tx
	db.mu.Unlock()
	return func() {
		db.mu.Lock()
		db.snapshot = ""
		db.pinned.conn, db.pinned.tx = nil, nil
		db.mu.Unlock()
		end(conn, tx)
	}, nil
}

// end rolls the (read-only) transaction back and closes the connection.
func end(conn *pgx.Conn, tx pgx.Tx) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tx.Rollback(ctx)
	conn.Close(ctx)
}

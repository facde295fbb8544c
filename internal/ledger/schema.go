package ledger

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are the schema, one step per element: migrations[i] takes the
// database from user_version i to i+1. Append new steps (forum posts, IMAP
// checkpoints, announced windows, scheduler locks); never edit or reorder a
// step that has shipped, since ledgers in the field already ran it.
//
// Times are Unix milliseconds (INTEGER): cheap to compare in SQL and free
// of time-zone and format questions.
var migrations = []string{
	// 1: deliveries and the suppression list.
	`
CREATE TABLE deliveries (
	campaign    TEXT    NOT NULL,
	notice      TEXT    NOT NULL,
	instance    TEXT    NOT NULL,
	recipient   TEXT    NOT NULL,
	locale      TEXT    NOT NULL DEFAULT '',
	message_id  TEXT    NOT NULL,
	state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN
	            ('pending', 'sending', 'sent', 'failed-temp', 'failed-perm', 'suppressed')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	last_reply  TEXT    NOT NULL DEFAULT '',
	-- The last claimant: who holds the row while it is sending, who sent it after.
	owner_host  TEXT    NOT NULL DEFAULT '',
	owner_space TEXT    NOT NULL DEFAULT '',
	owner_pid   INTEGER NOT NULL DEFAULT 0,
	owner_run   TEXT    NOT NULL DEFAULT '',
	lease_until INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	sent_at     INTEGER,
	PRIMARY KEY (campaign, notice, instance, recipient)
) STRICT, WITHOUT ROWID;

-- Suppress and Unsuppress update every row of one address.
CREATE INDEX deliveries_recipient ON deliveries (recipient);

CREATE TABLE suppressions (
	address    TEXT    NOT NULL PRIMARY KEY,
	reason     TEXT    NOT NULL,
	source     TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
`,
	// 2: what became of each notice as a whole, and the run lock.
	`
CREATE TABLE notices (
	campaign TEXT    NOT NULL,
	notice   TEXT    NOT NULL,
	instance TEXT    NOT NULL,
	state    TEXT    NOT NULL CHECK (state IN ('sent', 'expired')),
	detail   TEXT    NOT NULL DEFAULT '',
	at       INTEGER NOT NULL,
	PRIMARY KEY (campaign, notice, instance)
) STRICT, WITHOUT ROWID;

CREATE TABLE locks (
	name        TEXT    NOT NULL PRIMARY KEY,
	owner_host  TEXT    NOT NULL,
	owner_space TEXT    NOT NULL,
	owner_pid   INTEGER NOT NULL,
	owner_run   TEXT    NOT NULL,
	command     TEXT    NOT NULL,
	since       INTEGER NOT NULL,
	lease_until INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
`,
	// 3: the forum copy of each notice.
	`
CREATE TABLE forum_posts (
	campaign TEXT    NOT NULL,
	notice   TEXT    NOT NULL,
	instance TEXT    NOT NULL,
	topic_id INTEGER NOT NULL,
	post_id  INTEGER NOT NULL,
	url      TEXT    NOT NULL,
	hash     TEXT    NOT NULL, -- of the Markdown as posted, to tell when it changed
	at       INTEGER NOT NULL,
	PRIMARY KEY (campaign, notice, instance)
) STRICT, WITHOUT ROWID;
`,
}

// migrate brings db up to len(steps). It runs in one write transaction, so
// two processes opening a new ledger at once migrate it once, and a failed
// step leaves the database as it was.
func migrate(ctx context.Context, db *sql.DB, steps []string) (err error) {
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: see dsn
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()

	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("migrate: read user_version: %w", err)
	}
	if version > len(steps) {
		return fmt.Errorf("migrate: schema version %d, this build knows %d: %w", version, len(steps), ErrSchemaTooNew)
	}
	for i := version; i < len(steps); i++ {
		if _, err := tx.ExecContext(ctx, steps[i]); err != nil {
			return fmt.Errorf("migrate to version %d: %w", i+1, err)
		}
	}
	if version < len(steps) {
		// PRAGMA takes no parameters; the value is an int we computed.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(steps))); err != nil {
			return fmt.Errorf("migrate: set user_version: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}

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
	// 4: the window each sent notice told its readers about, so a moved or
	// cancelled window can be announced to them.
	`
CREATE TABLE told_windows (
	campaign TEXT    NOT NULL,
	instance TEXT    NOT NULL,
	notice   TEXT    NOT NULL,
	start    INTEGER NOT NULL, -- Unix ms
	end_     INTEGER NOT NULL,
	latest   INTEGER NOT NULL,
	sequence INTEGER NOT NULL, -- of the calendar event: 0, then one more per change
	at       INTEGER NOT NULL,
	PRIMARY KEY (campaign, instance, notice)
) STRICT, WITHOUT ROWID;
`,
	// 5: the support inbox: how far each mailbox was read, and every message
	// read there, so that none is counted twice (a new UIDVALIDITY renumbers
	// them all) and each is reported once.
	`
CREATE TABLE mailbox_checkpoints (
	instance    TEXT    NOT NULL,
	mailbox     TEXT    NOT NULL,
	uidvalidity INTEGER NOT NULL,
	last_uid    INTEGER NOT NULL,
	at          INTEGER NOT NULL,
	PRIMARY KEY (instance, mailbox)
) STRICT, WITHOUT ROWID;

CREATE TABLE inbox_messages (
	instance    TEXT    NOT NULL,
	msg_key     TEXT    NOT NULL, -- the Message-ID, or a hash of the header without one
	mailbox     TEXT    NOT NULL,
	uidvalidity INTEGER NOT NULL,
	uid         INTEGER NOT NULL,
	kind        TEXT    NOT NULL CHECK (kind IN ('reply', 'auto-reply', 'bounce', 'unrelated')),
	campaign    TEXT    NOT NULL DEFAULT '',
	notice      TEXT    NOT NULL DEFAULT '',
	address     TEXT    NOT NULL DEFAULT '', -- a bounce's failed recipient, a reply's sender
	locale      TEXT    NOT NULL DEFAULT '',
	permanent   INTEGER NOT NULL DEFAULT 0,
	status      TEXT    NOT NULL DEFAULT '',
	diagnostic  TEXT    NOT NULL DEFAULT '',
	message_id  TEXT    NOT NULL DEFAULT '',
	sender      TEXT    NOT NULL DEFAULT '', -- From, decoded
	subject     TEXT    NOT NULL DEFAULT '',
	excerpt     TEXT    NOT NULL DEFAULT '', -- what a person wrote, quote stripped
	answered    INTEGER NOT NULL DEFAULT 0,
	suppressed  INTEGER NOT NULL DEFAULT 0, -- this message put address on the suppression list
	date        INTEGER NOT NULL,           -- the message's Date, else its arrival
	seen_at     INTEGER NOT NULL,
	reported_at INTEGER,
	PRIMARY KEY (instance, msg_key)
) STRICT, WITHOUT ROWID;

CREATE INDEX inbox_messages_unreported ON inbox_messages (instance) WHERE reported_at IS NULL;
CREATE INDEX inbox_messages_bounces ON inbox_messages (campaign, address) WHERE kind = 'bounce';
CREATE INDEX inbox_messages_date ON inbox_messages (instance, date);

-- A reply or a bounce names our Message-ID: whose delivery was it?
CREATE INDEX deliveries_message_id ON deliveries (message_id);
`,
	// 6: what an inbox message is apart from what it answers (kind complaint
	// and other; campaign empty for a message that answers no notice), and
	// a bounce's reason (the bounce-reason taxonomy), which decides what it
	// does to the suppression list. SQLite cannot change a CHECK, so the
	// table is copied.
	`
CREATE TABLE inbox_messages_6 (
	instance    TEXT    NOT NULL,
	msg_key     TEXT    NOT NULL,
	mailbox     TEXT    NOT NULL,
	uidvalidity INTEGER NOT NULL,
	uid         INTEGER NOT NULL,
	kind        TEXT    NOT NULL CHECK (kind IN ('reply', 'auto-reply', 'bounce', 'complaint', 'other', 'unrelated')),
	campaign    TEXT    NOT NULL DEFAULT '',
	notice      TEXT    NOT NULL DEFAULT '',
	address     TEXT    NOT NULL DEFAULT '',
	locale      TEXT    NOT NULL DEFAULT '',
	permanent   INTEGER NOT NULL DEFAULT 0,
	status      TEXT    NOT NULL DEFAULT '',
	reason      TEXT    NOT NULL DEFAULT '', -- a bounce's reason: userunknown, mailboxfull, authfailure…
	diagnostic  TEXT    NOT NULL DEFAULT '',
	message_id  TEXT    NOT NULL DEFAULT '',
	sender      TEXT    NOT NULL DEFAULT '',
	subject     TEXT    NOT NULL DEFAULT '',
	excerpt     TEXT    NOT NULL DEFAULT '',
	answered    INTEGER NOT NULL DEFAULT 0,
	suppressed  INTEGER NOT NULL DEFAULT 0,
	date        INTEGER NOT NULL,
	seen_at     INTEGER NOT NULL,
	reported_at INTEGER,
	PRIMARY KEY (instance, msg_key)
) STRICT, WITHOUT ROWID;

INSERT INTO inbox_messages_6 (instance, msg_key, mailbox, uidvalidity, uid, kind, campaign, notice, address, locale,
	permanent, status, diagnostic, message_id, sender, subject, excerpt, answered, suppressed, date, seen_at, reported_at)
SELECT instance, msg_key, mailbox, uidvalidity, uid, kind, campaign, notice, address, locale,
	permanent, status, diagnostic, message_id, sender, subject, excerpt, answered, suppressed, date, seen_at, reported_at
FROM inbox_messages;
DROP TABLE inbox_messages;
ALTER TABLE inbox_messages_6 RENAME TO inbox_messages;

CREATE INDEX inbox_messages_unreported ON inbox_messages (instance) WHERE reported_at IS NULL;
CREATE INDEX inbox_messages_bounces ON inbox_messages (campaign, address) WHERE kind = 'bounce';
CREATE INDEX inbox_messages_date ON inbox_messages (instance, date);
CREATE INDEX inbox_messages_address ON inbox_messages (address) WHERE kind = 'bounce';
`,
	// 7: the uncertain state (a message that went out in full and got no
	// reply: maybe delivered, never resent without being asked) and the
	// count of claims that ended without a verdict, across runs. SQLite
	// cannot change a CHECK constraint in place: the table is rebuilt.
	`
CREATE TABLE deliveries_v7 (
	campaign    TEXT    NOT NULL,
	notice      TEXT    NOT NULL,
	instance    TEXT    NOT NULL,
	recipient   TEXT    NOT NULL,
	locale      TEXT    NOT NULL DEFAULT '',
	message_id  TEXT    NOT NULL,
	state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN
	            ('pending', 'sending', 'sent', 'failed-temp', 'failed-perm', 'suppressed', 'uncertain')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	-- Claims that ended with no verdict from the server: the run died (the
	-- row was taken over) or the reply to the end of data never came.
	unanswered  INTEGER NOT NULL DEFAULT 0,
	-- Where the row sits in its claimant's batch (ClaimBatch claims ahead):
	-- a worker sends a batch in claim_seq order and records each before the
	-- next, so of a dead run's batch only the first row still sending can
	-- have been on the wire; the rest were never sent. (No index: it would
	-- cost every claim and sent record; only a takeover after a crash reads
	-- these, a few rows per dead connection.)
	claim_batch INTEGER NOT NULL DEFAULT 0,
	claim_seq   INTEGER NOT NULL DEFAULT 0,
	last_reply  TEXT    NOT NULL DEFAULT '',
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

INSERT INTO deliveries_v7 (campaign, notice, instance, recipient, locale, message_id, state, attempts,
	last_reply, owner_host, owner_space, owner_pid, owner_run, lease_until, created_at, updated_at, sent_at)
SELECT campaign, notice, instance, recipient, locale, message_id, state, attempts,
	last_reply, owner_host, owner_space, owner_pid, owner_run, lease_until, created_at, updated_at, sent_at
FROM deliveries;

DROP TABLE deliveries;
ALTER TABLE deliveries_v7 RENAME TO deliveries;
CREATE INDEX deliveries_recipient ON deliveries (recipient);
CREATE INDEX deliveries_message_id ON deliveries (message_id);
CREATE INDEX deliveries_uncertain ON deliveries (campaign, notice, instance) WHERE state = 'uncertain';
`,
	// 8: manual sends that the timing guard refused and --force sent anyway.
	`
CREATE TABLE overrides (
	campaign TEXT    NOT NULL,
	instance TEXT    NOT NULL,
	notice   TEXT    NOT NULL,
	reason   TEXT    NOT NULL, -- what the guard said
	command  TEXT    NOT NULL,
	at       INTEGER NOT NULL
) STRICT;

CREATE INDEX overrides_notice ON overrides (campaign, instance, notice);
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

package ofndb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/openfoodfoundation/announce/internal/recipients"
)

// Segment is a group of an instance's people.
type Segment string

// The segments, strongest first: someone in several gets the role of the
// strongest (a hub manager who also produces is told as a hub manager).
const (
	Hubs      Segment = "hubs"                   // managers of enterprises that sell to anyone (sells = "any")
	Producers Segment = "producers"              // managers of primary producers
	Managers  Segment = "managers"               // users with any enterprise role
	Shoppers  Segment = "shoppers-of-open-shops" // customers (guests too) of distributors with an order cycle open during the window
	All       Segment = "all"                    // every confirmed, enabled user
)

// Segments lists every segment, strongest first.
var Segments = []Segment{Hubs, Producers, Managers, Shoppers, All}

// Role is the role a segment gives its members (Recipient.Role).
func (s Segment) Role() string {
	switch s {
	case Hubs:
		return "hub manager"
	case Producers:
		return "producer"
	case Managers:
		return "enterprise manager"
	case Shoppers:
		return "shopper"
	case All:
		return "user"
	}
	return ""
}

// ParseSegment accepts one of Segments.
func ParseSegment(s string) (Segment, error) {
	if slices.Contains(Segments, Segment(s)) {
		return Segment(s), nil
	}
	names := make([]string, len(Segments))
	for i, s := range Segments {
		names[i] = string(s)
	}
	return "", fmt.Errorf("unknown segment %q (want %s)", s, strings.Join(names, ", "))
}

// Span is the maintenance window, for the shoppers of shops open during it.
type Span struct{ Start, End time.Time }

// The people of each segment, as (email, name, locale, rank, ref). Users must
// have confirmed their address and not be disabled. Names come from the
// user's bill address (firstname lastname); a customer's own name first.
// Column names are written in full (no aliases) so that a missing one is
// reported as "column spree_users.locale does not exist".
const (
	userName = `NULLIF(btrim(concat_ws(' ', spree_addresses.firstname, spree_addresses.lastname)), '')`
	userFrom = `spree_users LEFT JOIN spree_addresses ON spree_addresses.id = spree_users.bill_address_id`
	userOK   = `spree_users.confirmed_at IS NOT NULL AND spree_users.disabled_at IS NULL`
)

func segmentQuery(s Segment, rank int) string {
	cols := fmt.Sprintf(`spree_users.email, %s, spree_users.locale, %d, 'spree_users.id=' || spree_users.id`, userName, rank)
	switch s {
	case All:
		return fmt.Sprintf(`SELECT %s FROM %s WHERE %s`, cols, userFrom, userOK)
	case Managers:
		return fmt.Sprintf(`SELECT %s FROM %s WHERE %s AND EXISTS (
  SELECT 1 FROM enterprise_roles WHERE enterprise_roles.user_id = spree_users.id)`, cols, userFrom, userOK)
	case Hubs, Producers:
		cond := `enterprises.sells = 'any'`
		if s == Producers {
			cond = `enterprises.is_primary_producer`
		}
		return fmt.Sprintf(`SELECT %s FROM %s WHERE %s AND EXISTS (
  SELECT 1 FROM enterprise_roles JOIN enterprises ON enterprises.id = enterprise_roles.enterprise_id
  WHERE enterprise_roles.user_id = spree_users.id AND %s)`, cols, userFrom, userOK, cond)
	case Shoppers:
		// A distributor's shop is open when one of its order cycles (an
		// outgoing exchange to it) is open at some point of the window:
		// opened before the window's latest end, closing after its start.
		return fmt.Sprintf(`SELECT customers.email,
  COALESCE(NULLIF(btrim(concat_ws(' ', customers.first_name, customers.last_name)), ''), NULLIF(btrim(customers.name), ''), %s),
  spree_users.locale, %d, 'customers.id=' || customers.id
FROM customers
  LEFT JOIN spree_users ON spree_users.id = customers.user_id
  LEFT JOIN spree_addresses ON spree_addresses.id = spree_users.bill_address_id
WHERE spree_users.disabled_at IS NULL AND customers.enterprise_id IN (
  SELECT exchanges.receiver_id FROM exchanges JOIN order_cycles ON order_cycles.id = exchanges.order_cycle_id
  WHERE NOT exchanges.incoming AND order_cycles.orders_open_at < $2::timestamp AND order_cycles.orders_close_at > $1::timestamp)`, userName, rank)
	}
	panic("ofndb: unknown segment " + s)
}

// recipientsQuery is the union of the segments, one row per address
// (case-insensitive), each with its strongest segment's rank, in address order.
func recipientsQuery(segs []Segment) (string, bool) {
	var parts []string
	window := false
	for rank, s := range Segments {
		if slices.Contains(segs, s) {
			parts = append(parts, segmentQuery(s, rank))
			window = window || s == Shoppers
		}
	}
	q := `SELECT DISTINCT ON (lower(email)) email, name, locale, rank, ref FROM (
` + strings.Join(parts, "\nUNION ALL\n") + `
) AS people(email, name, locale, rank, ref)
WHERE email IS NOT NULL AND btrim(email) <> ''
ORDER BY lower(email), rank, ref`
	return q, window
}

// fetchSize is how many rows each FETCH brings: memory holds one batch.
const fetchSize = 1000

// Recipients opens a stream of the segments' people (see Segments); span is
// the window, for shoppers-of-open-shops. The stream is one read-only
// transaction: a cursor fetched in batches, each FETCH a statement bounded
// by the statement timeout, so a send that takes hours is not cut short by
// it (the transaction stays open while the send runs). ctx bounds the
// whole stream.
func (db *DB) Recipients(ctx context.Context, segs []Segment, span Span) (*Stream, error) {
	if len(segs) == 0 {
		return nil, errors.New("ofndb: no segment")
	}
	q, window := recipientsQuery(segs)
	conn, tx, err := db.begin(ctx, "read recipients")
	if err != nil {
		return nil, err
	}
	var args []any
	if window {
		args = []any{span.Start.UTC(), span.End.UTC()} // see the package doc: UTC wall clocks
	}
	if _, err := tx.Exec(ctx, "DECLARE announce_recipients NO SCROLL CURSOR FOR "+q, args...); err != nil {
		end(conn, tx)
		return nil, db.classify("read recipients", err)
	}
	s := &Stream{ctx: ctx, db: db, conn: conn, tx: tx}
	if err := s.fetch(); err != nil { // the first FETCH runs the query: fail now, not mid-way
		s.Close()
		return nil, err
	}
	return s, nil
}

// Stream is a recipients.Source over the database.
type Stream struct {
	ctx   context.Context
	db    *DB
	conn  *pgx.Conn
	tx    pgx.Tx
	batch []row
	done  bool // the cursor has no more rows
	n     int  // rows returned so far
	seen  recipients.Seen
}

type row struct {
	email, name, locale, ref *string
	rank                     int32
}

func (s *Stream) fetch() error {
	rows, err := s.tx.Query(s.ctx, fmt.Sprintf("FETCH %d FROM announce_recipients", fetchSize))
	if err != nil {
		return s.db.classify("read recipients", err)
	}
	defer rows.Close()
	s.batch = s.batch[:0]
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.email, &r.name, &r.locale, &r.rank, &r.ref); err != nil {
			return s.db.classify("read recipients", err)
		}
		s.batch = append(s.batch, r)
	}
	if err := rows.Err(); err != nil {
		return s.db.classify("read recipients", err)
	}
	s.done = len(s.batch) < fetchSize
	slices.Reverse(s.batch) // taken from the end
	return nil
}

// Next returns the next recipient, a *recipients.RowError for a row that
// cannot be mailed (go on with Next), or io.EOF.
func (s *Stream) Next() (recipients.Recipient, error) {
	if len(s.batch) == 0 {
		if s.done {
			return recipients.Recipient{}, io.EOF
		}
		if err := s.fetch(); err != nil {
			return recipients.Recipient{}, err
		}
		if len(s.batch) == 0 {
			return recipients.Recipient{}, io.EOF
		}
	}
	r := s.batch[len(s.batch)-1]
	s.batch = s.batch[:len(s.batch)-1]
	s.n++
	rcp := recipients.Recipient{Email: strings.TrimSpace(str(r.email)), Name: strings.TrimSpace(str(r.name)),
		Locale: strings.TrimSpace(str(r.locale)), Role: Segments[r.rank].Role(), Line: s.n}
	if reason := recipients.Check(rcp); reason != "" {
		return recipients.Recipient{}, &recipients.RowError{File: "postgresql " + s.db.server, Line: s.n, Ref: str(r.ref), Reason: reason}
	}
	// The query already keeps one row per lower(email); this is the same
	// dedup a CSV gets (PostgreSQL's lower() and Go's may differ).
	if first, dup := s.seen.Add(rcp, s.n); dup {
		return recipients.Recipient{}, &recipients.RowError{File: "postgresql " + s.db.server, Line: s.n, Ref: str(r.ref),
			Reason: fmt.Sprintf("duplicate address %s (first as row %d)", rcp.Email, first)}
	}
	return rcp, nil
}

// Close ends the transaction and the connection.
func (s *Stream) Close() error {
	if s.conn != nil {
		end(s.conn, s.tx)
		s.conn = nil
	}
	return nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

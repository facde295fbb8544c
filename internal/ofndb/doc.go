// Package ofndb reads an Open Food Network instance's own PostgreSQL
// database: who to tell (recipients by segment) and the order cycles a
// maintenance window must keep clear of. It only reads: every query runs in
// a read-only transaction with a statement timeout, on a connection of its
// own, and rows are streamed through a cursor so memory stays flat however
// many users an instance has.
//
// # The OFN schema it relies on
//
// Written against openfoodfoundation/openfoodnetwork db/schema.rb (Rails 7,
// schema version 2024_10_30): only these tables and columns are read, and
// a missing one is reported by name (ErrSchema).
//
//	spree_users       id, email, locale, confirmed_at, disabled_at, bill_address_id
//	spree_addresses   id, firstname, lastname
//	enterprise_roles  user_id, enterprise_id
//	enterprises       id, name, sells ("none", "own", "any"), is_primary_producer
//	customers         id, email, enterprise_id, user_id (NULL: a guest), first_name, last_name, name
//	order_cycles      id, name, orders_open_at, orders_close_at, coordinator_id
//	exchanges         order_cycle_id, receiver_id, incoming (false: to a distributor)
//
// # Time
//
// Rails stores every datetime of OFN as UTC in a `timestamp without time
// zone` column (ActiveRecord's default_timezone = :utc; the instance's
// config.time_zone only affects display). This package therefore treats a
// stored timestamp as a UTC wall clock: it reads it into a time.Time in UTC
// (pgx does so for `timestamp`) and converts every bound it sends to UTC
// before it is encoded (pgx writes a time.Time's wall clock into a
// `timestamp` and drops its zone, so a local time would shift by the
// instance's offset — by a different amount each side of a DST change).
// Callers convert to the instance's zone for display.
package ofndb

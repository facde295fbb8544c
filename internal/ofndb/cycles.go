package ofndb

import (
	"context"
	"time"
)

// OrderCycle is one order cycle of the instance, its moments in UTC (zero
// when not set).
type OrderCycle struct {
	ID          int64
	Name        string
	Coordinator string // the coordinating enterprise (hub)
	Opens       time.Time
	Closes      time.Time
}

// OrderCycles returns the order cycles that open or close within [from, to],
// in order of their first moment in it.
func (db *DB) OrderCycles(ctx context.Context, from, to time.Time) ([]OrderCycle, error) {
	conn, tx, err := db.begin(ctx, "read order cycles")
	if err != nil {
		return nil, err
	}
	defer end(conn, tx)
	// Bounds go as UTC wall clocks, like the columns (see the package doc).
	rows, err := tx.Query(ctx, `SELECT order_cycles.id, COALESCE(order_cycles.name, ''), COALESCE(enterprises.name, ''),
  order_cycles.orders_open_at, order_cycles.orders_close_at
FROM order_cycles LEFT JOIN enterprises ON enterprises.id = order_cycles.coordinator_id
WHERE order_cycles.orders_open_at BETWEEN $1::timestamp AND $2::timestamp
   OR order_cycles.orders_close_at BETWEEN $1::timestamp AND $2::timestamp
ORDER BY LEAST(CASE WHEN order_cycles.orders_open_at >= $1::timestamp THEN order_cycles.orders_open_at END,
               CASE WHEN order_cycles.orders_close_at >= $1::timestamp THEN order_cycles.orders_close_at END), order_cycles.id`,
		from.UTC(), to.UTC())
	if err != nil {
		return nil, db.classify("read order cycles", err)
	}
	defer rows.Close()
	var out []OrderCycle
	for rows.Next() {
		var oc OrderCycle
		var opens, closes *time.Time
		if err := rows.Scan(&oc.ID, &oc.Name, &oc.Coordinator, &opens, &closes); err != nil {
			return nil, db.classify("read order cycles", err)
		}
		if opens != nil {
			oc.Opens = opens.UTC()
		}
		if closes != nil {
			oc.Closes = closes.UTC()
		}
		out = append(out, oc)
	}
	if err := rows.Err(); err != nil {
		return nil, db.classify("read order cycles", err)
	}
	return out, nil
}

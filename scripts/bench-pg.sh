#!/usr/bin/env bash
# bench-pg.sh measures the dry run of an instance whose recipients come from
# its PostgreSQL database: rows per second and peak memory, for N users and
# for N/4 (memory should not grow with the users).
#
#   A private cluster (testdata/pgstack, its own port and directory) with the
#   fixture schema (internal/ofndb/testdata/schema.sql) and N confirmed users
#   (every third with a bill address name, locales ca/es/none/fr), N/20
#   enterprise managers (a quarter of them of hubs), N/5 customers (half
#   guests) of a shop whose order cycle is open during the window. The dry
#   run reads segments all + managers + hubs + producers + shoppers (the
#   census and the rendering pass each stream every row once).
#
# Usage: scripts/bench-pg.sh [N]   (as root on Debian; default N=100000)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
n=${1:-100000}
work=$(mktemp -d /tmp/announce-bench-pg.XXXXXX)
chmod 755 "$work" # the cluster runs as postgres, inside it
cluster=$work/pg
cleanup() {
	bash testdata/pgstack/stop.sh "$cluster" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

bash testdata/pgstack/install.sh >/dev/null
command -v /usr/bin/time >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
PGSTACK_PORT=${BENCH_PG_PORT:-15533} bash testdata/pgstack/start.sh "$cluster" >/dev/null
# shellcheck disable=SC1091
. "$cluster/env"
export PGPASSWORD
PGPASSWORD=$(cat "$ANNOUNCE_TEST_PG_PASSWORD_FILE")
psql() { "$ANNOUNCE_TEST_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$ANNOUNCE_TEST_PG_HOST" -p "$ANNOUNCE_TEST_PG_PORT" -U "$ANNOUNCE_TEST_PG_USER" "$@"; }

go build -o "$work/announce" ./cmd/announce

load() { # database users
	psql -d postgres -c "CREATE DATABASE $1"
	psql -d "$1" -f internal/ofndb/testdata/schema.sql
	psql -d "$1" <<SQL
INSERT INTO spree_addresses (firstname, lastname)
  SELECT 'Nom' || i, 'Cognom' || i FROM generate_series(1, $2 / 3) AS i;
INSERT INTO spree_users (email, locale, bill_address_id, confirmed_at)
  SELECT 'user' || i || '@example.test', (ARRAY['ca', 'es', NULL, 'fr'])[1 + i % 4],
         CASE WHEN i <= $2 / 3 THEN i END, '2018-01-01'
  FROM generate_series(1, $2) AS i;
INSERT INTO enterprises (name, is_primary_producer, owner_id, sells, permalink)
  SELECT 'Enterprise ' || i, i % 2 = 0, i, CASE WHEN i % 4 = 0 THEN 'any' ELSE 'none' END, 'e' || i
  FROM generate_series(1, greatest($2 / 20, 1)) AS i;
INSERT INTO enterprise_roles (user_id, enterprise_id) SELECT id, id FROM enterprises;
INSERT INTO order_cycles (name, orders_open_at, orders_close_at, coordinator_id)
  VALUES ('Setmana 19', '2019-05-06 06:00', '2019-05-09 18:00', 4);
INSERT INTO exchanges (order_cycle_id, sender_id, receiver_id, incoming) VALUES (1, 4, 4, false);
INSERT INTO customers (email, enterprise_id, user_id, first_name, last_name)
  SELECT CASE WHEN i % 2 = 0 THEN 'user' || i || '@example.test' ELSE 'guest' || i || '@example.test' END,
         4, CASE WHEN i % 2 = 0 THEN i END, 'Client', '' || i
  FROM generate_series(1, $2 / 5) AS i;
ANALYZE;
SQL
}

mkdir -p "$work/config"
cat >"$work/config/schedule.toml" <<'TOML'
campaign = "bench"
release = "v2.0.0"
purpose = "purpose_v2_infrastructure"
[windows.bench]
start = 2019-05-07T09:00:00
duration = "2h"
extra = "1h"
TOML
cat >"$work/config/instances.toml" <<TOML
[instances.bench]
name = "Katuma"
timezone = "Europe/Madrid"
locales = ["es", "ca"]
from = "Katuma <noreply@katuma.test>"
[instances.bench.support]
email = "info@katuma.test"
[instances.bench.recipients]
database_url_env = "BENCH_DATABASE_URL"
segment = ["all", "managers", "hubs", "producers", "shoppers-of-open-shops"]
TOML

dryrun() { # database → prints "seconds maxrss_kb recipients"
	(cd "$work" && BENCH_DATABASE_URL="postgres://$ANNOUNCE_TEST_PG_USER:$PGPASSWORD@$ANNOUNCE_TEST_PG_HOST:$ANNOUNCE_TEST_PG_PORT/$1" \
		/usr/bin/time -f "%e %M" -o "$work/time" \
		./announce --instance bench --dry-run --notice announce \
		--templates "$repo/templates" --locales "$repo/locales" >"$work/out" 2>"$work/err") ||
		{ cat "$work/out" "$work/err" >&2; exit 1; }
	echo "$(cat "$work/time") $(sed -n 's/^recipients: \([0-9]*\) from.*/\1/p' "$work/out")"
}

load bench_small $((n / 4))
load bench_full "$n"
read -r ssecs srss srows <<<"$(dryrun bench_small)"
read -r secs rss rows <<<"$(dryrun bench_full)"
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

cat <<REPORT
dry run from PostgreSQL $("$ANNOUNCE_TEST_PG_BIN/postgres" --version | awk '{print $3}'), loopback, segments all+managers+hubs+producers+shoppers
users       recipients  seconds  recipients/s  rows read/s (census + render pass)  peak RSS
$((n / 4))  $srows  $ssecs  $(rate "$srows" "$ssecs")  $(rate $((2 * srows)) "$ssecs")  $((srss / 1024)) MB
$n  $rows  $secs  $(rate "$rows" "$secs")  $(rate $((2 * rows)) "$secs")  $((rss / 1024)) MB
REPORT
sed -n '/^=== /,/^$/p' "$work/out" | head -n 14

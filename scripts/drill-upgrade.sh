#!/usr/bin/env bash
# Drill: upgrade a database created by the previous release, with data in
# it, to this checkout's schema; nothing may be lost.
#
#   scripts/drill-upgrade.sh                 # SQLite, and Postgres when PGURL is set
#   PGURL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable scripts/drill-upgrade.sh
#   PREV=<commit> scripts/drill-upgrade.sh   # another "previous release"
#
# PREV defaults to the parent of the newest commit that changed the
# migrations: the release before the schema change. The script builds
# dondoc at PREV (from `git archive`, the repository is not touched) and at
# this checkout, fills a database with the old binary (migrate, the sample
# district's exports through `dondoc import`, link codes) plus outbox, run
# log and escalation rows as a running service leaves them, migrates it
# with the new binary, and checks that every table of the old schema has
# the same rows, the escalation state was filled from the outbox, and the
# new binary works on the upgraded database (report, remind --dry-run).
# It exits non-zero on the first difference.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
log() { printf '== %s\n' "$*" >&2; }

PREV=${PREV:-$(git log -1 --format=%H -- store/migrations/postgres)^}
PREV=$(git rev-parse --verify "$PREV^{commit}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log "previous release: $(git log -1 --format='%h %s' "$PREV")"
mkdir -p "$work/prev"
git archive "$PREV" | tar -x -C "$work/prev"
(cd "$work/prev" && go build -o "$work/dondoc-prev" ./cmd/dondoc)
go build -o "$work/dondoc-new" ./cmd/dondoc
"$work/dondoc-prev" sample --out "$work/sample" >/dev/null

export DONDOC_ENV_FILE="$work/none.env" DONDOC_NOW=2026-11-26T08:00:00+07:00 DONDOC_TZ=Asia/Ho_Chi_Minh LOG_LEVEL=warn

# fill URL: the old binary's data, then rows a running service writes.
fill() {
	local url=$1 sqlcli=$2
	DATABASE_URL=$url "$work/dondoc-prev" migrate >/dev/null
	for kind in units officers dossiers steps; do
		DATABASE_URL=$url "$work/dondoc-prev" import "$kind" "$work/sample/$kind.csv" >/dev/null 2>&1
	done
	DATABASE_URL=$url "$work/dondoc-prev" link --unit "$(head -2 "$work/sample/units.csv" | tail -1 | cut -d, -f1)" >/dev/null || true
	$sqlcli <<'SQL'
INSERT INTO job_runs (job, period, started_at, finished_at) VALUES
  ('digest', '2026-11-25', '2026-11-25 00:30:00+00:00', '2026-11-25 00:31:00+00:00'),
  ('escalation', '2026-11-25', '2026-11-25 01:00:00+00:00', NULL);
INSERT INTO outbox (key, job, recipient, period, platform, chat_id, payload, status, attempts, next_attempt_at, created_at, sent_at) VALUES
  ('digest/officer:A/2026-11-25', 'digest', 'officer:A', '2026-11-25', 'telegram', '101', '{"Text":"a"}', 'sent', 0, '2026-11-25 00:30:00+00:00', '2026-11-25 00:30:00+00:00', '2026-11-25 00:30:05+00:00'),
  ('escalation/leader:L@telegram/2026-11-20/0123456789abcdef', 'escalation', 'leader:L@telegram', '2026-11-20', 'telegram', '201', '{"Text":"e1"}', 'sent', 0, '2026-11-20 01:00:00+00:00', '2026-11-20 01:00:00+00:00', '2026-11-20 01:00:05+00:00'),
  ('escalation/leader:L@telegram/2026-11-25/fedcba9876543210', 'escalation', 'leader:L@telegram', '2026-11-25', 'telegram', '201', '{"Text":"e2"}', 'pending', 2, '2026-11-25 01:10:00+00:00', '2026-11-25 01:00:00+00:00', NULL),
  ('escalation/leader:M@telegram/2026-11-24/00000000aaaaaaaa', 'escalation', 'leader:M@telegram', '2026-11-24', 'telegram', '202', '{"Text":"e3"}', 'failed', 8, '2026-11-24 01:00:00+00:00', '2026-11-24 01:00:00+00:00', NULL);
SQL
}

# counts SQLCLI COLS TABLES...: "table rows md5" for each table, the hash
# over the columns the old schema had (COLS: a query with :t for the table).
counts() {
	local sqlcli=$1 colq=$2 cols
	shift 2
	for t in "$@"; do
		cols=$($sqlcli <<<"${colq//:t/$t}")
		printf '%s %s %s\n' "$t" "$($sqlcli <<<"SELECT count(*) FROM $t;")" \
			"$($sqlcli <<<"SELECT $cols FROM $t ORDER BY $cols;" | md5sum | cut -c1-12)"
	done
}

# counts_after SQLCLI TABLES...: counts with the columns saved in COLS_FILE.
counts_after() {
	local sqlcli=$1 cols
	shift
	for t in "$@"; do
		cols=$(awk -F'\t' -v t="$t" '$1 == t {print $2}' "$COLS_FILE")
		printf '%s %s %s\n' "$t" "$($sqlcli <<<"SELECT count(*) FROM $t;")" \
			"$($sqlcli <<<"SELECT $cols FROM $t ORDER BY $cols;" | md5sum | cut -c1-12)"
	done
}

check() {
	local name=$1 url=$2 sqlcli=$3 list=$4 colq=$5
	log "$name: fill with the previous release"
	fill "$url" "$sqlcli"
	local tables
	tables=$($sqlcli <<<"$list")
	# The old schema's columns, read before the upgrade.
	local t
	for t in $tables; do
		printf '%s\t%s\n' "$t" "$($sqlcli <<<"${colq//:t/$t}")"
	done >"$work/$name.cols"
	# shellcheck disable=SC2086 # one table name per word
	counts "$sqlcli" "$colq" $tables >"$work/$name.before"
	log "$name: migrate with this checkout"
	DATABASE_URL=$url "$work/dondoc-new" migrate >/dev/null
	# shellcheck disable=SC2086
	COLS_FILE="$work/$name.cols" counts_after "$sqlcli" $tables >"$work/$name.after"
	diff -u "$work/$name.before" "$work/$name.after" || fail "$name: rows changed in the upgrade"
	# A release before migration 0007 kept the escalations' "last sent"
	# in the outbox: the upgrade moves it to escalation_state. A later one
	# had the table already, and its rows are among those compared above.
	if ! grep -qx escalation_state <<<"$tables"; then
		got=$($sqlcli <<<"SELECT recipient || ' ' || fingerprint || ' ' || day FROM escalation_state ORDER BY recipient;")
		want="leader:L@telegram fedcba9876543210 2026-11-25"
		[ "$got" = "$want" ] || fail "$name: escalation_state = [$got], want [$want] (the failed one to M does not count)"
	fi
	DATABASE_URL=$url "$work/dondoc-new" report --month 2026-10 >/dev/null || fail "$name: report on the upgraded database"
	DATABASE_URL=$url "$work/dondoc-new" unassigned >/dev/null || fail "$name: unassigned on the upgraded database"
	sed "s/^/   /" "$work/$name.after" >&2
	log "$name: ok ($(wc -l <"$work/$name.after") tables, $(awk '{s+=$2} END {print s}' "$work/$name.after") rows kept)"
}

sqlite_db="$work/upgrade.db"
check sqlite "$sqlite_db" "sqlite3 -batch -noheader $sqlite_db" \
	"SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name;" \
	"SELECT group_concat(name, ',') FROM pragma_table_info(':t');"

if [ -n "${PGURL:-}" ]; then
	db="dondoc_ops_upgrade_$$"
	psql -q "$PGURL" -c "CREATE DATABASE $db" >/dev/null
	trap 'psql -q "$PGURL" -c "DROP DATABASE IF EXISTS $db" >/dev/null; rm -rf "$work"' EXIT
	pgdb=$(sed -E "s#/[^/?]+(\?|$)#/$db\1#" <<<"$PGURL")
	check postgres "$pgdb" "psql -qAtX $pgdb" \
		"SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY tablename;" \
		"SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ':t';"
fi
log "upgrade drill passed"

#!/usr/bin/env bash
# Measures `dondoc import dossiers` against Postgres' own bulk path (psql
# \copy) on the same rows, and prints each figure with its ratio:
#   baseline   \copy of the rows, already in the table's column types, into
#              an empty copy of the dossiers table with all its indexes
#   reference  \copy of the same file into an unindexed table of text columns
#   first      dondoc import of the export into an empty database   (target ≤ 1.5× baseline)
#   changed    the export again with 10% of the rows changed         (target ≤ 1×)
#   unchanged  that export once more                                 (target ≤ 0.5×)
#   RSS        peak memory of each dondoc import                     (target ≤ 200 MB)
#   SQLite     first import of a 100k-row export                     (target < 10 s)
# It creates and drops its own databases (dondoc_bench_import_*) and is
# safe to rerun. Not part of go test.
#
# Usage: scripts/bench-import.sh   (env: N=1000000 SQLITE_N=100000
#        PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres, trust or PGPASSWORD)
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
SQLITE_N=${SQLITE_N:-100000}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
BASE_DB=dondoc_bench_import_base
RUN_DB=dondoc_bench_import_run
PGURL="postgres://${PGUSER}@${PGHOST}:${PGPORT}"
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time is needed: apt-get install time" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-import.XXXXXX")
cleanup() {
	dropdb --if-exists "$BASE_DB" >/dev/null 2>&1 || true
	dropdb --if-exists "$RUN_DB" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT
dropdb --if-exists "$BASE_DB" >/dev/null 2>&1 || true
dropdb --if-exists "$RUN_DB" >/dev/null 2>&1 || true

export DONDOC_ENV_FILE=/nonexistent LOG_LEVEL=warn
echo "building…" >&2
go build -o "$WORK/dondoc" ./cmd/dondoc
go build -o "$WORK/bench-import" ./cmd/bench-import
D="$WORK/dondoc"

echo "generating $N dossiers…" >&2
"$D" sample --dossiers "$N" --officers 20000 --out "$WORK/data" >/dev/null
"$WORK/bench-import" typed "$WORK/data/dossiers.csv" "$WORK/typed.csv"
"$WORK/bench-import" change "$WORK/data/dossiers.csv" "$WORK/changed.csv" 10

# timed FILE CMD…: runs CMD under GNU time; FILE gets "seconds maxrss_kb".
timed() {
	local out=$1
	shift
	"$TIME" -f "%e %M" -o "$out" "$@"
}
secs() { cut -d' ' -f1 "$1"; }
rss_mb() { awk '{printf "%.0f", $2/1024}' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }

echo "baseline: psql \\copy…" >&2
createdb "$BASE_DB"
DATABASE_URL="$PGURL/$BASE_DB?sslmode=disable" "$D" migrate >/dev/null
cols=$(seq -s, -f "c%g text" 1 20)
psql -q -d "$BASE_DB" -c "CREATE TABLE bench_typed (LIKE dossiers INCLUDING ALL); CREATE TABLE bench_text ($cols);"
psql -q -d "$BASE_DB" -c "CHECKPOINT"
timed "$WORK/t_copy" psql -q -d "$BASE_DB" -c "\\copy bench_typed FROM '$WORK/typed.csv' CSV"
psql -q -d "$BASE_DB" -c "CHECKPOINT"
timed "$WORK/t_text" psql -q -d "$BASE_DB" -c "\\copy bench_text FROM '$WORK/typed.csv' CSV"
dropdb "$BASE_DB"

echo "dondoc import on Postgres…" >&2
createdb "$RUN_DB"
export DATABASE_URL="$PGURL/$RUN_DB?sslmode=disable"
"$D" migrate >/dev/null
"$D" import units "$WORK/data/units.csv" >/dev/null
"$D" import officers "$WORK/data/officers.csv" >/dev/null
psql -q -d "$RUN_DB" -c "CHECKPOINT"
timed "$WORK/t_first" "$D" import dossiers "$WORK/data/dossiers.csv" >"$WORK/o_first" 2>/dev/null
psql -q -d "$RUN_DB" -c "CHECKPOINT"
timed "$WORK/t_changed" "$D" import dossiers "$WORK/changed.csv" >"$WORK/o_changed" 2>/dev/null
psql -q -d "$RUN_DB" -c "CHECKPOINT"
timed "$WORK/t_unchanged" "$D" import dossiers "$WORK/changed.csv" >"$WORK/o_unchanged" 2>/dev/null
dropdb "$RUN_DB"

echo "dondoc import on SQLite ($SQLITE_N)…" >&2
"$D" sample --dossiers "$SQLITE_N" --out "$WORK/small" >/dev/null
export DATABASE_URL="$WORK/bench.db"
"$D" migrate >/dev/null
"$D" import units "$WORK/small/units.csv" >/dev/null
"$D" import officers "$WORK/small/officers.csv" >/dev/null
timed "$WORK/t_sqlite" "$D" import dossiers "$WORK/small/dossiers.csv" >"$WORK/o_sqlite" 2>/dev/null
timed "$WORK/t_sqlite2" "$D" import dossiers "$WORK/small/dossiers.csv" >"$WORK/o_sqlite2" 2>/dev/null

base=$(secs "$WORK/t_copy")
summary() { head -1 "$1"; }
echo
echo "Import of $N dossiers ($(du -m "$WORK/data/dossiers.csv" | cut -f1) MB CSV), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
printf "%-44s %8s %8s %8s  %s\n" "run" "seconds" "ratio" "RSS MB" "result"
printf "%-44s %8s %8s %8s\n" "baseline: \\copy into typed table + indexes" "$base" "1.00" "-"
printf "%-44s %8s %8s %8s\n" "reference: \\copy into text table, no index" "$(secs "$WORK/t_text")" "$(ratio "$(secs "$WORK/t_text")" "$base")" "-"
for run in first changed unchanged; do
	t=$(secs "$WORK/t_$run")
	case $run in
	first) label="dondoc import, empty database (≤ 1.5×)" ;;
	changed) label="dondoc import, 10% changed (≤ 1×)" ;;
	unchanged) label="dondoc import, unchanged (≤ 0.5×)" ;;
	esac
	printf "%-44s %8s %8s %8s  %s\n" "$label" "$t" "$(ratio "$t" "$base")" "$(rss_mb "$WORK/t_$run")" "$(summary "$WORK/o_$run")"
done
for run in first changed unchanged; do
	t=$(secs "$WORK/t_$run")
	printf "  %s vs text reference: %s×\n" "$run" "$(ratio "$t" "$(secs "$WORK/t_text")")"
done
printf "%-44s %8s %8s %8s  %s\n" "SQLite $SQLITE_N dossiers, first (< 10 s)" "$(secs "$WORK/t_sqlite")" "-" "$(rss_mb "$WORK/t_sqlite")" "$(summary "$WORK/o_sqlite")"
printf "%-44s %8s %8s %8s  %s\n" "SQLite $SQLITE_N dossiers, unchanged" "$(secs "$WORK/t_sqlite2")" "-" "$(rss_mb "$WORK/t_sqlite2")" "$(summary "$WORK/o_sqlite2")"

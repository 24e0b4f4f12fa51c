#!/usr/bin/env bash
# Import against Postgres' own bulk path (issue #14 items 1 and 2): every
# figure beside its baselines, measured in the same run, then the "Import"
# section of docs/BENCHMARKS.md rewritten with them.
#   baseline   psql \copy (median of three) of the dossiers, already in the table's column
#              types, into an empty copy of dossiers with all its indexes
#   reference  \copy of the same file into an unindexed table of text
#              columns (the floor: target first import ≤ 3×)
#   first      dondoc import dossiers into an empty database (the bulk path),
#              three times, each into a new database (the median)
#   changed    the export again with 10% of the rows changed, three times
#              (changed, original, changed; the median)  (≤ 0.5× baseline):
#              a label (their facts stay), then the due date (their facts
#              and their steps' facts recomputed)
#   unchanged  that export three times more (the median)  (≤ 0.3× baseline)
#   steps      dondoc import steps, first and unchanged, beside \copy of
#              the steps file into an unindexed text table
#   RSS        peak memory of each dondoc import                (≤ 200 MB)
#   SQLite     first import of a 100k-row export                (< 10 s)
# It creates and drops its own databases (dondoc_bench_import_*) and is
# safe to rerun. Not part of go test.
#
# Usage: scripts/bench-import.sh   (env: N=1000000 SQLITE_N=100000
#        PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres, trust or PGPASSWORD;
#        WRITE=0 prints without rewriting docs/BENCHMARKS.md)
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
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%s)
echo "building…" >&2
go build -o "$WORK/dondoc" ./cmd/dondoc
go build -o "$WORK/bench-import" ./cmd/bench-import
D="$WORK/dondoc"

echo "generating $N dossiers…" >&2
"$D" sample --dossiers "$N" --officers $((N / 50)) --out "$WORK/data" >/dev/null
"$WORK/bench-import" typed "$WORK/data/dossiers.csv" "$WORK/typed.csv"
"$WORK/bench-import" change "$WORK/data/dossiers.csv" "$WORK/changed.csv" 10
"$WORK/bench-import" change "$WORK/data/dossiers.csv" "$WORK/due.csv" 10 due

# timed NAME CMD…: runs CMD under GNU time; $WORK/t_NAME gets "seconds maxrss_kb".
timed() {
	local name=$1
	shift
	"$TIME" -f "%e %M" -o "$WORK/t_$name" "$@"
}
secs() { cut -d' ' -f1 "$WORK/t_$1"; }
rss_mb() { awk '{printf "%.0f", $2/1024}' "$WORK/t_$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
text_table() { # text_table NAME N: an unindexed table of N text columns
	psql -q -d "$BASE_DB" -c "CREATE TABLE $1 ($(seq -s, -f "c%g text" 1 "$2"))"
}
checkpoint() { psql -q -d "$1" -c "CHECKPOINT"; }

createdb "$BASE_DB"
DATABASE_URL="$PGURL/$BASE_DB?sslmode=disable" "$D" migrate >/dev/null
ncols=$(psql -d "$BASE_DB" -tAc "SELECT count(*) FROM information_schema.columns WHERE table_name = 'dossiers'")
psql -q -d "$BASE_DB" -c "CREATE TABLE bench_typed (LIKE dossiers INCLUDING ALL)"
text_table bench_text "$ncols"
text_table bench_steps 7
# baseline NAME TABLE COPYARGS I: \copy into the emptied TABLE, the I-th
# time (t_NAME_I). Each baseline is measured three times, each just
# before the imports it is set beside (the floor before each first
# import, the indexed baseline before the label, due-date and unchanged
# re-imports, the steps' floor before each steps import), and the median
# taken: a VM's speed drifts by half within minutes (the indexed baseline
# took 16.4 s at the start of a run and 9.4 s twenty minutes later).
baseline() {
	psql -q -d "$BASE_DB" -c "TRUNCATE $2"
	checkpoint "$BASE_DB"
	timed "${1}_$4" psql -q -d "$BASE_DB" -c "\\copy $2 FROM $3"
	psql -q -d "$BASE_DB" -c "TRUNCATE $2"
}
copy_base() { baseline copy bench_typed "'$WORK/typed.csv' CSV" "$1"; }
text_base() { baseline text bench_text "'$WORK/typed.csv' CSV" "$1"; }
steps_base() { baseline steps_text bench_steps "'$WORK/data/steps.csv' CSV HEADER" "$1"; }
# baseline_median NAME: t_NAME gets the median of the three, all_NAME them.
baseline_median() {
	local i
	for i in 1 2 3; do secs "${1}_$i"; done | sort -n | sed -n 2p | sed 's/$/ 0/' >"$WORK/t_$1"
	for i in 1 2 3; do secs "${1}_$i"; done | paste -sd' ' >"$WORK/all_$1"
}

echo "dondoc import on Postgres…" >&2
export DATABASE_URL="$PGURL/$RUN_DB?sslmode=disable"
fresh_db() { # the run's database anew: the schema, units and officers
	dropdb --if-exists "$RUN_DB" >/dev/null 2>&1
	createdb "$RUN_DB"
	"$D" migrate >/dev/null
	"$D" import units "$WORK/data/units.csv" >/dev/null
	"$D" import officers "$WORK/data/officers.csv" >/dev/null
}
run() { # run NAME FILE KIND
	# Each import starts on vacuumed tables: what the import before it left
	# for autovacuum (dead rows, hint bits) is not charged to it.
	psql -q -d "$RUN_DB" -c "VACUUM (ANALYZE)"
	checkpoint "$RUN_DB"
	timed "$1" "$D" import "$3" "$2" >"$WORK/o_$1" 2>/dev/null
}
# median NAME: t_NAME gets the median seconds of NAME_1..3 and their
# largest RSS, o_NAME the first one's summary, all_NAME the three.
median() {
	local i
	for i in 1 2 3; do secs "$1_$i"; done | sort -n | sed -n 2p >"$WORK/m_$1"
	for i in 1 2 3; do cut -d' ' -f2 "$WORK/t_$1_$i"; done | sort -n | tail -1 >"$WORK/r_$1"
	echo "$(cat "$WORK/m_$1") $(cat "$WORK/r_$1")" >"$WORK/t_$1"
	cp "$WORK/o_$1_1" "$WORK/o_$1"
	for i in 1 2 3; do secs "$1_$i"; done | paste -sd' ' >"$WORK/all_$1"
}
# Three first imports, each into a new database after a copy of the
# floor (the median; the last database takes the rest).
for i in 1 2 3; do
	text_base "$i"
	fresh_db
	run "first_$i" "$WORK/data/dossiers.csv" dossiers
done
median first
steps_base 1
run steps_first "$WORK/data/steps.csv" steps
# Three re-imports with 10% changed (the changed export, the original,
# the changed one again), for each kind of change, then three unchanged:
# the medians; each kind after a copy of the indexed baseline.
copy_base 1
run changed_1 "$WORK/changed.csv" dossiers
run changed_2 "$WORK/data/dossiers.csv" dossiers
run changed_3 "$WORK/changed.csv" dossiers
copy_base 2
run due_1 "$WORK/due.csv" dossiers
run due_2 "$WORK/data/dossiers.csv" dossiers
run due_3 "$WORK/due.csv" dossiers
copy_base 3
for i in 1 2 3; do run "unchanged_$i" "$WORK/due.csv" dossiers; done
median changed
median due
median unchanged
steps_base 2
run steps_unchanged "$WORK/data/steps.csv" steps
steps_base 3
dropdb "$RUN_DB"
dropdb "$BASE_DB"
for b in copy text steps_text; do baseline_median "$b"; done

echo "dondoc import on SQLite ($SQLITE_N)…" >&2
"$D" sample --dossiers "$SQLITE_N" --out "$WORK/small" >/dev/null
export DATABASE_URL="$WORK/bench.db"
"$D" migrate >/dev/null
"$D" import units "$WORK/small/units.csv" >/dev/null
"$D" import officers "$WORK/small/officers.csv" >/dev/null
timed sqlite "$D" import dossiers "$WORK/small/dossiers.csv" >"$WORK/o_sqlite" 2>/dev/null
timed sqlite2 "$D" import dossiers "$WORK/small/dossiers.csv" >"$WORK/o_sqlite2" 2>/dev/null
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

base=$(secs copy)
text=$(secs text)
stext=$(secs steps_text)
summary() { head -1 "$WORK/o_$1"; }
row() { # row LABEL NAME FLOOR TARGET
	local t
	t=$(secs "$2")
	printf '| %s | %s | %s | %s | %s | %s MB | %s |\n' "$1" "$t" "$(ratio "$t" "$base")" "$(ratio "$t" "$3")" "$4" "$(rss_mb "$2")" "$(summary "$2")"
}
section=$(
	cat <<EOF2
<!-- bench-import:begin (written by scripts/bench-import.sh; do not edit by hand) -->
## Import (\`make bench-import\`)

Run of $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(go version | cut -d' ' -f3), Postgres $(psql -d postgres -tAc 'SHOW server_version' | cut -d' ' -f1);
$N dossiers ($(du -m "$WORK/data/dossiers.csv" | cut -f1) MB CSV) and $(($(wc -l <"$WORK/data/steps.csv") - 1)) steps ($(du -m "$WORK/data/steps.csv" | cut -f1) MB) from \`dondoc sample\`;
load average $load_before before, $load_after after; the run took $(($(date -u +%s) - started)) s.
Each figure is beside its baselines from the same run: **baseline** is \`psql \\copy\` of the dossiers,
already in the table's column types, into a copy of \`dossiers\` with all its indexes (not its fill factor of
90 %, which \`LIKE\` does not copy: with it, the copy took 1–2 % longer)
(${base} s, the median of $(cat "$WORK/all_copy") s, measured just before the label, the due-date and the unchanged
re-imports: the machine's speed drifts); **floor** is \`\\copy\` of the same file into an unindexed table of $ncols text columns (${text} s, of $(cat "$WORK/all_text"), each just before a first import;
for steps, of steps.csv into 7 text columns: ${stext} s). RSS is the peak of the \`dondoc import\` process.
Each dondoc import starts on vacuumed tables (\`VACUUM (ANALYZE)\`, then \`CHECKPOINT\`): what the import before
it left to autovacuum is not charged to it (run back to back, an unchanged import after a changed one took 1 s more).

| run | seconds | to baseline | to floor | target | peak RSS | result |
|---|---:|---:|---:|---|---:|---|
$(row "dossiers, empty database (bulk; median of $(cat "$WORK/all_first") s)" first "$text" "≤ 3× floor")
$(row "dossiers, 10% changed: a label (median of $(cat "$WORK/all_changed") s)" changed "$text" "≤ 0.5× baseline")
$(row "dossiers, 10% changed: the due date (median of $(cat "$WORK/all_due") s)" due "$text" "≤ 0.5× baseline")
$(row "dossiers, unchanged (median of $(cat "$WORK/all_unchanged") s)" unchanged "$text" "≤ 0.3× baseline")
$(row "steps, empty table (bulk)" steps_first "$stext" "")
$(row "steps, unchanged" steps_unchanged "$stext" "")

SQLite, $SQLITE_N dossiers: first import $(secs sqlite) s (target < 10 s), $(rss_mb sqlite) MB peak RSS;
unchanged re-import $(secs sqlite2) s.
<!-- bench-import:end -->
EOF2
)
printf '%s\n' "$section"
if [ "${WRITE:-1}" = 1 ]; then
	python3 scripts/section.py docs/BENCHMARKS.md bench-import "$section"
	echo "wrote the Import section of docs/BENCHMARKS.md" >&2
fi

#!/usr/bin/env bash
# Past one province (issue #14 item 6): builds the synthetic province at
# several sizes on Postgres (1M and 5M dossiers by default), each in its own
# database dondoc_scale_N kept for reruns, times its import (wall, peak
# RSS), runs the province benchmarks of the report and of the digest
# planning against each, and prints how each figure grows from the
# smallest size to the largest (linear = the ratio of the sizes). On the
# each size it then builds a copy of dossiers and dossier_facts
# partitioned by month of received_at (scripts/bench-scale-partitions.sql)
# and times the report's aggregates and the digest planning's select on it
# against the unpartitioned tables, in the same run
# (store BenchmarkPartitionedScale). It rewrites the "Past one province"
# section of docs/BENCHMARKS.md.
#
#   scripts/bench-scale.sh                          # 1M and 5M dossiers
#   SIZES="200000 1000000" scripts/bench-scale.sh   # other sizes
#   REBUILD=1 scripts/bench-scale.sh                # drop and rebuild every size
#   BUILD_ONLY=1 scripts/bench-scale.sh             # build the databases, no benchmarks
#   PARTITIONS=0 scripts/bench-scale.sh             # skip the partition experiment
#
# Officers scale with the size (OFFICERS_PER_M, 20k per million). The steps
# file is not imported (a 5M steps import alone would take longer than the
# rest): the report and the digest planning then judge each dossier by its
# handling officer. Heavy steps run under nice -n 10 (the machine is shared);
# the load average is recorded before and after each.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-1000000 5000000}
OFFICERS_PER_M=${OFFICERS_PER_M:-20000}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
NOW=${NOW:-2026-12-01T10:00:00+07:00}
BENCHTIME=${BENCHTIME:-5x}
NICE=${NICE:-nice -n 10}
out=docs/BENCHMARKS.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log() { printf '== %s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
load() { cut -d' ' -f1 /proc/loadavg; }
url() { echo "postgres://$PGUSER@$PGHOST:$PGPORT/dondoc_scale_$1?sslmode=disable"; }
timed() { # timed FILE NAME CMD...: runs CMD niced under GNU time, appends "NAME wall rss load-before load-after cpu" to FILE
	local file=$1 name=$2 before
	shift 2
	before=$(load)
	$NICE /usr/bin/time -f "%e %M %U %S" -o "$work/t" "$@" || return 1
	read -r wall rss user sys <"$work/t"
	printf '%s %s %s %s %s %s\n' "$name" "$wall" "$rss" "$before" "$(load)" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" >>"$file"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%s)
log "building dondoc and the benchmark binaries"
go build -o "$work/dondoc" ./cmd/dondoc
go test -c -o "$work/store.test" ./store
go test -c -o "$work/jobs.test" ./jobs

# build N OFFICERS: sample and import one size into its database, the
# steps' timings appended to $work/times.N. Every step checks its status
# (called in a condition, the function runs without set -e).
build() {
	local n=$1 officers=$2 k
	export DONDOC_NOW=$NOW DATABASE_URL
	DATABASE_URL=$(url "$n")
	# One file per kind: above the default INGEST_MAX_ROWS (2M rows per
	# file) the dossiers' file would be refused after 2M rows.
	export INGEST_MAX_ROWS=$((n > 1900000 ? n + n / 10 : 2000000))
	timed "$work/times.$n" sample "$work/dondoc" sample --out "$work/exp" --dossiers "$n" --officers "$officers" || return 1
	du -sm "$work/exp" | awk '{print "csv_mb", $1}' >"$work/csv.$n"
	"$work/dondoc" migrate >/dev/null || return 1
	for k in units officers dossiers; do
		log "import $k into dondoc_scale_$n"
		timed "$work/times.$n" "import_$k" "$work/dondoc" import "$k" "$work/exp/$k.csv" >/dev/null || return 1
	done
}

# The build of each size: its timings are kept as the database's comment,
# so a rerun that reuses the database still reports its import.
for n in $SIZES; do
	db=dondoc_scale_$n
	officers=$((n * OFFICERS_PER_M / 1000000))
	if [ "${REBUILD:-}" = 1 ]; then
		dropdb --if-exists --force "$db"
	fi
	if psql -lqt | cut -d'|' -f1 | grep -qw "$db"; then
		log "reusing $db (REBUILD=1 rebuilds it)"
		continue
	fi
	log "building $db: $n dossiers, $officers officers (no steps)"
	createdb "$db"
	: >"$work/times.$n"
	if ! (build "$n" "$officers"); then
		rm -rf "$work/exp"
		dropdb --if-exists --force "$db"
		exit 1
	fi
	rm -rf "$work/exp"
	got=$(psql -d "$db" -tAc "SELECT count(*) FROM dossiers")
	if [ "$got" != "$n" ]; then
		log "$db holds $got dossiers, not $n: dropped"
		dropdb --force "$db"
		exit 1
	fi
	timed "$work/times.$n" vacuum_analyze psql -d "$db" -qc "VACUUM ANALYZE"
	cat "$work/csv.$n" >>"$work/times.$n"
	psql -d "$db" -qc "COMMENT ON DATABASE $db IS '$(cat "$work/times.$n")
built $(date -u +%FT%TZ)'"
done
if [ "${BUILD_ONLY:-}" = 1 ]; then
	log "built; BUILD_ONLY=1: no benchmarks"
	exit 0
fi

bench() { # bench N NAME BINARY PATTERN [ENV=VALUE...]: benchmarks of one package against size N
	local n=$1 name=$2 bin=$3 pat=$4 before
	shift 4
	log "bench $name on $n ($pat)"
	before=$(load)
	(cd "$bin" && env DONDOC_BENCH_DATABASE_URL="$(url "$n")" "$@" $NICE /usr/bin/time -f "%e %M %U %S" -o "$work/t" \
		"$work/$bin.test" -test.run '^$' -test.bench "$pat" -test.benchtime "$BENCHTIME" -test.timeout 2h) \
		>"$work/b.$name.$n" 2>&1 || {
		cat "$work/b.$name.$n" >&2
		exit 1
	}
	read -r wall rss user sys <"$work/t"
	printf '%s %s %s %s %s %s\n' "bench_$name" "$wall" "$rss" "$before" "$(load)" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" >>"$work/run.$n"
}
metric() { # metric FILE BENCH UNIT: the value before UNIT on BENCH's line
	awk -v b="$2" -v u="$3" '$1 ~ "^"b"(-[0-9]+)?$" { for (i = 2; i <= NF; i++) if ($i == u) { print $(i-1); exit } }' "$1"
}
field() { # field N NAME COLUMN: a column of the build timings kept in the database's comment
	psql -d "dondoc_scale_$1" -tAc "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'dondoc_scale_$1'" |
		awk -v k="$2" -v c="$3" '$1 == k { print $c; exit }'
}
smallest= largest=
for n in $SIZES; do
	: >"$work/run.$n"
	# The report benchmarks never load anything; PlanDigests1M loads a
	# province only into an empty database (jobs openBench), and links the
	# active officers to Telegram once. BenchmarkMonthFigures1M (which
	# reloads a database not holding exactly 1M dossiers) is not run.
	# BenchmarkMonthlyReport1M keeps the figures its first iteration
	# computes: run once before, so that it times a report with the
	# figures kept (the first run after an import is MonthlyReportCold1M).
	BENCHTIME=1x bench "$n" warmup store '^BenchmarkMonthlyReport1M$'
	bench "$n" report store '^(BenchmarkMonthlyReport1M|BenchmarkMonthlyReportCold1M|BenchmarkBareAggregate1M)$'
	bench "$n" digest jobs '^BenchmarkPlanDigests1M$'
	smallest=${smallest:-$n}
	largest=$n
done

if [ "${PARTITIONS:-1}" = 1 ]; then
	for n in $SIZES; do
		db=dondoc_scale_$n
		log "partitioned copy of dossiers and dossier_facts in $db"
		timed "$work/run.$n" partition_copy psql -d "$db" -v ON_ERROR_STOP=1 -qf scripts/bench-scale-partitions.sql >"$work/p.$n"
		psql -d "$db" -tAc "SELECT count(*) FROM pg_inherits WHERE inhparent = 'dossier_facts_p'::regclass" >"$work/nparts.$n"
		bench "$n" partitions store '^BenchmarkPartitionedScale$' DONDOC_BENCH_PARTITIONED=1
	done
fi

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$(($(date -u +%s) - started))

ms() { awk -v ns="$1" 'BEGIN { if (ns == "") print "—"; else printf "%.0f", ns / 1e6 }'; }
grow() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0 || a == "—" || b == "—") print "—"; else printf "%.2f", a / b }'; }
per_m() { awk -v s="$1" -v n="$2" 'BEGIN { if (s == "") print "—"; else printf "%.1f", s / (n / 1e6) }'; }
row() { # row N: the figures of size N as "import s/M plan warm cold bare rss"
	local n=$1
	local f=$work/b.report.$n g=$work/b.digest.$n
	printf '%s %s %s %s %s %s %s %s\n' \
		"$(field "$n" import_dossiers 2)" \
		"$(per_m "$(field "$n" import_dossiers 2)" "$n")" \
		"$(metric "$g" BenchmarkPlanDigests1M plan-s)" \
		"$(ms "$(metric "$f" BenchmarkMonthlyReport1M ns/op)")" \
		"$(ms "$(metric "$f" BenchmarkMonthlyReportCold1M ns/op)")" \
		"$(ms "$(metric "$f" BenchmarkBareAggregate1M ns/op)")" \
		"$(metric "$g" BenchmarkPlanDigests1M query-s)" \
		"$(field "$n" import_dossiers 3)"
}
table=$(
	echo "| dossiers | officers | import dossiers s | s per million | peak RSS MB | plan s | select s | report warm ms | report cold ms | bare aggregate ms | load before → after |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	for n in $SIZES; do
		read -r imp spm plan warm cold bare sel rss <<<"$(row "$n")"
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | import %s → %s; benches %s → %s |\n' \
			"$n" "$((n * OFFICERS_PER_M / 1000000))" "$imp" "$spm" "$(awk -v r="$rss" 'BEGIN { printf "%d", r / 1024 }')" \
			"$plan" "$sel" "$warm" "$cold" "$bare" \
			"$(field "$n" import_dossiers 4)" "$(field "$n" import_dossiers 5)" \
			"$(awk '$1 == "bench_report" { print $4 }' "$work/run.$n")" "$(awk '$1 == "bench_digest" { print $5 }' "$work/run.$n")"
	done
	if [ "$smallest" != "$largest" ]; then
		read -r i1 s1 p1 w1 c1 b1 q1 r1 <<<"$(row "$smallest")"
		read -r i2 s2 p2 w2 c2 b2 q2 r2 <<<"$(row "$largest")"
		printf '| **growth %s/%s** (linear = %s) | | %s | %s | %s | %s | %s | %s | %s | %s | |\n' \
			"$largest" "$smallest" "$(grow "$largest" "$smallest")" \
			"$(grow "$i2" "$i1")" "$(grow "$s2" "$s1")" "$(grow "$r2" "$r1")" "$(grow "$p2" "$p1")" "$(grow "$q2" "$q1")" \
			"$(grow "$w2" "$w1")" "$(grow "$c2" "$c1")" "$(grow "$b2" "$b1")"
	fi
)
steps=$(
	for n in $SIZES; do
		psql -d "dondoc_scale_$n" -tAc "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'dondoc_scale_$n'" |
			awk -v n="$n" '$1 != "csv_mb" && NF >= 5 { printf "| %s | %s | %s s | %s s | %d MB | %s → %s |\n", n, $1, $2, ($6 == "" ? "—" : $6), $3 / 1024, $4, $5 }'
		awk -v n="$n" '$1 != "csv_mb" && NF >= 5 { printf "| %s | %s | %s s | %s s | %d MB | %s → %s |\n", n, $1, $2, ($6 == "" ? "—" : $6), $3 / 1024, $4, $5 }' "$work/run.$n"
	done
)
parts=
for n in $SIZES; do
	[ -f "$work/b.partitions.$n" ] || continue
	parts+=$(
		echo
		echo
		echo "Partition experiment on dondoc_scale_$n ($(cat "$work/nparts.$n") partitions of dossier_facts_p and of dossiers_p: one per month"
		echo "of received_at in Việt Nam time, and a default; \`scripts/bench-scale-partitions.sql\`, copy and indexes"
		echo "$(awk '$1 == "partition_copy" { printf "%s s", $2 }' "$work/run.$n")). The same queries on the unpartitioned tables and on the partitioned copy, alternating, medians"
		echo "of $BENCHTIME (\`store BenchmarkPartitionedScale\`; load $(awk '$1 == "bench_partitions" { print $4 " → " $5 }' "$work/run.$n")):"
		echo
		echo "| query | unpartitioned ms | partitioned ms | partitioned / unpartitioned |"
		echo "|---|---:|---:|---:|"
		grep -E '^partitioned: ' "$work/b.partitions.$n" | sed 's/^partitioned: //'
		echo
		awk -F'|' '$1 ~ /_p *$/ { for (i = 1; i <= NF; i++) gsub(/^ +| +$/, "", $i); printf "%s: %s rows, %s with its indexes (the original: %s). ", $1, $2, $4, $3 }' "$work/p.$n"
	)
done

section=$(
	cat <<EOF
<!-- bench-scale:begin (written by scripts/bench-scale.sh; do not edit by hand) -->
## Past one province (\`make bench-scale\`)

Run of $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(go version | cut -d' ' -f3),
Postgres $(psql -d "dondoc_scale_$largest" -tAc 'SHOW server_version' | cut -d' ' -f1); provinces of $(echo "$SIZES" | sed 's/ /, /g') dossiers (\`dondoc sample\`, default months,
$OFFICERS_PER_M officers per million, judged at $NOW; **no steps imported**: the report and the digest planning
judge each dossier by its handling officer), one database each (\`dondoc_scale_N\`). Heavy steps ran under
\`nice -n 10\` on a machine shared with another engineer's benchmarks; load average (1 min) $load_before before
the run, $load_after after; this run took $elapsed s (imports of earlier runs are reused, with the load they had).
Benchmarks are \`BenchmarkMonthlyReport1M\`, \`BenchmarkMonthlyReportCold1M\`, \`BenchmarkBareAggregate1M\` (store)
and \`BenchmarkPlanDigests1M\` (jobs), $BENCHTIME, on each database.

$table

Wall time and peak RSS of each step (load average before → after):

| dossiers | step | wall | CPU of the process (user + sys) | peak RSS | load |
|---:|---|---:|---:|---:|---|
$steps
$parts
<!-- bench-scale:end -->
EOF
)
python3 scripts/section.py "$out" bench-scale "$section"
log "wrote the Past one province section of $out"
printf '%s\n' "$section"

#!/usr/bin/env bash
# The province benchmark suite (issue #14): builds the synthetic province of
# 2026 on Postgres once (dondoc sample + dondoc import, timed, peak RSS),
# then runs every province-scale benchmark against it, each beside its
# baseline from the same invocation, and rewrites the "Province suite"
# section of docs/BENCHMARKS.md with the machine, versions, date and figures.
#
#   scripts/bench-province.sh                 # 1M dossiers, 20k officers
#   N=200000 OFFICERS=4000 scripts/bench-province.sh
#   REBUILD=1 scripts/bench-province.sh       # drop and rebuild the province
#
# Import against Postgres' own \copy floor is scripts/bench-import.sh (make
# bench-import): it needs its own databases and the raw CSV.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
OFFICERS=${OFFICERS:-20000}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
DB=${DB:-dondoc_bench_province_$N}
URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB?sslmode=disable"
NOW=${NOW:-2026-12-01T10:00:00+07:00}
BENCHTIME=${BENCHTIME:-5x}
out=docs/BENCHMARKS.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log() { printf '== %s\n' "$*" >&2; }
timed() { # timed NAME CMD...: runs CMD under GNU time, appends "NAME wall rss" to $work/times
	local name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$work/t" "$@"
	read -r wall rss <"$work/t"
	printf '%s %s %s\n' "$name" "$wall" "$rss" >>"$work/times"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%s)
log "building dondoc and the benchmark binaries"
go build -o "$work/dondoc" ./cmd/dondoc
for p in store jobs bot/handlers app bot/zalo notify; do
	go test -c -o "$work/$(echo "$p" | tr / _).test" "./$p"
done

if [ "${REBUILD:-}" = 1 ]; then
	dropdb --if-exists --force "$DB"
fi
if ! psql -lqt | cut -d'|' -f1 | grep -qw "$DB"; then
	log "building the province: $N dossiers, $OFFICERS officers into $DB"
	createdb "$DB"
	export DONDOC_NOW=$NOW DATABASE_URL=$URL
	timed sample "$work/dondoc" sample --out "$work/exp" --dossiers "$N" --officers "$OFFICERS"
	"$work/dondoc" migrate >/dev/null
	for k in units officers dossiers steps; do
		log "import $k"
		timed "import_$k" "$work/dondoc" import "$k" "$work/exp/$k.csv" >/dev/null
	done
	rm -rf "$work/exp"
	unset DONDOC_NOW DATABASE_URL
else
	log "reusing $DB (REBUILD=1 rebuilds it)"
fi
psql -d "$DB" -qc "VACUUM ANALYZE" >/dev/null

bench() { # bench NAME PACKAGE PATTERN [ENV=VALUE...]: one package's benchmarks, in its directory, under GNU time
	local name=$1 pkg=$2 pat=$3
	shift 3
	log "bench $name ($pkg: $pat)"
	(cd "$pkg" && env "$@" /usr/bin/time -f "%e %M" -o "$work/t.$name" "$work/$(echo "$pkg" | tr / _).test" \
		-test.run '^$' -test.bench "$pat" -test.benchtime "$BENCHTIME") >"$work/b.$name" 2>&1 || {
		cat "$work/b.$name" >&2
		exit 1
	}
	read -r wall rss <"$work/t.$name"
	printf '%s %s %s\n' "bench_$name" "$wall" "$rss" >>"$work/times"
}
# One report first, so that the figures kept are there when a fresh province
# is timed (the first iteration would otherwise be a cold report).
BENCHTIME=1x bench warmup store '^BenchmarkMonthlyReport1M$' DONDOC_BENCH_DATABASE_URL="$URL"
bench report store 'MonthlyReport1M|MonthlyReportCold1M|BareAggregate1M' DONDOC_BENCH_DATABASE_URL="$URL"
bench digest jobs 'PlanDigests1M' DONDOC_BENCH_DATABASE_URL="$URL"
BENCHTIME=20x bench chat bot/handlers 'ProvinceLeader' DONDOC_BENCH_PROVINCE_URL="$URL" DONDOC_BENCH_NOW="$NOW"
BENCHTIME=1x bench webhook_telegram app 'WebhookThroughput'
BENCHTIME=1x bench webhook_zalo bot/zalo 'WebhookThroughput'
BENCHTIME=1x bench dispatch notify 'Dispatch10k'

metric() { # metric FILE BENCH UNIT: the value before UNIT on BENCH's line
	awk -v b="$2" -v u="$3" '$1 ~ "^"b"(-[0-9]+)?$" { for (i = 2; i <= NF; i++) if ($i == u) { print $(i-1); exit } }' "$work/b.$1"
}
ms() { awk -v ns="$1" 'BEGIN { if (ns == "") print "—"; else printf "%.0f", ns / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "—"; else printf "%.2f", a / b }'; }
when() { awk -v n="$1" '$1 == n { printf "%s s, %d MB", $2, $3 / 1024 }' "$work/times"; }

warm=$(metric report BenchmarkMonthlyReport1M ns/op)
cold=$(metric report BenchmarkMonthlyReportCold1M ns/op)
bare=$(metric report BenchmarkBareAggregate1M ns/op)
query=$(metric digest BenchmarkPlanDigests1M query-s)
selects=$(metric digest BenchmarkPlanDigests1M selects-s)
plan=$(metric digest BenchmarkPlanDigests1M plan-s)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$(($(date -u +%s) - started))

section=$(
	cat <<EOF
<!-- bench-province:begin (written by scripts/bench-province.sh; do not edit by hand) -->
## Province suite (\`make bench-province\`)

Run of $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(go version | cut -d' ' -f3),
$(psql -d "$DB" -tAc 'SHOW server_version' | cut -d' ' -f1) Postgres, province of $N dossiers and $OFFICERS officers
(\`dondoc sample\`, judged at $NOW); load average $load_before before, $load_after after (other work on the
machine raises every wall time); the suite took $elapsed s. Ratios are against the baseline of the same run.

| what | figure | baseline | ratio | target |
|---|---:|---:|---:|---|
| month's report, both months, figures kept (\`BenchmarkMonthlyReport1M\`) | $(ms "$warm") ms | bare aggregate $(ms "$bare") ms | $(ratio "$warm" "$bare") | ≤ 1 s, ≤ 2× |
| month's report, first after an import (\`BenchmarkMonthlyReportCold1M\`) | $(ms "$cold") ms | bare aggregate $(ms "$bare") ms | $(ratio "$cold" "$bare") | |
| digest planning (\`BenchmarkPlanDigests1M\`) | ${plan:-—} s | its select of open dossiers ${query:-—} s | $(ratio "$plan" "$query") | ≤ 3 s, ≤ 1.5× |
| digest planning, against all its selects (open dossiers, officers, accounts) | ${plan:-—} s | ${selects:-—} s | $(ratio "$plan" "$selects") | |
| \`/quahan\` of the province's leader (\`BenchmarkProvinceLeader/quahan\`) | p50 $(metric chat BenchmarkProvinceLeader/quahan p50-ms) ms, p99 $(metric chat BenchmarkProvinceLeader/quahan p99-ms) ms | | | ≤ 1 s |
| \`/xephang\` of the province's leader (\`BenchmarkProvinceLeader/xephang\`) | p50 $(metric chat BenchmarkProvinceLeader/xephang p50-ms) ms, p99 $(metric chat BenchmarkProvinceLeader/xephang p99-ms) ms | | | ≤ 1 s |
| Telegram webhook, second process (\`app BenchmarkWebhookThroughput\`) | $(metric webhook_telegram BenchmarkWebhookThroughput updates/s) updates/s | | | ≥ 300/s |
| Zalo webhook, second process (\`bot/zalo BenchmarkWebhookThroughput\`) | $(metric webhook_zalo BenchmarkWebhookThroughput updates/s) updates/s | | | ≥ 300/s |
| dispatch pace, 10k messages at 30/s (\`notify BenchmarkDispatch10k\`) | $(metric dispatch BenchmarkDispatch10k sim-msg/s) msg/s (simulated clock) | limit 30 | | ≥ 28.5, 0 over |

Wall time and peak RSS of each step:

| step | wall, peak RSS |
|---|---|
$(awk '{ printf "| %s | %s s, %d MB |\n", $1, $2, $3 / 1024 }' "$work/times")
<!-- bench-province:end -->
EOF
)
python3 scripts/section.py "$out" bench-province "$section"
log "wrote the Province suite section of $out"
printf '%s\n' "$section"

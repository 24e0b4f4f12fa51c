#!/usr/bin/env bash
# The pure rules' benchmarks, with each figure and its ratio to a baseline
# measured in the same run. Usage: scripts/bench-models.sh [benchtime]
set -euo pipefail
cd "$(dirname "$0")/.."
bt=${1:-3x}
# The 1M-dossier passes run a few times each; the calendar operations, which
# take nanoseconds, run for a second each.
out=$(go test -run '^$' -bench 'Classify1M|Tally1M|Scan1M' -benchtime "$bt" -benchmem ./models
	go test -run '^$' -bench 'AddWorkingDays|WorkingDaysBetween|SolarToLunar|NewVietnamCalendar' -benchtime 1s -benchmem ./models)
echo "$out" | grep -E '^Benchmark'
echo "$out" | awk '
	/^BenchmarkScan1M/            { for (i = 1; i <= NF; i++) if ($(i+1) == "ns/dossier") scan = $i }
	/^BenchmarkClassify1M/        { for (i = 1; i <= NF; i++) if ($(i+1) == "ns/dossier") cls = $i }
	/^BenchmarkTally1M/           { for (i = 1; i <= NF; i++) if ($(i+1) == "ns/dossier") tal = $i }
	/^BenchmarkAddWorkingDays-/   { add = $3 }
	/^BenchmarkAddWorkingDaysNaive/ { naive = $3 }
	END {
		printf "\nclassify 1M dossiers: %.0f ms (%.1f ns/dossier) = %.2fx the bare memory pass (%.1f ns/dossier)\n", cls, cls, cls / scan, scan
		printf "tally 1M dossiers for a month: %.0f ms (%.1f ns/dossier) = %.2fx the bare memory pass\n", tal, tal, tal / scan
		printf "add 15 working days: %s ns = %.3fx the day-by-day walk (%s ns)\n", add, add / naive, naive
	}'

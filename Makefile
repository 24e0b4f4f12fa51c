# Entry points for dondoc. CI runs `make ci` (.ci/run).

.PHONY: test ci lint bench bench-models bench-import bench-province bench-scale

# Every test; store tests also run on Postgres when DONDOC_TEST_DATABASE_URL is set.
test:
	go test ./...

# What CI runs: lint, then every test with -race on SQLite and a throwaway
# Postgres database (installs PostgreSQL and Chromium when missing).
ci:
	bash .ci/run

# gofmt check, go vet, golangci-lint (pinned in .ci/lint, config .golangci.yml).
lint:
	bash .ci/lint

# The benchmarks behind docs/BENCHMARKS.md: the rules in memory, import
# against Postgres' \copy floors, then the province suite on Postgres (the
# last two rewrite their sections of docs/BENCHMARKS.md).
bench: bench-models bench-import bench-province

# The pure rules in memory (1M dossiers; seconds). BENCHTIME=3x by default.
bench-models:
	bash scripts/bench-models.sh $(BENCHTIME)

# dondoc import (dossiers and steps; first, 10% changed, unchanged) against
# Postgres' \copy into the indexed table and into an unindexed text table:
# 1M rows by default, minutes, creates and drops its own databases.
# Smaller: make bench-import N=100000 SQLITE_N=10000.
bench-import:
	N=$(or $(N),1000000) SQLITE_N=$(or $(SQLITE_N),100000) bash scripts/bench-import.sh

# The province suite (issue #14): builds the 1M-dossier province on Postgres
# once (database dondoc_bench_province_N, kept for reruns; REBUILD=1 rebuilds
# it), then report, digest planning, chat, webhook and dispatch benchmarks,
# each beside its baseline. Smaller: make bench-province N=200000 OFFICERS=4000.
bench-province:
	N=$(or $(N),1000000) OFFICERS=$(or $(OFFICERS),20000) bash scripts/bench-province.sh

# Past one province (issue #14 item 6): the province at 1M and 5M dossiers,
# each in its own database dondoc_scale_N (kept; REBUILD=1 rebuilds), import,
# report and digest planning at each size with their growth, then a copy of
# the largest partitioned by month. Minutes to build, ~5 GB per 5M database.
# Other sizes: make bench-scale SIZES="200000 1000000".
bench-scale:
	SIZES="$(or $(SIZES),1000000 5000000)" bash scripts/bench-scale.sh

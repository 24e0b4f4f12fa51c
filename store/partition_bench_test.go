package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

// partitionedTables renames the tables a query reads to their partitioned
// copies (scripts/bench-scale-partitions.sql).
var partitionedTables = regexp.MustCompile(`\b(dossiers|dossier_facts)\b`)

// scannedPartition finds the partitions a plan reads.
var scannedPartition = regexp.MustCompile(` on ((?:dossiers|dossier_facts)_p_(?:[0-9]{4}_[0-9]{2}|default))\b`)

// BenchmarkPartitionedScale times, on the bench database, each query of
// the report and of the digest planning on the unpartitioned tables and on
// their copies partitioned by month of received_at (dossiers_p,
// dossier_facts_p: scripts/bench-scale-partitions.sql, run by
// scripts/bench-scale.sh), alternating which goes first, and prints the
// medians, how many partitions each plan reads and the row counts (equal
// on both, or it fails). Set DONDOC_BENCH_PARTITIONED=1; the month is
// openBench's (DONDOC_BENCH_MONTH, default 2026-10).
func BenchmarkPartitionedScale(b *testing.B) {
	if os.Getenv("DONDOC_BENCH_PARTITIONED") == "" {
		b.Skip("DONDOC_BENCH_PARTITIONED not set")
	}
	s, p := openBench(b)
	ctx := context.Background()
	var parts int64
	if err := s.DB().WithContext(ctx).Raw(
		"SELECT COUNT(*) FROM pg_inherits WHERE inhparent = to_regclass('dossier_facts_p')").Scan(&parts).Error; err != nil {
		b.Fatal(err)
	}
	if parts == 0 {
		b.Skip("no partitioned copy: run scripts/bench-scale-partitions.sql on the bench database")
	}
	end := p.End
	args := map[string]any{"s": store.SQLTime(p.Start), "e": store.SQLTime(end), "j": store.SQLTime(end.Add(-models.Resolution))}
	queries := []struct {
		name, sql string
		tuned     bool // run as MonthFigures runs it: jit off, work_mem 64MB
	}{
		{"bare aggregate: in-scope facts of the month by unit (`BenchmarkBareAggregate1M`)",
			`SELECT unit_code, COUNT(*) FROM dossier_facts WHERE in_scope AND received_at < @e AND (NOT closed OR stop_at >= @s) GROUP BY unit_code`, false},
		{"the report's statement for one month (`figuresSQL`: units and officers)", store.FiguresSQLForTest(store.DialectPostgres), true},
		{"received in the month, by unit (a query pruning can serve)",
			`SELECT unit_code, COUNT(*) FROM dossier_facts WHERE received_at >= @s AND received_at < @e GROUP BY unit_code`, false},
		{"digest planning's select (`store.OfficerOpenQuery()`)", store.OfficerOpenQuery(), false},
	}
	partitioned := func(q string) string { return partitionedTables.ReplaceAllString(q, "${1}_p") }
	run := func(q string, tuned bool, explain bool) (n int, plan []string, err error) {
		do := func(tx *gorm.DB) error {
			if explain {
				q = "EXPLAIN " + q
			}
			var params []any
			if strings.Contains(q, "@") {
				params = []any{args}
			}
			rows, err := tx.Raw(q, params...).Rows()
			if err != nil {
				return err
			}
			defer rows.Close()
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			for i := range vals {
				vals[i] = new(sql.RawBytes)
			}
			for rows.Next() {
				if err := rows.Scan(vals...); err != nil {
					return err
				}
				if explain {
					plan = append(plan, string(*vals[0].(*sql.RawBytes)))
				}
				n++
			}
			return rows.Err()
		}
		if !tuned {
			return n, plan, do(s.DB().WithContext(ctx))
		}
		return n, plan, s.FiguresTx(ctx, do)
	}
	times := make([][2][]time.Duration, len(queries))
	rowsOf := make([][2]int, len(queries))
	iter := 0
	for b.Loop() {
		for i, q := range queries {
			for k := range 2 {
				v := (k + iter) % 2 // 0: unpartitioned, 1: partitioned; alternating which goes first
				text := q.sql
				if v == 1 {
					text = partitioned(text)
				}
				t0 := time.Now()
				n, _, err := run(text, q.tuned, false)
				if err != nil {
					b.Fatalf("%s (partitioned %v): %v", q.name, v == 1, err)
				}
				times[i][v] = append(times[i][v], time.Since(t0))
				rowsOf[i][v] = n
			}
		}
		iter++
	}
	b.StopTimer()
	median := func(d []time.Duration) float64 {
		d = slices.Clone(d)
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return float64(d[len(d)/2].Microseconds()) / 1000
	}
	for i, q := range queries {
		if rowsOf[i][0] != rowsOf[i][1] {
			b.Fatalf("%s: %d rows unpartitioned, %d partitioned", q.name, rowsOf[i][0], rowsOf[i][1])
		}
		_, plan, err := run(partitioned(q.sql), q.tuned, true)
		if err != nil {
			b.Fatal(err)
		}
		read := map[string]bool{}
		for _, line := range plan {
			for _, m := range scannedPartition.FindAllStringSubmatch(line, -1) {
				read[m[1]] = true
			}
		}
		tables := map[string]bool{}
		for _, t := range partitionedTables.FindAllString(q.sql, -1) {
			tables[t] = true
		}
		u, pt := median(times[i][0]), median(times[i][1])
		fmt.Printf("partitioned: | %s; %d rows; the partitioned plan reads %d of %d partitions | %.0f | %.0f | %.2f |\n",
			q.name, rowsOf[i][0], len(read), int(parts)*len(tables), u, pt, pt/u)
	}
}

package models

import "testing"

// Baselines measured in the same run as the rules' benchmarks, so that
// their figures can be read as ratios (scripts/bench-models.sh prints them).

// BenchmarkScan1M touches the fields classification reads (status, due
// date, finish times) of 1M dossiers: the memory pass any classification
// must pay. BenchmarkClassify1M ÷ this is the cost of the rules themselves.
func BenchmarkScan1M(b *testing.B) {
	ds := benchDossiers()
	var sink int64
	for b.Loop() {
		for i := range ds {
			d := &ds[i]
			sink += int64(d.Status) + d.DueAt.Unix() + d.FinishedAt.Unix() + d.SystemFinishedAt.Unix()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ds)), "ns/dossier")
	if sink == 42 {
		b.Log(sink)
	}
}

// BenchmarkAddWorkingDaysNaive walks day by day, as a calendar without the
// precomputed table would: the baseline for BenchmarkAddWorkingDays.
func BenchmarkAddWorkingDaysNaive(b *testing.B) {
	cal := NewVietnamCalendar(UTC7, 15, 0)
	start := NewDate(2026, 1, 1)
	for i := 0; b.Loop(); i++ {
		d, n := start+Date(i%365), 15
		for n > 0 {
			d++
			if cal.IsWorkingDay(d) {
				n--
			}
		}
	}
}

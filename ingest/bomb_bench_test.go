package ingest

import (
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// BenchmarkXLSXBomb reads hostile workbooks with the default limits and
// reports the most heap in use while reading (peak-heap-MB, runtime/metrics
// polled every millisecond) and the
// bytes allocated (an upper bound of that peak). Run one case at a time for
// a clean figure:
//
//	go test ./ingest -run '^$' -bench 'XLSXBomb/cell-2GB' -benchtime 1x
func BenchmarkXLSXBomb(b *testing.B) {
	dir := b.TempDir()
	sheet := part{body: text(sheetHead + officersHeader + officerRow(2, true) + sheetTail)}
	// 31 MB of small shared strings: just under their limit, the most
	// excelize must hold for one workbook.
	var many strings.Builder
	for i := 0; i < 1000; i++ {
		many.WriteString("<si><t>Nguyễn Văn A ")
		many.WriteString(strings.Repeat("x", i%20))
		many.WriteString("</t></si>")
	}
	cases := []struct {
		name  string
		parts []part
	}{
		{"cell-2GB", workbookParts(sheet, part{body: repeat(sstHead+"<si><t>", "A", 2<<30, "</t></si></sst>")})},
		{"cell-2GB-lying-size", workbookParts(sheet, part{body: repeat(sstHead+"<si><t>", "A", 2<<30, "</t></si></sst>"), declared: 1 << 20})},
		{"shared-strings-31MB", workbookParts(sheet, part{body: repeat(sstHead, many.String(), 31<<20/int64(many.Len()), "</sst>")})},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			path := writeXLSX(b, dir, c.name+".xlsx", c.parts)
			st, _ := os.Stat(path)
			b.ResetTimer()
			var peak uint64
			for i := 0; i < b.N; i++ {
				runtime.GC()
				alloc := allocsOf(func() {
					stop := sampleHeap(&peak)
					_, _ = readXLSX(path, Limits{})
					stop()
				})
				b.ReportMetric(float64(alloc)/(1<<20), "alloc-MB")
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(st.Size())/(1<<20), "file-MB")
		})
	}
}

// sampleHeap records the largest live heap seen until stop is called, by
// polling runtime/metrics from a goroutine.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > *peak {
				*peak = v
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

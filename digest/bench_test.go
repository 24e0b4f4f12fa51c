package digest

import (
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// BenchmarkPlanner1M plans (and renders, for the officers with something
// to say) the digests of 1M open dossiers spread over 20k officers, rows
// streamed sorted by officer into one reused struct as a SQL scan would.
func BenchmarkPlanner1M(b *testing.B) {
	const officers, perOfficer = 20_000, 50
	const n = officers * perOfficer
	r := testRules()
	offs := make([]string, officers)
	for i := range offs {
		offs[i] = "CB" + strconv.Itoa(100000+i)
	}
	codes := make([]string, n)
	dues := make([]time.Time, n)
	today := models.DateOf(friday, loc)
	for i := range codes {
		codes[i] = "H37.12-261102-" + strconv.Itoa(1000000+i)
		// Due between 15 days ago and 45 days ahead (a sixth overdue).
		off := int(uint32(i)*2654435761>>8) % 60
		dues[i] = today.AddDays(off - 15).End(loc).UTC()
	}
	opt := RenderOptions{Format: notify.FormatHTML, MaxLen: 4096, Location: loc, OfficerName: "Nguyễn Văn An", ShowApplicant: true}
	received := friday.AddDate(0, 0, -20)
	b.ReportAllocs()
	b.ResetTimer()
	var sent, bytes int
	start, cpu0 := time.Now(), cpuTime()
	for range b.N {
		sent, bytes = 0, 0
		p := NewPlanner(r, friday, func(d *Digest) error {
			bytes += len(RenderDigest(*d, opt))
			sent++
			return nil
		})
		var row models.Dossier
		for i := 0; i < n; i++ {
			row = models.Dossier{
				Code: codes[i], ProcedureName: "Cấp giấy phép xây dựng nhà ở riêng lẻ", UnitCode: "P1",
				HandlerCode: offs[i/perOfficer], ReceivedAt: received, DueAt: dues[i],
				Status: models.StatusProcessing, ApplicantName: "Trần Thị Bình",
			}
			if err := p.Add(row.HandlerCode, &row); err != nil {
				b.Fatal(err)
			}
		}
		if err := p.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	el, cpu := time.Since(start), cpuTime()-cpu0
	b.ReportMetric(float64(el.Nanoseconds())/float64(b.N*n), "ns/dossier")
	b.ReportMetric(el.Seconds()/float64(b.N), "s/1M")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/1M")
	b.ReportMetric(float64(sent), "digests")
	b.ReportMetric(float64(bytes)/float64(max(sent, 1)), "B/digest")
}

// cpuTime is the process's user and system CPU time so far: on a shared
// machine it says more than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

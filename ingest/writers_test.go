package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// spySessions begins store import sessions that count how many batches
// they write at once, and may say they write one at a time (serial).
type spySessions struct {
	*store.Store
	serial bool
	most   *atomic.Int32
	spies  chan *spyImport
}

type spyImport struct {
	*store.Import
	serial    bool
	now, most *atomic.Int32
	mu        sync.Mutex
	flying    map[string]bool // the codes of the batches being written
	shared    []string        // codes written by two batches at once
}

func (s spySessions) BeginImport(ctx context.Context, opt models.ImportOptions) (*spyImport, error) {
	im, err := s.Store.BeginImport(ctx, opt)
	if err != nil {
		return nil, err
	}
	spy := &spyImport{Import: im, serial: s.serial, now: new(atomic.Int32), most: s.most, flying: map[string]bool{}}
	s.spies <- spy
	return spy, nil
}

func (im *spyImport) Writers() int {
	if im.now.Load() != 0 {
		panic("Writers asked while a batch is being written")
	}
	if im.serial {
		return 1
	}
	return im.Import.Writers()
}

func (im *spyImport) WriteDossiers(ctx context.Context, b *store.DossierBatch) (models.ImportCounts, error) {
	n := im.now.Add(1)
	for {
		m := im.most.Load()
		if n <= m || im.most.CompareAndSwap(m, n) {
			break
		}
	}
	defer im.now.Add(-1)
	im.mu.Lock()
	for i := range b.Len() {
		if im.flying[b.Code(i)] {
			im.shared = append(im.shared, b.Code(i))
		}
		im.flying[b.Code(i)] = true
	}
	im.mu.Unlock()
	defer func() {
		im.mu.Lock()
		for i := range b.Len() {
			delete(im.flying, b.Code(i))
		}
		im.mu.Unlock()
	}()
	return im.Import.WriteDossiers(ctx, b)
}

// exportVersions is an export of n dossiers, in version v: every seventh
// gets another due date and every eleventh another applicant in v > 0,
// and in v = 2 a few come twice, far apart (the later line wins) or
// with a bad date (rejected).
func exportVersions(n, v int) string {
	var b strings.Builder
	b.WriteString("ma_ho_so,ma_don_vi,ma_can_bo,ngay_tiep_nhan,ngay_hen_tra,trang_thai,chu_ho_so\n")
	row := func(i int, due, who string) {
		fmt.Fprintf(&b, "H%05d,U1,cv.a,02/03/2026,%s,2,%s\n", i, due, who)
	}
	for i := 1; i <= n; i++ {
		due, who := "16/03/2026", fmt.Sprintf("Lê Văn %d", i)
		if v > 0 && i%7 == 0 {
			due = "20/03/2026"
		}
		if v > 0 && i%11 == 0 {
			who = fmt.Sprintf("Trần Thị %d", i)
		}
		if v == 2 && i%500 == 130 {
			who = "Phạm Văn Trước" // replaced by a later line
		}
		row(i, due, who)
		if v == 2 && i%500 == 250 {
			row(i-120, "25/03/2026", "Phạm Văn Sau") // a key of an earlier batch
			fmt.Fprintf(&b, "H%05d,U1,cv.a,02/03/2026,31/02/2026,2,Sai\n", i-100)
		}
	}
	return b.String()
}

// A re-import on Postgres writes two batches at once once it has scanned
// the stored rows; what it stores and reports is what one batch at a
// time stores and reports: the same rows, facts, counts, errors and
// warnings, in file order, the later line of a repeated key winning.
func TestRunTwoWritersAsOne(t *testing.T) {
	const n = 3000
	ctx := context.Background()
	type outcome struct {
		results []string
		tables  []string
	}
	// One run goes in another goroutine: what may stop the test (a skip,
	// a fatal error) is done here, before it starts; inside, errors are
	// reported and the run returns.
	run := func(s *store.Store, rs []*ingest.Reader, serial bool) (outcome, int32) {
		var most atomic.Int32
		ss := spySessions{Store: s, serial: serial, most: &most, spies: make(chan *spyImport, 1)}
		var out outcome
		for v, r := range rs {
			res, err := ingest.Run(ctx, ss, r, ingest.RunOptions{BatchSize: 100, Rows: n})
			if err != nil {
				t.Errorf("version %d: %v", v, err)
				return out, 0
			}
			if spy := <-ss.spies; len(spy.shared) > 0 {
				t.Errorf("version %d: batches written at once shared codes %v", v, spy.shared)
			}
			errs := make([]string, len(res.Errors))
			for i, e := range res.Errors {
				errs[i] = e.Error()
			}
			out.results = append(out.results, fmt.Sprintf("%+v unassigned %d\nerrors %q\nwarnings %q", res.Summary, res.Unassigned, errs, res.Warnings))
		}
		for _, q := range []string{
			"SELECT code || ' ' || row_hash || ' ' || unassigned || ' ' || due_at || ' ' || applicant_name FROM dossiers ORDER BY code",
			"SELECT f::text FROM dossier_facts f ORDER BY code",
		} {
			var rows []string
			if err := s.DB().Raw(q).Scan(&rows).Error; err != nil {
				t.Error(err)
				return out, 0
			}
			out.tables = append(out.tables, strings.Join(rows, "\n"))
		}
		return out, most.Load()
	}
	var (
		wg               sync.WaitGroup
		two, one         outcome
		mostTwo, mostOne int32
	)
	sOne := storetest.OpenPostgresOrSkip(t)
	sTwo := storetest.OpenPostgres(t)
	versions := func() (rs []*ingest.Reader) {
		for v := range 3 {
			rs = append(rs, reader(t, ingest.FormatCSV, exportVersions(n, v)))
		}
		return rs
	}
	rOne, rTwo := versions(), versions()
	wg.Add(1)
	go func() { defer wg.Done(); one, mostOne = run(sOne, rOne, true) }()
	two, mostTwo = run(sTwo, rTwo, false)
	wg.Wait()
	if t.Failed() {
		return
	}
	if mostOne != 1 || mostTwo != 2 {
		t.Errorf("batches written at once: %d serial, %d with two writers; want 1 and 2", mostOne, mostTwo)
	}
	for i := range one.results {
		if a, b := firstDiff(two.results[i], one.results[i]); a != b {
			t.Errorf("import #%d reported %q with two writers where one batch at a time reported %q", i+1, a, b)
		}
	}
	if want := "inserted 0, updated 12, unchanged 2994, rejected 6"; !strings.HasPrefix(one.results[2], want) {
		t.Errorf("the last import: %.200s; want %s", one.results[2], want)
	}
	for i := range one.tables {
		if a, b := firstDiff(two.tables[i], one.tables[i]); a != b {
			t.Errorf("table %d holds %q with two writers, %q with one", i, a, b)
		}
	}
	if !strings.Contains(two.tables[0], "H00130 ") || !strings.Contains(two.tables[0], "Phạm Văn Sau") {
		t.Errorf("the later line of a repeated key did not win")
	}
}

// firstDiff returns the first line where a and b differ (two empty
// strings when they do not).
func firstDiff(a, b string) (string, string) {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(la), len(lb)) {
		x, y := "", ""
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return fmt.Sprintf("line %d: %.300s", i+1, x), fmt.Sprintf("line %d: %.300s", i+1, y)
		}
	}
	return "", ""
}

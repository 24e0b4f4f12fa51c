package publish

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
	"github.com/dondoc/dondoc/web"
)

// The public page of a commune formed on 1/7/2025: June 2025 lists the
// communes merged into it, August 2025 the commune itself; the province's
// page of August names no unit that ended on 30/6/2025.
func TestPublicPageAcrossTheMerger(t *testing.T) {
	m := storetest.NewMerger()
	clock := func() time.Time { return time.Date(2025, 9, 15, 10, 0, 0, 0, storetest.MergerLoc) }
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		m.Load(t, s)
		page := func(scope, month string) string {
			t.Helper()
			h, err := New(Config{Source: s, Clock: clock, Location: storetest.MergerLoc, Scope: scope})
			if err != nil {
				t.Fatal(err)
			}
			srv := web.New(web.Options{})
			h.Mount(srv)
			res := get(t, srv.Handler(), "/cong-khai/"+month)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s %s: status %d", scope, month, res.StatusCode)
			}
			return body(t, res)
		}
		june := page("X1", "2025-06")
		for _, want := range []string{"UBND xã An", "UBND xã Bình"} {
			if !strings.Contains(june, want) {
				t.Errorf("X1's page of June 2025 lacks %q", want)
			}
		}
		if strings.Contains(june, "UBND xã Cát") {
			t.Error("X1's page of June 2025 shows XC, merged into another unit")
		}
		aug := page("", "2025-08")
		for _, want := range []string{"UBND xã An Bình", "UBND phường Cát", "các xã, phường"} {
			if !strings.Contains(aug, want) {
				t.Errorf("the page of August 2025 lacks %q", want)
			}
		}
		for _, old := range []string{"UBND huyện Cũ", "UBND xã An<", "UBND xã Bình<", "UBND xã Cát<"} {
			if strings.Contains(aug, old) {
				t.Errorf("the page of August 2025 shows %q", old)
			}
		}
	})
}

package app

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/internal/tgfake"
	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store/storetest"
)

var overdueDays = regexp.MustCompile(`quá hạn (\d+) ngày làm việc`)

// TestHolidayImportedWhileServing: dondoc serve runs; a holiday is imported
// with dondoc import (as from another replica's secretariat); within the
// refresh period the running serve's calendar has it, and the next digest
// counts one working day fewer for the dossiers overdue across it — no
// restart. /metrics shows that Tết 2027 is not official.
func TestHolidayImportedWhileServing(t *testing.T) {
	urls := map[string]string{"sqlite": "sqlite://" + filepath.Join(t.TempDir(), "dondoc.db")}
	if u := os.Getenv(storetest.EnvURL); u != "" {
		urls["postgres"] = storetest.CreateDatabase(t, u)
	}
	for name, u := range urls {
		t.Run(name, func(t *testing.T) { holidayWhileServing(t, u) })
	}
}

func holidayWhileServing(t *testing.T, dbURL string) {
	seedDelivery(t, dbURL)
	fake := tgfake.New(tgfake.Options{})
	defer fake.Close()
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": dbURL, "DONDOC_NOW": serveNow, "DONDOC_TZ": "Asia/Ho_Chi_Minh",
		"REMIND_AT": "off", "ESCALATE_AT": "off", "WEEKLY_AT": "off", "MONTHLY_AT": "off",
		"TELEGRAM_BOT_TOKEN": fake.Token(), "TELEGRAM_API_ENDPOINT": fake.Endpoint(),
		"HTTP_ADDR": "127.0.0.1:0", "DONDOC_ENV_FILE": filepath.Join(dir, "none.env"), "LOG_LEVEL": "warn"}

	listening := make(chan string, 1)
	depsC := make(chan *jobs.Deps, 1)
	replaced := make(chan struct{}, 1)
	serveListening = func(addr string) { listening <- addr }
	serveJobDeps = func(d *jobs.Deps) { depsC <- d }
	calendarRefreshEvery, calendarReplaced = 10*time.Millisecond, func() {
		select {
		case replaced <- struct{}{}:
		default:
		}
	}
	t.Cleanup(func() {
		serveListening, serveJobDeps = func(string) {}, func(*jobs.Deps) {}
		calendarRefreshEvery, calendarReplaced = 30*time.Second, func() {}
	})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var errb bytes.Buffer
	go func() {
		done <- Run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, &errb)
	}()
	var deps *jobs.Deps
	var addr string
	for deps == nil || addr == "" {
		select {
		case deps = <-depsC:
		case addr = <-listening:
		case code := <-done:
			t.Fatalf("serve exited %d: %s", code, errb.String())
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not start")
		}
	}
	now, _ := time.Parse(time.RFC3339, serveNow)
	days := func() map[string]int {
		t.Helper()
		out := map[string]int{}
		_, err := deps.PlanDigests(ctx, now, func(e notify.Entry) {
			for i, m := range overdueDays.FindAllStringSubmatch(e.Message.Text, -1) {
				n, _ := strconv.Atoi(m[1])
				out[e.Key+"#"+strconv.Itoa(i)] = n
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := days()
	if len(before) == 0 {
		t.Fatal("no overdue dossier in the digests")
	}

	// Wednesday 25/11/2026, the day before, becomes a day off.
	hol := filepath.Join(dir, "nghi.csv")
	writeFile(t, hol, "Ngày,Loại,Tên,Căn cứ\n25/11/2026,nghỉ,Nghỉ thử,Thông báo thử\n")
	if code, out, errs := runWith(t, env, "import", "holidays", hol); code != 0 {
		t.Fatalf("import holidays: %d %s %s", code, out, errs)
	}
	select {
	case <-replaced:
	case <-time.After(30 * time.Second):
		t.Fatal("the running serve did not pick up the imported holiday")
	}
	after := days()
	fewer := 0
	for k, n := range before {
		switch after[k] {
		case n - 1:
			fewer++
		case n:
		default:
			t.Errorf("%s: %d working days overdue, then %d", k, n, after[k])
		}
	}
	t.Logf("%d overdue items, %d count a day fewer", len(before), fewer)
	if fewer == 0 {
		t.Errorf("no digest counts a day fewer after the import: before %v after %v", before, after)
	}

	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "dondoc_calendar_next_tet_unofficial 1") {
		t.Errorf("/metrics does not show that Tết 2027 is not official")
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exit %d: %s", code, errb.String())
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

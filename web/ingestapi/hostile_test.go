package ingestapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
	"github.com/dondoc/dondoc/web/ingestapi"
)

// ndjsonRows streams n valid dossier lines (codes prefix1, prefix2, ...)
// without holding them in memory.
type ndjsonRows struct {
	prefix string
	n, i   int
	buf    strings.Builder
	pad    string
}

func (g *ndjsonRows) Read(b []byte) (int, error) {
	for g.buf.Len() < len(b) && g.i < g.n {
		g.i++
		fmt.Fprintf(&g.buf, `{"ma_ho_so":"%s%d","ma_don_vi":"U1","ma_can_bo":"cv.a","ngay_tiep_nhan":"02/03/2026","ngay_hen_tra":"16/03/2026","trang_thai":2,"linh_vuc":"%s"}`+"\n", g.prefix, g.i, g.pad)
	}
	if g.buf.Len() == 0 {
		return 0, io.EOF
	}
	s := g.buf.String()
	n := copy(b, s)
	g.buf.Reset()
	g.buf.WriteString(s[n:])
	return n, nil
}

// send posts body; chunked when length < 0.
func send(t *testing.T, ts *httptest.Server, path string, body io.Reader, length int64) (int, ingestapi.Response) {
	t.Helper()
	req, err := http.NewRequest("POST", ts.URL+path, io.NopCloser(body))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = length
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out ingestapi.Response
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("response is not JSON: %v", err)
	}
	return resp.StatusCode, out
}

func count(t *testing.T, s *store.Store) int {
	t.Helper()
	n, err := s.CountDossiers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// The 70 MB chunked NDJSON body: 413, stored false, and not one of
// its rows in the database (the body is spooled and measured first).
func TestChunkedBodyOverTheCapStoresNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ts := server(t, s, ingestapi.Options{Token: token})
		rows := &ndjsonRows{prefix: "BIG", n: 70 << 20 / 180, pad: strings.Repeat("x", 20)}
		code, resp := send(t, ts, "/api/v1/import/dossiers", rows, -1)
		if code != http.StatusRequestEntityTooLarge || resp.Stored || resp.Inserted+resp.Updated+resp.Unchanged != 0 {
			t.Fatalf("status %d, %+v; want 413 with nothing stored", code, resp)
		}
		want := "request: từ chối tệp: nội dung gửi lên lớn quá 64 MB (giới hạn dung lượng yêu cầu, đặt bằng INGEST_MAX_BODY_BYTES)"
		if !strings.HasPrefix(resp.Error, want) {
			t.Errorf("error %q, want prefix %q", resp.Error, want)
		}
		if n := count(t, s); n != 0 {
			t.Errorf("%d dossiers stored after a 413", n)
		}
	})
}

// Whatever the answer, stored and the counts are what the database holds.
func TestAnswersTellTheTruth(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ts := server(t, s, ingestapi.Options{Token: token, MaxBytes: 256 << 10, Limits: ingestLimits})
		good := func(prefix string, n int) func() io.Reader {
			return func() io.Reader { return &ndjsonRows{prefix: prefix, n: n} }
		}
		for _, c := range []struct {
			name    string
			path    string
			body    func() io.Reader
			chunked bool
			status  int
			stored  bool
		}{
			{"all good", "", good("A", 50), true, http.StatusOK, true},
			{"under the cap, with a length", "", good("B", 100), false, http.StatusOK, true},
			{"over the cap, with a length", "", good("C", 5000), false, http.StatusRequestEntityTooLarge, false},
			{"over the cap, chunked", "", good("D", 5000), true, http.StatusRequestEntityTooLarge, false},
			{"good rows then a broken line", "", func() io.Reader {
				return io.MultiReader(&ndjsonRows{prefix: "E", n: 20}, strings.NewReader("{\"ma_ho_so\": \n"))
			}, true, http.StatusOK, true},
			{"atomic with a rejected row", "?atomic=1", func() io.Reader {
				return io.MultiReader(&ndjsonRows{prefix: "F", n: 20}, strings.NewReader(`{"ma_ho_so":"F0","ngay_tiep_nhan":"31/02/2026","ngay_hen_tra":"16/03/2026","trang_thai":2}`+"\n"))
			}, true, http.StatusUnprocessableEntity, false},
			{"more rows than allowed", "", good("G", 300), true, http.StatusRequestEntityTooLarge, true},
			{"atomic, more rows than allowed", "?atomic=1", good("H", 300), true, http.StatusRequestEntityTooLarge, false},
			{"a value longer than a cell", "", func() io.Reader {
				return strings.NewReader(`{"ma_ho_so":"I1","ten_tthc":"` + strings.Repeat("x", 5000) + `","ngay_tiep_nhan":"02/03/2026","ngay_hen_tra":"16/03/2026","trang_thai":2}` + "\n")
			}, true, http.StatusRequestEntityTooLarge, false},
			{"a field over its cap", "", func() io.Reader {
				return io.MultiReader(&ndjsonRows{prefix: "J", n: 3}, strings.NewReader(`{"ma_ho_so":"J0","ten_tthc":"`+strings.Repeat("x", 1500)+`","ngay_tiep_nhan":"02/03/2026","ngay_hen_tra":"16/03/2026","trang_thai":2}`+"\n"))
			}, true, http.StatusOK, true},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := count(t, s)
				var length int64 = -1
				if !c.chunked {
					b, _ := io.ReadAll(c.body())
					length = int64(len(b))
				}
				code, resp := send(t, ts, "/api/v1/import/dossiers"+c.path, c.body(), length)
				if code != c.status || resp.Stored != c.stored {
					t.Fatalf("status %d, stored %v (%s %s); want %d, %v", code, resp.Stored, resp.Summary, resp.Error, c.status, c.stored)
				}
				if got := count(t, s) - before; got != resp.Inserted {
					t.Errorf("the answer says %d inserted, the database gained %d", resp.Inserted, got)
				}
				if !resp.Stored && resp.Inserted+resp.Updated != 0 {
					t.Errorf("stored false with counts %+v", resp)
				}
			})
		}
	})
}

// ingestLimits keep the requests of TestAnswersTellTheTruth small.
var ingestLimits = ingest.Limits{MaxRows: 200, MaxCellChars: 4000}

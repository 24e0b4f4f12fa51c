package ingestapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
	"github.com/dondoc/dondoc/web"
	"github.com/dondoc/dondoc/web/ingestapi"
)

const token = "s3cret-token"

func server(t *testing.T, s *store.Store, opt ingestapi.Options) *httptest.Server {
	t.Helper()
	opt.Store = s
	opt.Log = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := web.New(web.Options{})
	srv.Handle("POST /api/v1/import/{kind}", ingestapi.NewImportHandler(opt))
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	ctx := context.Background()
	if err := s.UpsertUnits(ctx, []models.Unit{{Code: "U1", Name: "Xã Một"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertOfficers(ctx, []models.Officer{{Code: "cv.a", Name: "Nguyễn Văn A", UnitCode: "U1", Active: true}}); err != nil {
		t.Fatal(err)
	}
	return ts
}

func post(t *testing.T, ts *httptest.Server, path, auth, contentType, body string) (int, ingestapi.Response) {
	t.Helper()
	req, err := http.NewRequest("POST", ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out ingestapi.Response
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: response is not JSON: %v: %s", path, err, b)
	}
	return resp.StatusCode, out
}

const twoGood = `[
 {"ma_ho_so": "H1", "ma_don_vi": "U1", "ma_can_bo": "cv.a", "ngay_tiep_nhan": "2026-03-02T08:00:00+07:00", "ngay_hen_tra": "16/03/2026", "trang_thai": 2, "chu_ho_so": "Lê Văn Riêng"},
 {"ma_ho_so": "H2", "ma_don_vi": "U1", "ma_can_bo": "cv.a", "ngay_tiep_nhan": "02/03/2026", "ngay_hen_tra": "16/03/2026", "trang_thai": "Đang xử lý"}
]`

func TestAuthorisation(t *testing.T) {
	s := storetest.OpenSQLite(t)
	ts := server(t, s, ingestapi.Options{Token: token})
	for _, auth := range []string{"", "Bearer wrong", "Basic " + token, "Bearer " + token + "x", token} {
		code, resp := post(t, ts, "/api/v1/import/dossiers", auth, "application/json", twoGood)
		if code != http.StatusUnauthorized || resp.Error == "" {
			t.Errorf("Authorization %q: status %d, %+v; want 401", auth, code, resp)
		}
	}
	if n, _ := s.CountDossiers(context.Background()); n != 0 {
		t.Errorf("unauthorised requests stored %d dossiers", n)
	}
	if code, _ := post(t, ts, "/api/v1/import/dossiers", "Bearer "+token, "", twoGood); code != http.StatusOK {
		t.Errorf("right token: status %d", code)
	}

	off := server(t, storetest.OpenSQLite(t), ingestapi.Options{Token: ""})
	if code, _ := post(t, off, "/api/v1/import/dossiers", "Bearer ", "", twoGood); code != http.StatusNotFound {
		t.Errorf("empty INGEST_TOKEN: status %d, want 404 (API off)", code)
	}
	if code, _ := post(t, ts, "/api/v1/import/people", "Bearer "+token, "", twoGood); code != http.StatusNotFound {
		t.Errorf("unknown kind: status %d, want 404", code)
	}
}

func TestBodyTooLarge(t *testing.T) {
	s := storetest.OpenSQLite(t)
	ts := server(t, s, ingestapi.Options{Token: token, MaxBytes: 200})
	code, resp := post(t, ts, "/api/v1/import/dossiers", "Bearer "+token, "application/json", twoGood)
	if code != http.StatusRequestEntityTooLarge || resp.Error == "" {
		t.Errorf("status %d, %+v; want 413", code, resp)
	}
	// Without a Content-Length the cap still holds.
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/import/dossiers", io.MultiReader(strings.NewReader(twoGood)))
	req.ContentLength = -1
	req.Header.Set("Authorization", "Bearer "+token)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked body: status %d, want 413", r.StatusCode)
	}
}

func TestMalformedJSON(t *testing.T) {
	s := storetest.OpenSQLite(t)
	ts := server(t, s, ingestapi.Options{Token: token})
	for name, body := range map[string]string{
		"not json":       "hello",
		"object":         `{"ma_ho_so": "H1"}x`,
		"broken element": `[{"ma_ho_so": "H1", `,
	} {
		code, resp := post(t, ts, "/api/v1/import/dossiers", "Bearer "+token, "application/json", body)
		if code != http.StatusBadRequest && !(code == http.StatusOK && resp.Rejected > 0) {
			t.Errorf("%s: status %d, %+v; want 400 (or the row rejected)", name, code, resp)
		}
	}
	code, resp := post(t, ts, "/api/v1/import/dossiers", "Bearer "+token, "application/json", `[{"ma_ho_so": "H1"`)
	if code != http.StatusBadRequest || resp.Error == "" {
		t.Errorf("truncated array: status %d, %+v; want 400 with an error", code, resp)
	}
}

func TestPartialAcceptanceAndIdempotence(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ts := server(t, s, ingestapi.Options{Token: token})
		body := strings.TrimSuffix(twoGood, "]") + `, {"ma_ho_so": "H3", "ngay_tiep_nhan": "31/02/2026", "ngay_hen_tra": "16/03/2026", "trang_thai": 2}]`
		code, resp := post(t, ts, "/api/v1/import/dossiers", "Bearer "+token, "application/json", body)
		if code != http.StatusOK || resp.Inserted != 2 || resp.Rejected != 1 || !resp.Stored || resp.ErrorsTotal != 1 {
			t.Fatalf("partial: status %d, %+v", code, resp)
		}
		e := resp.Errors[0]
		if e.Line != 3 || e.Field != "ngay_tiep_nhan" || e.Value != "31/02/2026" || e.Reason != "is not a date" {
			t.Errorf("row error: %+v", e)
		}
		code, resp = post(t, ts, "/api/v1/import/dossiers", "Bearer "+token, "application/json", body)
		if code != http.StatusOK || resp.Summary != "inserted 0, updated 0, unchanged 2, rejected 1" {
			t.Errorf("again: status %d, %q", code, resp.Summary)
		}
		nd := `{"ma_ho_so": "H1", "ma_don_vi": "U1", "ma_can_bo": "cv.a", "ngay_tiep_nhan": "2026-03-02T08:00:00+07:00", "ngay_hen_tra": "17/03/2026", "trang_thai": 2, "chu_ho_so": "Lê Văn Riêng"}
{"ma_ho_so": "H4", "ma_don_vi": "U1", "ma_can_bo": "cv.x", "ngay_tiep_nhan": "02/03/2026", "ngay_hen_tra": "16/03/2026", "trang_thai": 2}
`
		code, resp = post(t, ts, "/api/v1/import/dossiers", "Bearer "+token, "application/x-ndjson", nd)
		if code != http.StatusOK || resp.Summary != "inserted 1, updated 1, unchanged 0, rejected 0, warnings 1" || resp.Unassigned != 1 {
			t.Errorf("NDJSON update: status %d, %+v", code, resp)
		}
		code, resp = post(t, ts, "/api/v1/import/dossiers?atomic=1", "Bearer "+token, "", body)
		if code != http.StatusUnprocessableEntity || resp.Stored {
			t.Errorf("atomic with a bad row: status %d, %+v", code, resp)
		}
		d, err := s.Dossier(context.Background(), "H1")
		if err != nil || d.DueAt.In(models.UTC7).Day() != 17 {
			t.Errorf("H1 after the atomic failure: due %v, %v (want the NDJSON's 17/03)", d.DueAt, err)
		}
	})
}

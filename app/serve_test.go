package app

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServeMountsEverything runs dondoc serve in-process on the demo
// database (no chat platform) and checks what it serves over HTTP: health,
// readiness, metrics, the public pages and the ingest API.
func TestServeMountsEverything(t *testing.T) {
	env, _ := demoDB(t)
	env["HTTP_ADDR"], env["INGEST_TOKEN"] = "127.0.0.1:0", "t0ken"
	var errb bytes.Buffer
	base, stop := serveInTest(t, context.Background(), env, &errb, 2*time.Minute)
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, c := range []struct {
		path, want string
		code       int
	}{
		{"/healthz", "ok", 200},
		{"/readyz", "ready", 200},
		{"/metrics", "go_goroutines", 200},
		{"/cong-khai/", "2026", 200},
		{"/cong-khai/2026-10", "Xếp hạng", 200},
	} {
		if code, body := get(c.path); code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("GET %s = %d, %.200q; want %d containing %q", c.path, code, body, c.code, c.want)
		}
	}
	post := func(token string) int {
		req, _ := http.NewRequest("POST", base+"/api/v1/import/holidays", strings.NewReader(`[{"ngay":"2026-12-31","loai":"nghỉ","ten":"Nghỉ thử"}]`))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(""); code != http.StatusUnauthorized {
		t.Errorf("ingest API without a token = %d, want 401", code)
	}
	if code := post("t0ken"); code != http.StatusOK {
		t.Errorf("ingest API with the token = %d, want 200", code)
	}
	if code, stopped := stop(); !stopped {
		t.Fatal("serve did not stop")
	} else if code != 0 {
		t.Errorf("serve exited %d: %s", code, errb.String())
	}
}

package loadgen

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestRunPostsEveryUpdateOnceWithTheSecret(t *testing.T) {
	var mu sync.Mutex
	seen := map[int64]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Telegram-Bot-Api-Secret-Token") != "s" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		var u struct {
			UpdateID int64 `json:"update_id"`
			Message  struct {
				Text string `json:"text"`
				Chat struct{ Type string }
			}
		}
		if err := json.NewDecoder(r.Body).Decode(&u); err != nil || u.Message.Text != "/quahan" || u.Message.Chat.Type != "private" {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		mu.Lock()
		seen[u.UpdateID] = true
		mu.Unlock()
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Options{URL: srv.URL, Secret: "s", Count: 100, FirstID: 10,
		Update: func(i int) map[string]any { return Message(time.Unix(1795000000, 0), 7, 7, i, "/quahan") }})
	if err != nil || res.Posted != 100 || res.Failed != 0 || len(seen) != 100 || !seen[10] || !seen[109] || res.Rate() <= 0 {
		t.Fatalf("%+v %v, %d distinct", res, err, len(seen))
	}
	res, err = Run(context.Background(), Options{URL: srv.URL, Secret: "wrong", Count: 3,
		Update: func(i int) map[string]any { return Message(time.Unix(1795000000, 0), 7, 7, i, "/quahan") }})
	if err == nil || res.Failed != 3 {
		t.Errorf("wrong secret: %+v %v", res, err)
	}
}

package fakeserver

import (
	"net/http"
	"time"
)

// Fault is an injected failure of one call of a fake platform.
type Fault struct {
	Status      int // 0 with Delay: answer normally after the delay
	Body        string
	ContentType string // default application/json
	Delay       time.Duration
}

// Write answers with the fault.
func (f Fault) Write(w http.ResponseWriter) {
	ct := f.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
}

// Serve plays the fault (none when f is nil) on a request: it waits the
// Delay, then answers with the fault when it has a Status. It reports
// whether the request is done with (answered, or gone during the delay);
// otherwise the caller answers normally.
func (f *Fault) Serve(w http.ResponseWriter, r *http.Request) (done bool) {
	if f == nil {
		return false
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true
		}
	}
	if f.Status != 0 {
		f.Write(w)
		return true
	}
	return false
}

// BadGateway is not the platform's: a reverse proxy's 502 HTML page in
// front of it.
func BadGateway() Fault {
	return Fault{Status: 502, ContentType: "text/html",
		Body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"}
}

// Delay answers normally after d (or not at all if the client gives up
// first).
func Delay(d time.Duration) Fault { return Fault{Delay: d} }

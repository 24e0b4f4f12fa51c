package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// logSink is where a serve run by a test writes its logs (a bytes.Buffer,
// a bottest.Logs): read back in failure messages.
type logSink interface {
	io.Writer
	fmt.Stringer
}

// serveInTest runs dondoc serve (in this process) with env until stop (or the end of ctx) and
// returns once it listens, with its base URL (http://host:port). serve
// exiting first, or not listening within wait, fails the test. stop cancels
// serve and returns its exit status, or stopped=false when it did not stop
// within wait.
func serveInTest(t testing.TB, ctx context.Context, env map[string]string, logs logSink, wait time.Duration) (base string, stop func() (code int, stopped bool)) {
	t.Helper()
	listening := make(chan string, 1)
	serveListening = func(addr string) { listening <- addr }
	t.Cleanup(func() { serveListening = func(string) {} })
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, logs)
	}()
	select {
	case addr := <-listening:
		base = "http://" + addr
	case code := <-done:
		cancel()
		t.Fatalf("serve exited %d: %s", code, logs)
	case <-time.After(wait):
		cancel()
		t.Fatalf("serve did not start: %s", logs)
	}
	return base, func() (int, bool) {
		cancel()
		select {
		case code := <-done:
			return code, true
		case <-time.After(wait):
			return 0, false
		}
	}
}

package bottest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/models"
)

// Wait bounds how long a test waits for an adapter's asynchronous work.
const Wait = 5 * time.Second

// Adapter is a chat adapter that polls for updates and replies to them
// (*telegram.Bot, *zalo.Bot).
type Adapter interface {
	bot.Responder
	Run(ctx context.Context, handler func(context.Context, bot.Update)) error
}

// Run starts a's polling loop, dispatching to r, and stops it when the
// test ends; the loop must stop within Wait and without an error.
func Run(t testing.TB, a Adapter, r *bot.Router) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, func(ctx context.Context, u bot.Update) { r.Dispatch(ctx, u, a) }) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(Wait):
			t.Error("Run did not stop after cancel")
		}
	})
}

// Directory links user leaderID of platform to leader LD1 (Trần Thị Bình)
// of unit P1 (Phòng Một), and binds group groupID to P1.
func Directory(platform, leaderID, groupID string) *bot.MemDirectory {
	d := bot.NewMemDirectory()
	d.Link(platform, leaderID, bot.Person{OfficerCode: "LD1", Name: "Trần Thị Bình", UnitCode: "P1", Role: models.RoleLeader})
	d.Bind(platform, groupID, bot.GroupBinding{UnitCode: "P1", UnitName: "Phòng Một"})
	return d
}

// Logger returns a text logger at level writing into a new Logs.
func Logger(level slog.Level) (*slog.Logger, *Logs) {
	logs := &Logs{}
	return slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: level})), logs
}

// PollDefaults gives a test's adapter a short long-poll (2 s) and a fast
// backoff (10 ms) where the test left them zero.
func PollDefaults(timeout *time.Duration, backoff *func(attempt int) time.Duration) {
	if *timeout == 0 {
		*timeout = 2 * time.Second
	}
	if *backoff == nil {
		*backoff = func(int) time.Duration { return 10 * time.Millisecond }
	}
}

// Start returns the adapter that create builds, failing the test when it
// cannot.
func Start[A any](t testing.TB, create func(context.Context) (A, error)) A {
	t.Helper()
	a, err := create(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

package zalooa_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dondoc/dondoc/bot/zalooa"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// gatedTokens signals each replica's arrival at the database lock.
type gatedTokens struct {
	store.OATokens
	arrived chan<- struct{}
}

func (g gatedTokens) RefreshOAToken(ctx context.Context, appID, seed string, now time.Time,
	fn func(context.Context, store.OAToken) (store.OAToken, error)) (store.OAToken, error) {
	g.arrived <- struct{}{}
	return g.OATokens.RefreshOAToken(ctx, appID, seed, now, fn)
}

func send(t *testing.T, b *zalooa.Bot, user, text string) error {
	t.Helper()
	return b.Send(context.Background(), notify.Message{Platform: zalooa.Platform, ChatID: user, Text: text})
}

// TestTokenRace: two replicas (two adapters on one database) needing a
// token at the same moment make exactly one refresh call, and both use the
// new token; the single-use refresh token that replaced the first is in
// the database. 25 hours later, the same again.
func TestTokenRace(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		e := newOEnv(t, st)
		arrived := make(chan struct{}, 4)
		a, b := e.newBot(gatedTokens{st.OATokens(), arrived}), e.newBot(gatedTokens{st.OATokens(), arrived})

		race := func(round int) {
			t.Helper()
			started, release := e.fake.HoldRefresh()
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, r := range []*zalooa.Bot{a, b} {
				wg.Add(1)
				go func() { defer wg.Done(); errs[i] = r.EnsureToken(context.Background()) }()
			}
			<-arrived
			<-arrived // both replicas are at the lock
			<-started // one holds it and is at the token endpoint
			release()
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("round %d, replica %d: %v", round, i, err)
				}
			}
			if n := e.fake.RefreshCalls(); n != round {
				t.Fatalf("round %d: %d refresh calls in all, want %d", round, n, round)
			}
			for i, r := range []*zalooa.Bot{a, b} {
				if err := send(t, r, "2468000000000000009", "Kiểm tra"); err != nil {
					t.Fatalf("round %d, replica %d cannot send: %v", round, i, err)
				}
			}
			if n := e.fake.RefreshCalls(); n != round {
				t.Fatalf("round %d: sending refreshed again (%d calls)", round, n)
			}
		}
		race(1)
		tok, ok, err := st.OATokens().LoadOAToken(context.Background(), e.fake.AppID())
		if err != nil || !ok || tok.RefreshToken != "rt-1" || tok.AccessToken != "at-1" {
			t.Fatalf("stored after the first refresh: ok=%v err=%v refresh=%q", ok, err, tok.RefreshToken)
		}
		if want := e.now.Add(90000 * time.Second); !tok.AccessExpires.Equal(want) {
			t.Errorf("access token expires %v, want %v", tok.AccessExpires, want)
		}
		// Not yet due: no call. Due (within the hour before expiry): one.
		e.clock.Advance(20 * time.Hour)
		if err := a.EnsureToken(context.Background()); err != nil || e.fake.RefreshCalls() != 1 {
			t.Fatalf("20 h later: %v, %d calls", err, e.fake.RefreshCalls())
		}
		e.clock.Advance(4*time.Hour + 30*time.Minute)
		race(2)
		if tok, _, _ := st.OATokens().LoadOAToken(context.Background(), e.fake.AppID()); tok.RefreshToken != "rt-2" {
			t.Errorf("stored refresh token %q, want rt-2", tok.RefreshToken)
		}
	})
}

// TestTokenErrors: 219 and 223 stop the channel at once, reported by
// Ready, without a refresh; a refused refresh token stops it after one
// call, never looping; a replica configured with a new refresh token
// restarts the stopped ones through the database; a 216 on a message gets
// one refresh and the message goes. A stopped channel keeps messages
// pending (a long RateLimited) and touches no link.
func TestTokenErrors(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		const user = "2468000000000000010"
		e := newOEnv(t, st)
		stops := func() int {
			return strings.Count(e.logs.String(), "level=ERROR msg=\"zalooa: the Zalo OA channel stops")
		}
		for i, code := range []int{-219, -223} {
			b := e.newBotSeeded(st.OATokens(), e.fake.IssueRefreshToken())
			if err := send(t, b, user, "a"); err != nil {
				t.Fatal(err)
			}
			calls := e.fake.RefreshCalls()
			e.fake.SetAPIError(code)
			for range 3 {
				err := send(t, b, user, "b")
				var se *notify.SendError
				if !errors.As(err, &se) || se.Class != notify.RateLimited || se.RetryAfter < time.Minute {
					t.Fatalf("%d: %v, want a long RateLimited (pending)", code, err)
				}
			}
			var te *zalooa.TokenError
			if err := b.Ready(); !errors.As(err, &te) || te.Code != code || !strings.Contains(err.Error(), "ZALO_OA_REFRESH_TOKEN") {
				t.Errorf("%d: Ready() = %v", code, err)
			}
			if n := e.fake.RefreshCalls(); n != calls {
				t.Errorf("%d: %d refresh calls after a token error, want none", code, n-calls)
			}
			if n := stops(); n != i+1 {
				t.Errorf("%d: %d stops logged, want %d", code, n, i+1)
			}
			e.fake.SetAPIError(0)
		}

		// The refresh token refused: one call, then the channel is stopped.
		e.fake.SetRefreshError(-14014)
		stopped := e.newBotSeeded(st.OATokens(), e.fake.IssueRefreshToken())
		calls := e.fake.RefreshCalls()
		for range 3 {
			if err := send(t, stopped, user, "c"); zalooa.Classify(err).Class != notify.RateLimited {
				t.Fatalf("refused refresh token: %v\n%s", err, e.logs.String())
			}
		}
		if n := e.fake.RefreshCalls() - calls; n != 1 || stopped.Ready() == nil {
			t.Errorf("refused refresh token: %d calls, Ready() = %v", n, stopped.Ready())
		}
		// A replica configured with a new refresh token works; the stopped
		// one finds the new access token in the database and sends again.
		e.fake.SetRefreshError(0)
		fixed := e.newBotSeeded(st.OATokens(), e.fake.IssueRefreshToken())
		if err := send(t, fixed, user, "d"); err != nil {
			t.Fatalf("a replica with a new refresh token: %v", err)
		}
		calls = e.fake.RefreshCalls()
		if err := send(t, stopped, user, "e"); err != nil || stopped.Ready() != nil || e.fake.RefreshCalls() != calls {
			t.Errorf("the stopped replica did not recover from the database: %v, %v", err, stopped.Ready())
		}

		// 216 on a message: one refresh, then the message goes.
		e.fake.ExpireAccessTokens()
		if err := send(t, fixed, user, "f"); err != nil {
			t.Fatalf("after 216: %v", err)
		}
		if n := e.fake.RefreshCalls() - calls; n != 1 {
			t.Errorf("216: %d refresh calls, want 1", n)
		}
		if strings.Contains(e.logs.String(), "rt-") || strings.Contains(e.logs.String(), "at-1") {
			t.Error("a token reached the log")
		}
	})
}

// TestRunKeepsTheTokenFresh: with nothing to send, Run refreshes the
// access token an hour before it expires (so the single-use refresh
// token never lapses), once per 24 hours.
func TestRunKeepsTheTokenFresh(t *testing.T) {
	e := newOEnv(t, storetest.OpenSQLite(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.bot.Run(ctx) }()
	defer func() { cancel(); <-done }()
	for hour := 0; hour <= 49; hour++ {
		if err := e.clock.BlockUntilContext(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if want := 1 + hour/24; e.fake.RefreshCalls() != want {
			t.Fatalf("after %d h: %d refresh calls, want %d", hour, e.fake.RefreshCalls(), want)
		}
		e.clock.Advance(time.Hour)
	}
}

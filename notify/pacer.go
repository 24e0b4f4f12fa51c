package notify

import (
	"context"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Pacer keeps the sending limits of every platform for one process: the
// dispatcher takes its turns from it, and so do the bot's replies to
// commands (PacedResponder in app), so that a secretariat importing a file
// by chat while the morning digest goes out never makes dondoc exceed a
// chat's limit. Safe for concurrent use.
type Pacer struct {
	mu        sync.Mutex
	limits    map[string]Limits
	platforms map[string]*platformState
	maxChats  int
	clock     clockwork.Clock
}

// NewPacer returns a pacer with limits by platform (a platform missing
// from the map gets TelegramLimits(), a present zero Limits means
// unlimited) on clock (nil: the real clock).
func NewPacer(limits map[string]Limits, clock clockwork.Clock) *Pacer {
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	return &Pacer{limits: limits, platforms: map[string]*platformState{}, maxChats: 10000, clock: clock}
}

// platform returns the state of a platform; call with p.mu held.
func (p *Pacer) platform(name string) *platformState {
	ps, ok := p.platforms[name]
	if !ok {
		l, ok := p.limits[name]
		if !ok {
			l = TelegramLimits()
		}
		ps = newPlatformState(l)
		p.platforms[name] = ps
	}
	return ps
}

// Reserve takes the next turn to send one message to chat on platform and
// returns how long to wait before sending it.
func (p *Pacer) Reserve(platform, chat string) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	ps := p.platform(platform)
	c := ps.chat(chat, now, p.maxChats)
	at := ps.ready(c, now)
	return at.Sub(now) + ps.take(c, at)
}

// Wait takes the next turn to send to chat on platform and waits for it;
// it returns ctx's error when ctx ends first (the turn is spent).
func (p *Pacer) Wait(ctx context.Context, platform, chat string) error {
	wait := p.Reserve(platform, chat)
	if wait <= 0 {
		return ctx.Err()
	}
	t := p.clock.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.Chan():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// RateLimited records a 429 from platform for chat: every sender of the
// chat (and of the platform, on a flood) pauses for d.
func (p *Pacer) RateLimited(platform, chat string, d time.Duration) (global bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	ps := p.platform(platform)
	return ps.rateLimited(chat, ps.chat(chat, now, p.maxChats), now, d)
}

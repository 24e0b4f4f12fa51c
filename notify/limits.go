package notify

import (
	"math"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Limits are one platform's sending limits. A zero rate means unlimited.
type Limits struct {
	PerSecond        float64                  // whole platform (Telegram: 30)
	Burst            int                      // whole platform burst; 0 means 1
	PerChatPerSecond float64                  // one chat (Telegram: 1)
	GroupPerMinute   float64                  // one group chat (Telegram: 20)
	IsGroup          func(chatID string) bool // nil: a chat id starting with "-" (Telegram)
}

// TelegramLimits are the limits Telegram's FAQ states.
func TelegramLimits() Limits {
	return Limits{PerSecond: 30, PerChatPerSecond: 1, GroupPerMinute: 20}
}

func newLimiter(perSecond float64, burst int) *rate.Limiter {
	if perSecond <= 0 {
		return nil
	}
	if burst < 1 {
		burst = 1
	}
	return rate.NewLimiter(rate.Limit(perSecond), burst)
}

// readyAt is the first instant at which l has a token, given now.
func readyAt(l *rate.Limiter, now time.Time) time.Time {
	if l == nil {
		return now
	}
	tok := l.TokensAt(now)
	if tok >= 1 {
		return now
	}
	return now.Add(time.Duration(math.Ceil((1 - tok) / float64(l.Limit()) * float64(time.Second))))
}

// reserve takes a token from l at now and returns how long to wait for it.
func reserve(l *rate.Limiter, now time.Time) time.Duration {
	if l == nil {
		return 0
	}
	return l.ReserveN(now, 1).DelayFrom(now)
}

// idle reports whether l is full at now, so forgetting it loses nothing.
func idle(l *rate.Limiter, now time.Time) bool {
	return l == nil || l.TokensAt(now) >= float64(l.Burst())
}

type chatState struct {
	chat, group *rate.Limiter
	pausedUntil time.Time
}

type platformState struct {
	limits      Limits
	all         *rate.Limiter
	pausedUntil time.Time
	floodChat   string    // last chat that got a 429
	floodUntil  time.Time // its pause
	chats       map[string]*chatState
}

func newPlatformState(l Limits) *platformState {
	if l.IsGroup == nil {
		l.IsGroup = func(chat string) bool { return strings.HasPrefix(chat, "-") }
	}
	return &platformState{limits: l, all: newLimiter(l.PerSecond, l.Burst), chats: map[string]*chatState{}}
}

// chat returns the state of one chat, forgetting idle chats when there are
// more than maxChats (an idle chat's limiters are full, like new ones).
func (p *platformState) chat(id string, now time.Time, maxChats int) *chatState {
	if c, ok := p.chats[id]; ok {
		return c
	}
	if len(p.chats) >= maxChats {
		for k, c := range p.chats {
			if idle(c.chat, now) && idle(c.group, now) && !c.pausedUntil.After(now) {
				delete(p.chats, k)
			}
		}
	}
	c := &chatState{chat: newLimiter(p.limits.PerChatPerSecond, 1)}
	if p.limits.GroupPerMinute > 0 && p.limits.IsGroup(id) {
		c.group = newLimiter(p.limits.GroupPerMinute/60, 1)
	}
	p.chats[id] = c
	return c
}

// base is the first instant the platform as a whole may send.
func (p *platformState) base(now time.Time) time.Time {
	t := readyAt(p.all, now)
	if p.pausedUntil.After(t) {
		t = p.pausedUntil
	}
	return t
}

// ready is the first instant a message may go to chat c.
func (p *platformState) ready(c *chatState, now time.Time) time.Time {
	t := now
	for _, u := range []time.Time{p.pausedUntil, c.pausedUntil, readyAt(p.all, now), readyAt(c.chat, now), readyAt(c.group, now)} {
		if u.After(t) {
			t = u
		}
	}
	return t
}

// take reserves a token from every limiter of chat c at now and returns how
// long to wait before sending (zero when ready was respected, barring rounding).
func (p *platformState) take(c *chatState, now time.Time) time.Duration {
	return max(reserve(p.all, now), reserve(c.chat, now), reserve(c.group, now))
}

// rateLimited pauses chat for d. A second chat of the platform getting a 429
// while another one is still paused is read as a global flood signal: the
// whole platform pauses too.
func (p *platformState) rateLimited(chat string, c *chatState, now time.Time, d time.Duration) (global bool) {
	until := now.Add(d)
	if until.After(c.pausedUntil) {
		c.pausedUntil = until
	}
	if p.floodChat != "" && p.floodChat != chat && p.floodUntil.After(now) {
		global = true
		if until.After(p.pausedUntil) {
			p.pausedUntil = until
		}
	}
	p.floodChat, p.floodUntil = chat, until
	return global
}

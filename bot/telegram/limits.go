package telegram

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits are Telegram's sending limits.
type Limits struct {
	PerChat     rate.Limit // messages a second to one chat
	ChatBurst   int        // sent at once before pacing starts (an interactive reply feels instant)
	PerGroup    rate.Limit // messages a second to one group
	GroupBurst  int
	Global      rate.Limit // messages a second overall
	GlobalBurst int
}

// DefaultLimits: about 1 message/s per chat, 20/min per group, 30/s overall.
var DefaultLimits = Limits{
	PerChat: 1, ChatBurst: 3,
	PerGroup: rate.Limit(20.0 / 60), GroupBurst: 3,
	Global: 30, GlobalBurst: 30,
}

type limiter struct {
	l      Limits
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) bool
	global *rate.Limiter
	mu     sync.Mutex
	chats  map[int64]*rate.Limiter
	groups map[int64]*rate.Limiter
	calls  int
}

// sweepEvery: a chat's limiter with a full bucket is as good as a new one,
// so every so many sends those are dropped and the maps stay as small as
// the chats recently written to.
const sweepEvery = 256

func (l *limiter) sweepLocked() {
	for id, c := range l.chats {
		if c.Tokens() >= float64(l.l.ChatBurst) {
			delete(l.chats, id)
		}
	}
	for id, g := range l.groups {
		if g.Tokens() >= float64(l.l.GroupBurst) {
			delete(l.groups, id)
		}
	}
}

// size is how many per-chat limiters are kept.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.chats) + len(l.groups)
}

func newLimiter(l Limits, now func() time.Time, sleep func(context.Context, time.Duration) bool) *limiter {
	return &limiter{l: l, now: now, sleep: sleep, global: rate.NewLimiter(l.Global, l.GlobalBurst),
		chats: map[int64]*rate.Limiter{}, groups: map[int64]*rate.Limiter{}}
}

func (l *limiter) wait(ctx context.Context, chat int64, group bool) error {
	l.mu.Lock()
	if l.calls++; l.calls%sweepEvery == 0 {
		l.sweepLocked()
	}
	c := l.chats[chat]
	if c == nil {
		c = rate.NewLimiter(l.l.PerChat, l.l.ChatBurst)
		l.chats[chat] = c
	}
	var g *rate.Limiter
	if group {
		if g = l.groups[chat]; g == nil {
			g = rate.NewLimiter(l.l.PerGroup, l.l.GroupBurst)
			l.groups[chat] = g
		}
	}
	l.mu.Unlock()
	for _, lim := range []*rate.Limiter{c, g, l.global} {
		if lim == nil {
			continue
		}
		// Reserved at the injected clock's time and waited with the injected
		// pacer, so tests see Telegram's real limits without waiting for them.
		now := l.now()
		if d := lim.ReserveN(now, 1).DelayFrom(now); d > 0 && !l.sleep(ctx, d) {
			return ctx.Err()
		}
	}
	return nil
}

package wecom

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits are how fast the bot writes. WeCom answers 45009 when a bot or an
// app sends too fast; these keep well under the limits its documents give
// for bots (20 messages a minute) so that errcode stays the exception.
type Limits struct {
	PerChat   rate.Limit // messages a second to one chat
	ChatBurst int
	Proactive rate.Limit // proactive messages a second for the whole bot
	ProBurst  int
}

// DefaultLimits: about 1 message/s per chat (a reply feels instant), and
// proactive sends at 20 a minute for the bot.
var DefaultLimits = Limits{PerChat: 1, ChatBurst: 3, Proactive: rate.Limit(20.0 / 60), ProBurst: 5}

type limiter struct {
	l     Limits
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) bool
	pro   *rate.Limiter
	mu    sync.Mutex
	chats map[string]*rate.Limiter
}

func newLimiter(l Limits, now func() time.Time, sleep func(context.Context, time.Duration) bool) *limiter {
	return &limiter{l: l, now: now, sleep: sleep, pro: rate.NewLimiter(l.Proactive, l.ProBurst), chats: map[string]*rate.Limiter{}}
}

// wait paces one message to chat; proactive ones also share the bot's limit.
// Reserved at the injected clock's time and waited with the injected pacer,
// so tests see the real limits without waiting for them.
func (l *limiter) wait(ctx context.Context, chat string, proactive bool) error {
	l.mu.Lock()
	if len(l.chats) > 1024 { // a full bucket is as good as a new one
		for id, c := range l.chats {
			if c.TokensAt(l.now()) >= float64(l.l.ChatBurst) {
				delete(l.chats, id)
			}
		}
	}
	c := l.chats[chat]
	if c == nil {
		c = rate.NewLimiter(l.l.PerChat, l.l.ChatBurst)
		l.chats[chat] = c
	}
	l.mu.Unlock()
	lims := []*rate.Limiter{c}
	if proactive {
		lims = append(lims, l.pro)
	}
	for _, lim := range lims {
		now := l.now()
		if d := lim.ReserveN(now, 1).DelayFrom(now); d > 0 && !l.sleep(ctx, d) {
			return ctx.Err()
		}
	}
	return nil
}

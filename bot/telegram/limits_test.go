package telegram

import (
	"context"
	"testing"
	"time"
)

// TestLimitersOfIdleChatsAreDropped: a thousand chats written to once do not
// each keep a limiter for ever; a full bucket is dropped at the next sweep.
func TestLimitersOfIdleChatsAreDropped(t *testing.T) {
	clock := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC) // the pacer moves it on; nobody waits
	l := newLimiter(Limits{PerChat: 1, ChatBurst: 3, PerGroup: 1, GroupBurst: 3, Global: 30, GlobalBurst: 30},
		func() time.Time { return clock }, func(_ context.Context, d time.Duration) bool { clock = clock.Add(d); return true })
	for i := int64(0); i < 1000; i++ {
		if err := l.wait(context.Background(), -i, true); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < sweepEvery; i++ { // a while of sends to one chat: the sweeps run
		if err := l.wait(context.Background(), 1, false); err != nil {
			t.Fatal(err)
		}
	}
	if n := l.size(); n > 2 {
		t.Fatalf("%d limiters kept for idle chats", n)
	}
}

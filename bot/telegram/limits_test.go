package telegram

import (
	"context"
	"testing"
	"time"
)

// TestLimitersOfIdleChatsAreDropped: a thousand chats written to once do not
// each keep a limiter for ever; a full bucket is dropped at the next sweep.
func TestLimitersOfIdleChatsAreDropped(t *testing.T) {
	l := newLimiter(Limits{PerChat: 1000, ChatBurst: 3, PerGroup: 1000, GroupBurst: 3, Global: 1e6, GlobalBurst: 1000})
	for i := int64(0); i < 1000; i++ {
		if err := l.wait(context.Background(), -i, true); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for l.size() > 2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d limiters kept for idle chats", l.size())
		}
		if err := l.wait(context.Background(), 1, false); err != nil { // sends to one chat trigger the sweeps
			t.Fatal(err)
		}
	}
}

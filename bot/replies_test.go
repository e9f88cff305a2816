package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
)

func TestReplyQueuesKeepOrderAndHandBackWhatWasNotSent(t *testing.T) {
	var mu sync.Mutex
	var sent []string
	gate := make(chan struct{})
	send := func(ctx context.Context, o Outgoing) error {
		if o.Chat.ID == "slow" {
			select { // a chat paced to a crawl: nothing goes out before the stop
			case <-gate:
			case <-ctx.Done():
				return fmt.Errorf("%w: %v", ErrNotSent, ctx.Err())
			}
		}
		mu.Lock()
		sent = append(sent, o.Chat.ID+":"+o.Text)
		mu.Unlock()
		return nil
	}
	q := NewReplyQueues(send, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for i := 0; i < 3; i++ {
		q.Add(Outgoing{Chat: Chat{ID: "slow"}, Text: fmt.Sprint(i)})
		q.Add(Outgoing{Chat: Chat{ID: "fast"}, Text: fmt.Sprint(i)})
	}
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(sent)
		mu.Unlock()
		if n == 3 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	left := q.Stop(50 * time.Millisecond)
	if len(sent) != 3 || sent[0] != "fast:0" || sent[2] != "fast:2" {
		t.Fatalf("sent %v: a slow chat held up a fast one", sent)
	}
	if len(left) != 3 || left[0].Text != "0" || left[2].Text != "2" {
		t.Fatalf("left %+v", left)
	}
	q.Add(Outgoing{Chat: Chat{ID: "late"}, Text: "x"}) // after the stop: kept, not lost
	if got := q.Stop(time.Millisecond); len(got) != 1 {
		t.Fatalf("late reply: %+v", got)
	}
}

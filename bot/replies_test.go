package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"testing"
	"time"

	"bangfu/bot/bottest"
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
	bottest.Eventually(2*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(sent) == 3
	})
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

type fakeJournal struct {
	mu                           sync.Mutex
	next                         uint64
	kept                         map[uint64]bool
	sending, waiting, done, logs []uint64
}

func (j *fakeJournal) Journal(o Outgoing) (uint64, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.next++
	j.kept[j.next] = true
	return j.next, nil
}
func (j *fakeJournal) Sending(o Outgoing) error {
	id := o.ReplyID
	j.mu.Lock()
	defer j.mu.Unlock()
	j.sending = append(j.sending, id)
	return nil
}

// state is what a restart would do with a journaled reply: "sending" ones
// are dropped (they may have gone out), "pending" ones are sent.
func (j *fakeJournal) state(id uint64) string {
	st := "pending"
	for _, s := range j.sending {
		if s == id {
			st = "sending"
		}
	}
	for _, w := range j.waiting {
		if w == id {
			st = "pending"
		}
	}
	return st
}

func (j *fakeJournal) Waiting(o Outgoing) error {
	id := o.ReplyID
	j.mu.Lock()
	defer j.mu.Unlock()
	j.waiting = append(j.waiting, id)
	return nil
}
func (j *fakeJournal) Done(o Outgoing) error {
	id := o.ReplyID
	j.mu.Lock()
	defer j.mu.Unlock()
	j.done = append(j.done, id)
	delete(j.kept, id)
	return nil
}

func TestWaitingRepliesAreJournaled(t *testing.T) {
	release := make(chan struct{}, 10)
	send := func(ctx context.Context, o Outgoing) error {
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("%w: %v", ErrNotSent, ctx.Err())
		}
	}
	j := &fakeJournal{kept: map[uint64]bool{}}
	q := NewReplyQueues(send, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	q.Journal = j
	for i := 0; i < 4; i++ {
		q.Add(Outgoing{Chat: Chat{ID: "c"}, Text: fmt.Sprint(i)})
	}
	release <- struct{}{} // the first two go out
	release <- struct{}{}
	// The third is handed over (marked sending) and waits for its turn.
	for deadline := time.Now().Add(5 * time.Second); ; {
		j.mu.Lock()
		n := len(j.sending)
		j.mu.Unlock()
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the journaled replies were never handed over")
		}
		runtime.Gosched()
	}
	left := q.Stop(20 * time.Millisecond)
	j.mu.Lock()
	defer j.mu.Unlock()
	// The first reply went straight out; the three behind it were journaled.
	// One was sent (marked sending: never sent again); the one interrupted
	// while waiting for its turn is unmarked; two go after the next start.
	resent := 0
	for id := uint64(1); id <= j.next; id++ {
		if j.state(id) == "pending" {
			resent++
		}
	}
	if j.next != 3 || resent != 2 || len(j.waiting) != 1 {
		t.Fatalf("journaled %d, %d to send after a restart, waiting %v, sending %v", j.next, resent, j.waiting, j.sending)
	}
	if len(left) != 0 {
		t.Fatalf("journaled replies handed back as well: %+v", left)
	}
}

// TestIdleChatsCostNothing: replies to a thousand parents each get their
// chat's queue and goroutine while on the way; once sent, none is kept.
func TestIdleChatsCostNothing(t *testing.T) {
	var mu sync.Mutex
	sent := 0
	done := make(chan struct{})
	const parents = 1000
	q := NewReplyQueues(func(ctx context.Context, o Outgoing) error {
		mu.Lock()
		defer mu.Unlock()
		if sent++; sent == parents {
			close(done)
		}
		return nil
	}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer q.Stop(time.Second)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()
	for i := 0; i < parents; i++ {
		q.Add(Outgoing{Platform: "t", Chat: Chat{ID: fmt.Sprint("parent-", i), Kind: Private}, Text: "本周成长"})
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%d of %d replies sent", sent, parents)
	}
	deadline := time.Now().Add(10 * time.Second)
	for q.Active() > 0 || runtime.NumGoroutine() > goroutines+2 {
		if time.Now().After(deadline) {
			t.Fatalf("after sending: %d chats still queued, %d goroutines (were %d)", q.Active(), runtime.NumGoroutine(), goroutines)
		}
		runtime.Gosched()
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("%d parents: heap %d KB before, %d KB after, goroutines %d", parents, before.HeapInuse/1024, after.HeapInuse/1024, runtime.NumGoroutine())
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 1<<20 {
		t.Fatalf("the heap kept %d KB for idle chats", grown/1024)
	}
}

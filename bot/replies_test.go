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
func (j *fakeJournal) Sending(id uint64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.sending = append(j.sending, id)
	return nil
}
func (j *fakeJournal) Waiting(id uint64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.waiting = append(j.waiting, id)
	return nil
}
func (j *fakeJournal) Done(id uint64) error {
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
	time.Sleep(50 * time.Millisecond)
	left := q.Stop(20 * time.Millisecond)
	j.mu.Lock()
	defer j.mu.Unlock()
	// The first reply went straight out; the three behind it were journaled,
	// one was sent and closed, two stay on disk for the next start.
	if j.next != 3 || len(j.done) != 1 || len(j.kept) != 2 {
		t.Fatalf("journaled %d, done %v, kept %v", j.next, j.done, j.kept)
	}
	if len(j.waiting) != 1 { // the one interrupted while waiting for its turn is unmarked
		t.Fatalf("waiting %v", j.waiting)
	}
	if len(left) != 0 {
		t.Fatalf("journaled replies handed back as well: %+v", left)
	}
}

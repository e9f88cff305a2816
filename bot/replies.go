package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// ErrNotSent wraps a send that was given up before anything reached the
// platform (the stop came while it waited for its turn), so the message can
// be kept for later without risk of sending it twice.
var ErrNotSent = errors.New("not sent")

// ReplyQueues sends interactive replies in order, one queue and goroutine per
// chat, so a chat paced by its platform (1 message/s on Telegram, 2–3 s on
// WeChat) never holds up the update loop or other chats.
type ReplyQueues struct {
	send  func(context.Context, Outgoing) error
	ready func() <-chan struct{} // closed while the platform can send; nil: always
	log   *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	queues   map[string]chan Outgoing
	stopped  bool
	leftover []Outgoing
	wg       sync.WaitGroup
}

// NewReplyQueues makes queues delivering through send.
func NewReplyQueues(send func(context.Context, Outgoing) error, ready func() <-chan struct{}, log *slog.Logger) *ReplyQueues {
	ctx, cancel := context.WithCancel(context.Background())
	return &ReplyQueues{send: send, ready: ready, log: log, ctx: ctx, cancel: cancel, queues: map[string]chan Outgoing{}}
}

// Add queues a reply behind the chat's earlier ones.
func (q *ReplyQueues) Add(out Outgoing) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopped {
		q.leftover = append(q.leftover, out)
		return
	}
	ch, ok := q.queues[out.Chat.ID]
	if !ok {
		ch = make(chan Outgoing, 1024)
		q.queues[out.Chat.ID] = ch
		q.wg.Add(1)
		go q.run(ch)
	}
	select {
	case ch <- out:
	default:
		q.log.Warn("reply queue full; reply kept for the durable outbox", "chat", out.Chat.ID)
		q.leftover = append(q.leftover, out)
	}
}

func (q *ReplyQueues) run(ch chan Outgoing) {
	defer q.wg.Done()
	for o := range ch {
		q.deliver(o)
	}
}

// deliver sends one reply, waiting for the platform while it is away.
func (q *ReplyQueues) deliver(o Outgoing) {
	for {
		if q.ctx.Err() != nil {
			q.keep(o)
			return
		}
		if q.ready != nil {
			select {
			case <-q.ready():
			case <-q.ctx.Done():
				q.keep(o)
				return
			}
		}
		err := q.send(q.ctx, o)
		switch {
		case errors.Is(err, ErrNotSent) && q.ctx.Err() == nil && q.ready != nil:
			continue // the platform went away meanwhile: wait for it again
		case errors.Is(err, ErrNotSent):
			q.keep(o)
		case err != nil:
			q.log.Warn("a reply was not delivered", "chat", o.Chat.ID, "err", err)
		}
		return
	}
}

func (q *ReplyQueues) keep(o Outgoing) {
	q.mu.Lock()
	q.leftover = append(q.leftover, o)
	q.mu.Unlock()
}

// Stop sends what it can within d and returns, in order, the replies that
// never reached the platform, for the durable outbox to send after a restart.
func (q *ReplyQueues) Stop(d time.Duration) []Outgoing {
	q.mu.Lock()
	q.stopped = true
	for id, ch := range q.queues {
		close(ch)
		delete(q.queues, id)
	}
	q.mu.Unlock()
	done := make(chan struct{})
	go func() { q.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		q.cancel()
		<-done
	}
	q.cancel()
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.leftover
	q.leftover = nil
	return out
}

package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// ErrNotSent wraps a send that was given up before anything reached the
// platform (the stop came while it waited for its turn), so the message can
// be kept for later without risk of sending it twice.
var ErrNotSent = errors.New("not sent")

// ReplyJournal keeps replies that have to wait on disk, so a crash does not
// lose them (the database's outbox, seen from here).
type ReplyJournal interface {
	Journal(out Outgoing) (uint64, error)
	Sending(out Outgoing) error // about to go to the platform
	Waiting(out Outgoing) error // did not go after all
	Done(out Outgoing) error
}

// ReplyQueues sends interactive replies in order, one queue and goroutine per
// chat, so a chat paced by its platform (1 message/s on Telegram, 2–3 s on
// WeChat) never holds up the update loop or other chats. A reply that has to
// wait behind others is written to the journal first and marked before it
// is sent: after a crash it is sent then, and never twice.
type ReplyQueues struct {
	send    func(context.Context, Outgoing) error
	ready   func() <-chan struct{} // closed while the platform can send; nil: always
	log     *slog.Logger
	Journal ReplyJournal // optional

	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	queues   map[string]chan Outgoing
	waiting  map[string]int // replies of a chat not yet sent
	stopped  bool
	leftover []Outgoing
	wg       sync.WaitGroup
}

// NewReplyQueues makes queues delivering through send.
func NewReplyQueues(send func(context.Context, Outgoing) error, ready func() <-chan struct{}, log *slog.Logger) *ReplyQueues {
	ctx, cancel := context.WithCancel(context.Background())
	return &ReplyQueues{send: send, ready: ready, log: log, ctx: ctx, cancel: cancel, queues: map[string]chan Outgoing{}, waiting: map[string]int{}}
}

// Add queues a reply behind the chat's earlier ones.
func (q *ReplyQueues) Add(out Outgoing) {
	q.mu.Lock()
	behind := q.waiting[out.Chat.ID] > 0 || (q.ready != nil && !Closed(q.ready()))
	q.mu.Unlock()
	if behind && q.Journal != nil && out.File == nil && out.ReplyID == 0 {
		// It will wait: keep it on disk (outside the lock; this is a write).
		// A file is not journaled: its bytes are not for the database.
		if id, err := q.Journal.Journal(out); err != nil {
			q.log.Error("journaling a waiting reply failed; it waits in memory only", "err", err)
		} else {
			out.ReplyID = id
		}
	}
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
		q.waiting[out.Chat.ID]++
	default:
		q.log.Warn("reply queue full; reply kept for the durable outbox", "chat", out.Chat.ID)
		q.leftover = append(q.leftover, out)
	}
}

// Closed reports whether ch is closed (a readiness signal), without waiting.
func Closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// run delivers a chat's replies in order and ends when the chat has none
// waiting: a school's thousand parents cost goroutines and queues only while
// their replies are on the way. Replies that queued up behind one another
// in a group go out together (coalesce).
func (q *ReplyQueues) run(ch chan Outgoing) {
	defer q.wg.Done()
	var carry *Outgoing // taken from the channel but not coalescible with the batch before it
	for {
		var first Outgoing
		if carry != nil {
			first, carry = *carry, nil
		} else {
			o, ok := <-ch
			if !ok {
				return
			}
			first = o
		}
		batch := []Outgoing{first}
		for carry == nil && coalescible(first) {
			select {
			case n, ok := <-ch:
				if !ok {
					break
				}
				if coalescible(n) && n.Chat.Thread == first.Chat.Thread {
					batch = append(batch, n)
				} else {
					carry = &n
				}
				continue
			default:
			}
			break
		}
		q.deliver(batch)
		q.mu.Lock()
		q.waiting[first.Chat.ID] -= len(batch)
		if carry == nil && q.waiting[first.Chat.ID] == 0 && q.queues[first.Chat.ID] == ch {
			delete(q.waiting, first.Chat.ID)
			delete(q.queues, first.Chat.ID)
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
	}
}

// coalescible: text replies in groups, where the platform's per-group limit
// (20 a minute on Telegram, seconds apart on WeChat) would otherwise make a
// burst of commands wait minutes for their answers.
func coalescible(o Outgoing) bool { return o.Chat.Kind == Group && o.File == nil }

// merge makes one message of replies waiting together, each headed by whom
// it answers.
func merge(batch []Outgoing) Outgoing {
	if len(batch) == 1 {
		return batch[0]
	}
	merged := batch[0]
	parts := make([]string, len(batch))
	for i, o := range batch {
		parts[i] = o.Text
		if o.To != "" {
			parts[i] = "@" + o.To + " " + o.Text
		}
	}
	merged.Text, merged.To, merged.ReplyID = strings.Join(parts, "\n\n"), "", 0
	return merged
}

// Active counts the chats with replies on the way (tests, and a bound).
func (q *ReplyQueues) Active() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queues)
}

// deliver sends replies waiting together as one, waiting for the platform
// while it is away; the journal follows each reply of the batch.
func (q *ReplyQueues) deliver(batch []Outgoing) {
	o := merge(batch)
	journal := func(f func(Outgoing) error, what string) {
		for _, r := range batch {
			if r.ReplyID != 0 {
				if err := f(r); err != nil {
					q.log.Error(what+" a journaled reply failed", "err", err)
				}
			}
		}
	}
	journaled := false
	for _, r := range batch {
		journaled = journaled || (r.ReplyID != 0 && q.Journal != nil)
	}
	for {
		if q.ctx.Err() != nil {
			q.keepAll(batch)
			return
		}
		if q.ready != nil {
			select {
			case <-q.ready():
			case <-q.ctx.Done():
				q.keepAll(batch)
				return
			}
		}
		if journaled {
			journal(q.Journal.Sending, "marking")
		}
		err := q.send(q.ctx, o)
		switch {
		case errors.Is(err, ErrNotSent) && journaled:
			journal(q.Journal.Waiting, "unmarking")
			if q.ctx.Err() == nil && q.ready != nil {
				continue // the platform went away meanwhile: wait for it again
			}
			q.keepAll(batch) // the journaled ones are on disk already
			return
		case errors.Is(err, ErrNotSent) && q.ctx.Err() == nil && q.ready != nil:
			continue
		case errors.Is(err, ErrNotSent):
			q.keepAll(batch)
			return
		case err != nil:
			q.log.Warn("a reply was not delivered", "chat", o.Chat.ID, "err", err)
		}
		// Marked sending, the journaled replies are never sent again; the
		// journal deletes them with a later mark, without a write now.
		return
	}
}

func (q *ReplyQueues) keepAll(batch []Outgoing) {
	for _, o := range batch {
		q.keep(o)
	}
}

// keep sets aside a reply that never reached the platform. A journaled one
// is unmarked so it is recovered from the journal at the next start.
func (q *ReplyQueues) keep(o Outgoing) {
	if o.ReplyID != 0 {
		return // on disk already, and recovered at the next start
	}
	if o.File != nil {
		// The outbox keeps text only: a file would arrive as its caption
		// alone. The teacher asks for the export again.
		q.log.Warn("a file was not sent before the stop and is dropped", "chat", o.Chat.ID, "file_bytes", len(o.File.Data))
		return
	}
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

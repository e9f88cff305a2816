package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Queue is the durable part of the outbox (the database, seen from here).
type Queue interface {
	// Due returns queued messages whose time has come (all when until is zero).
	Due(until time.Time) ([]Outgoing, error)
	// Done removes a delivered message.
	Done(out Outgoing) error
	// Retry pushes a message back to a later time, counting a failed attempt.
	Retry(out Outgoing, at time.Time) error
	// Release un-marks a message that was not sent after all (its platform
	// went away); it waits without an attempt counted.
	Release(out Outgoing) error
	// Sending marks a message as handed to its platform, durably, before the
	// send: one found so marked after a crash may have gone out already and is
	// dropped rather than sent twice.
	Sending(out Outgoing) error
}

// MaxAttempts is how often a queued message is tried before it is given up:
// with RetryWait's steps that is about a day of a platform failing.
const MaxAttempts = 12

// RetryWait is the wait after the attempts-th failure: a minute, doubling,
// at most four hours.
func RetryWait(attempts int) time.Duration {
	return min(time.Minute<<min(attempts, 10), 4*time.Hour)
}

// Outbox sends replies at once and delivers the durable queue (praise for
// parents, reminders) when each message is due.
type Outbox struct {
	Queue Queue
	Now   func() time.Time
	Log   *slog.Logger
	// OnUnreachable is told when a platform says the recipient cannot be
	// messaged (ErrUnreachable); the message is dropped, not retried.
	OnUnreachable func(out Outgoing)
	// Journal is told when a journaled reply is handed to a platform that
	// sends at once (the others' reply queues tell it themselves).
	Journal ReplyJournal
	// OnGivenUp is told when a message is dropped for good: a permanent
	// error (ErrPermanent), or transient ones that outlasted every retry.
	OnGivenUp func(out Outgoing, err error)
	// School, set when a county's schools share an account, is stamped on
	// every message this outbox hands to a platform (Outgoing.School).
	School string

	mu        sync.Mutex
	platforms map[string]Platform
	busy      map[string]bool // platforms in the middle of a delivery pass
	nudges    chan struct{}
}

// Nudge asks Run for a delivery pass now (a command queued messages, say a
// praise for the parents), instead of at the next tick. It never blocks.
func (o *Outbox) Nudge() {
	select {
	case o.nudges <- struct{}{}:
	default: // a pass is asked for already
	}
}

// NewOutbox makes an outbox over the durable queue.
func NewOutbox(q Queue, now func() time.Time, log *slog.Logger) *Outbox {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Outbox{Queue: q, Now: now, Log: log, platforms: map[string]Platform{}, busy: map[string]bool{}, nudges: make(chan struct{}, 1)}
}

// Add registers a platform to send through.
func (o *Outbox) Add(p Platform) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.platforms[p.Name()] = p
}

func (o *Outbox) platform(name string) (Platform, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	p, ok := o.platforms[name]
	return p, ok
}

// Has tells whether the outbox sends through the platform named so.
func (o *Outbox) Has(platform string) bool {
	_, ok := o.platform(platform)
	return ok
}

// Send delivers an interactive message now.
func (o *Outbox) Send(ctx context.Context, out Outgoing) error {
	out.School = o.School
	p, ok := o.platform(out.Platform)
	if !ok {
		return fmt.Errorf("outbox: no platform %q", out.Platform)
	}
	if out.ReplyID != 0 && o.Journal != nil {
		if _, queues := p.(ReplyQueuer); !queues {
			// A platform that sends at once: the journaled reply is handed
			// over now, and must never go again.
			if err := o.Journal.Sending(out); err != nil {
				o.Log.Error("marking a journaled reply failed", "err", err)
			}
		}
	}
	err := p.Send(ctx, out)
	if errors.Is(err, ErrUnreachable) && o.OnUnreachable != nil {
		o.OnUnreachable(out)
	}
	return err
}

// ErrTaken is a queued message another process claimed first.
var ErrTaken = errors.New("taken by another process")

// ReplyQueuer is a platform whose replies wait in its ReplyQueues, which
// keep the journal of a reply themselves.
type ReplyQueuer interface {
	QueuesReplies()
}

// DeliverDue sends every queued message whose time has come, oldest first.
func (o *Outbox) DeliverDue(ctx context.Context) { o.deliver(ctx, o.Now()) }

// Flush sends everything still queued, due or not (the console at EOF).
func (o *Outbox) Flush(ctx context.Context) { o.deliver(ctx, time.Time{}) }

// deliver runs one pass: each platform sends its due messages on its own
// goroutine, so WeChat's slow pacing never holds up Telegram; a platform
// still busy with an earlier pass is left to it (nothing goes twice).
func (o *Outbox) deliver(ctx context.Context, until time.Time) {
	due, err := o.Queue.Due(until)
	if err != nil {
		o.Log.Error("reading the outbox failed", "err", err)
		return
	}
	byPlatform := map[string][]Outgoing{}
	var order []string
	for _, out := range due {
		if _, ok := byPlatform[out.Platform]; !ok {
			order = append(order, out.Platform)
		}
		byPlatform[out.Platform] = append(byPlatform[out.Platform], out)
	}
	var wg sync.WaitGroup
	for _, name := range order {
		o.mu.Lock()
		p, ok := o.platforms[name]
		if !ok || o.busy[name] {
			o.mu.Unlock()
			continue // not running now, or busy: the messages wait
		}
		if r, ok := p.(interface{ Ready() bool }); ok && !r.Ready() {
			o.mu.Unlock()
			continue // logged out: the messages wait, untouched
		}
		o.busy[name] = true
		o.mu.Unlock()
		wg.Add(1)
		go func(p Platform, outs []Outgoing) {
			defer wg.Done()
			defer func() {
				o.mu.Lock()
				delete(o.busy, p.Name())
				o.mu.Unlock()
			}()
			for _, out := range outs {
				if ctx.Err() != nil {
					return
				}
				o.deliverOne(ctx, p, out)
			}
		}(p, byPlatform[name])
	}
	wg.Wait()
}

func (o *Outbox) deliverOne(ctx context.Context, p Platform, out Outgoing) {
	out.School = o.School
	if out.InFlight {
		o.Log.Warn("a queued message was being sent when the bot stopped; not sending it again", "platform", out.Platform, "chat", out.Chat.ID)
		if err := o.Queue.Done(out); err != nil {
			o.Log.Error("removing a message failed", "err", err)
		}
		return
	}
	if err := o.Queue.Sending(out); errors.Is(err, ErrTaken) {
		return // another process sharing the database sends it (or sent it)
	} else if err != nil {
		o.Log.Error("marking a message as sending failed; it waits", "err", err)
		return
	}
	err := p.Send(ctx, out)
	switch {
	case err == nil:
	case errors.Is(err, ErrUnreachable):
		o.Log.Warn("recipient unreachable, message dropped", "platform", out.Platform, "chat", out.Chat.ID)
		if o.OnUnreachable != nil {
			o.OnUnreachable(out)
		}
	case errors.Is(err, ErrNotSent):
		// Nothing reached the platform (it went away, or we are stopping):
		// the message waits, and this was no attempt.
		if err := o.Queue.Release(out); err != nil {
			o.Log.Error("releasing a message failed", "err", err)
		}
		return
	case errors.Is(err, ErrPermanent) || out.Attempts+1 >= MaxAttempts:
		o.Log.Warn("queued message given up", "platform", out.Platform, "chat", out.Chat.ID, "attempts", out.Attempts+1, "err", err)
		if o.OnGivenUp != nil {
			o.OnGivenUp(out, err)
		}
	default:
		wait := RetryWait(out.Attempts)
		o.Log.Warn("queued send failed, will retry", "platform", out.Platform, "chat", out.Chat.ID, "in", wait, "err", err)
		if err := o.Queue.Retry(out, o.Now().Add(wait)); err != nil {
			o.Log.Error("requeueing failed", "err", err)
		}
		return
	}
	if err := o.Queue.Done(out); err != nil {
		o.Log.Error("removing a delivered message failed", "err", err)
	}
}

// Run delivers due messages every interval until ctx ends.
func (o *Outbox) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			o.DeliverDue(ctx)
		case <-o.nudges:
			o.DeliverDue(ctx)
		}
	}
}

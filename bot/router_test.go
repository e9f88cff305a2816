package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"bangfu/bot/bottest"
)

type handlerFunc func(context.Context, Message) []Outgoing

func (f handlerFunc) Handle(ctx context.Context, m Message) []Outgoing { return f(ctx, m) }

type recorder struct {
	mu   sync.Mutex
	sent []Outgoing
	fail error
}

func (r *recorder) Name() string { return "test" }
func (r *recorder) Run(ctx context.Context, _ func(context.Context, Message)) error {
	<-ctx.Done()
	return nil
}
func (r *recorder) Send(_ context.Context, o Outgoing) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.sent = append(r.sent, o)
	return nil
}

type seen map[string]bool

func (s seen) Processed(k string) (bool, error) { return s[k], nil }

type memQueue struct {
	items    []Outgoing
	done     []uint64
	retry    []uint64
	retryAt  []time.Time
	released []uint64
}

func (q *memQueue) Due(until time.Time) ([]Outgoing, error) {
	var out []Outgoing
	for _, o := range q.items {
		if until.IsZero() || !o.NotBefore.After(until) {
			out = append(out, o)
		}
	}
	return out, nil
}
func (q *memQueue) Done(o Outgoing) error {
	q.done = append(q.done, o.QueueID)
	for i, it := range q.items {
		if it.QueueID == o.QueueID {
			q.items = append(q.items[:i], q.items[i+1:]...)
			break
		}
	}
	return nil
}
func (q *memQueue) Retry(o Outgoing, at time.Time) error {
	q.retry = append(q.retry, o.QueueID)
	q.retryAt = append(q.retryAt, at)
	for i := range q.items {
		if q.items[i].QueueID == o.QueueID {
			q.items[i].NotBefore, q.items[i].Attempts = at, q.items[i].Attempts+1
		}
	}
	return nil
}

func (q *memQueue) Release(o Outgoing) error {
	q.released = append(q.released, o.QueueID)
	return nil
}

func TestRouterRecoversAPanicAndKeepsGoing(t *testing.T) {
	var logs bytes.Buffer
	rec := &recorder{}
	out := NewOutbox(&memQueue{}, nil, nil)
	out.Add(rec)
	calls := 0
	r := &Router{Out: out, Seen: seen{}, Log: slog.New(slog.NewTextHandler(&logs, nil)), Handler: handlerFunc(func(_ context.Context, m Message) []Outgoing {
		calls++
		if m.Text == "boom" {
			var p *Message
			_ = p.Text // nil dereference
		}
		return []Outgoing{Reply(m, "ok "+m.Text)}
	})}
	m := Message{Platform: "test", ID: "1", Chat: Chat{ID: "c"}, Text: "boom"}
	r.Dispatch(context.Background(), m)
	m.ID, m.Text = "2", "hi"
	r.Dispatch(context.Background(), m)
	if len(rec.sent) != 2 || rec.sent[0].Text != PanicReply || rec.sent[1].Text != "ok hi" {
		t.Fatalf("sent %+v", rec.sent)
	}
	if !strings.Contains(logs.String(), "panic") || !strings.Contains(logs.String(), "router_test.go") {
		t.Fatalf("the stack was not logged: %s", logs.String())
	}
}

func TestRouterDropsProcessedMessages(t *testing.T) {
	rec := &recorder{}
	out := NewOutbox(&memQueue{}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	out.Add(rec)
	calls := 0
	r := &Router{Out: out, Seen: seen{"test:1": true}, Handler: handlerFunc(func(_ context.Context, m Message) []Outgoing {
		calls++
		return nil
	})}
	r.Dispatch(context.Background(), Message{Platform: "test", ID: "1"}) // processed before a restart
	r.Dispatch(context.Background(), Message{Platform: "test", ID: "2"})
	r.Dispatch(context.Background(), Message{Platform: "test", ID: "2"}) // redelivered in this run
	if calls != 1 {
		t.Fatalf("handler called %d times, want 1", calls)
	}
	r.Seen = nil // the handler dedupes durably; the router still drops what it saw
	r.Dispatch(context.Background(), Message{Platform: "test", ID: "2"})
	if calls != 1 {
		t.Fatalf("handler called %d times after a redelivery, want 1", calls)
	}
}

func TestOutboxDeliversDueAndRetriesFailures(t *testing.T) {
	now := time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC)
	q := &memQueue{items: []Outgoing{
		{Platform: "test", QueueID: 1, Text: "now", NotBefore: now.Add(-time.Minute)},
		{Platform: "test", QueueID: 2, Text: "later", NotBefore: now.Add(9 * time.Hour)},
		{Platform: "gone", QueueID: 3, Text: "no platform", NotBefore: now},
	}}
	rec := &recorder{}
	o := NewOutbox(q, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	o.Add(rec)
	o.DeliverDue(context.Background())
	if len(rec.sent) != 1 || rec.sent[0].Text != "now" || len(q.items) != 2 {
		t.Fatalf("sent %+v, left %+v", rec.sent, q.items)
	}
	rec.fail = errors.New("down")
	o.Flush(context.Background())
	if len(q.retry) != 1 || q.retry[0] != 2 || len(q.items) != 2 {
		t.Fatalf("retry %v, left %+v", q.retry, q.items)
	}
	rec.fail = nil
	o.Flush(context.Background())
	if len(rec.sent) != 2 || rec.sent[1].Text != "later" {
		t.Fatalf("flush sent %+v", rec.sent)
	}
}

func (q *memQueue) Sending(o Outgoing) error { return nil }

// slowPlatform holds each send until release is closed (nil: at once), and
// tells done of every send.
type slowPlatform struct {
	recorder
	name    string
	release chan struct{}
	done    chan string
}

func (s *slowPlatform) Name() string { return s.name }
func (s *slowPlatform) Send(ctx context.Context, o Outgoing) error {
	if s.release != nil {
		<-s.release
	}
	err := s.recorder.Send(ctx, o)
	s.done <- o.Platform
	return err
}

type safeQueue struct {
	mu sync.Mutex
	memQueue
}

func (q *safeQueue) Due(until time.Time) ([]Outgoing, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.memQueue.Due(until)
}
func (q *safeQueue) Done(o Outgoing) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.memQueue.Done(o)
}

func TestASlowPlatformDoesNotHoldUpAnother(t *testing.T) {
	now := time.Now()
	q := &safeQueue{}
	for i := 1; i <= 3; i++ {
		q.items = append(q.items, Outgoing{Platform: "wechat", QueueID: uint64(i), NotBefore: now})
	}
	q.items = append(q.items, Outgoing{Platform: "telegram", QueueID: 9, NotBefore: now})
	// WeChat's first send hangs (paced) until released; Telegram must not wait for it.
	wx := &slowPlatform{name: "wechat", release: make(chan struct{}), done: make(chan string, 10)}
	tg := &slowPlatform{name: "telegram", done: make(chan string, 10)}
	o := NewOutbox(q, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	o.Add(wx)
	o.Add(tg)
	go o.DeliverDue(context.Background())
	deadline := time.After(10 * time.Second)
	select {
	case <-tg.done:
	case <-deadline:
		t.Fatal("telegram waited for wechat's pacing")
	}
	o.DeliverDue(context.Background()) // wechat still busy: its messages are not taken twice
	close(wx.release)
	for i := 0; i < 3; i++ {
		select {
		case <-wx.done:
		case <-deadline:
			t.Fatalf("wechat sent %d, want 3", i)
		}
	}
	if !bottest.Eventually(10*time.Second, func() bool {
		q.mu.Lock()
		defer q.mu.Unlock()
		return len(q.items) == 0
	}) {
		t.Fatal("the delivered messages are still queued")
	}
	wx.mu.Lock()
	defer wx.mu.Unlock()
	if len(wx.done) != 0 || len(wx.sent) != 3 {
		t.Fatalf("wechat sent %d, want 3", len(wx.sent)+len(wx.done))
	}
}

// errPlatform fails each message with the error set for its text.
type errPlatform struct {
	recorder
	errs map[string]error
}

func (p *errPlatform) Name() string { return "p" }
func (p *errPlatform) Send(ctx context.Context, out Outgoing) error {
	if err := p.errs[out.Text]; err != nil {
		return err
	}
	return p.recorder.Send(ctx, out)
}

// TestQueuedSendsRetryWithSense: a permanent failure is given up at once and
// told once; a transient one backs off, doubling, and is given up after
// MaxAttempts; a send that never reached the platform waits, uncounted.
func TestQueuedSendsRetryWithSense(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	q := &memQueue{items: []Outgoing{
		{Platform: "p", QueueID: 1, Text: "kicked", NotBefore: now},
		{Platform: "p", QueueID: 2, Text: "flaky", NotBefore: now},
		{Platform: "p", QueueID: 3, Text: "away", NotBefore: now},
	}}
	p := &errPlatform{errs: map[string]error{
		"kicked": fmt.Errorf("%w: bot was kicked", ErrPermanent),
		"flaky":  errors.New("502 Bad Gateway"),
		"away":   fmt.Errorf("%w: logged out", ErrNotSent),
	}}
	out := NewOutbox(q, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	out.Add(p)
	var givenUp []uint64
	out.OnGivenUp = func(o Outgoing, err error) { givenUp = append(givenUp, o.QueueID) }
	for pass := 0; pass < MaxAttempts+2; pass++ {
		out.DeliverDue(context.Background())
		now = now.Add(5 * time.Hour) // past every wait
	}
	if len(givenUp) != 2 || givenUp[0] != 1 || givenUp[1] != 2 {
		t.Fatalf("given up %v, want 1 at once and 2 after its retries", givenUp)
	}
	if len(q.retry) != MaxAttempts-1 {
		t.Fatalf("%d retries of the flaky message, want %d", len(q.retry), MaxAttempts-1)
	}
	for i := 1; i < len(q.retryAt); i++ {
		prev := RetryWait(i - 1)
		if wait := RetryWait(i); wait < prev || wait > 4*time.Hour {
			t.Fatalf("wait %d: %v after %v", i, wait, prev)
		}
	}
	if RetryWait(0) != time.Minute || RetryWait(1) != 2*time.Minute || RetryWait(20) != 4*time.Hour {
		t.Fatalf("waits %v %v %v", RetryWait(0), RetryWait(1), RetryWait(20))
	}
	if len(q.items) != 1 || q.items[0].QueueID != 3 || q.items[0].Attempts != 0 || len(q.released) != MaxAttempts+2 {
		t.Fatalf("the message whose platform was away: items %+v, released %d times", q.items, len(q.released))
	}
}

package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"bangfu/bot"
	"bangfu/commands/delivery"
	"bangfu/reminders"
	"bangfu/storage"
	"bangfu/storage/bolt"
)

// orderPlatform records what happens to it, in order.
type orderPlatform struct {
	mu     sync.Mutex
	events []string
}

func (p *orderPlatform) note(e string) { p.mu.Lock(); p.events = append(p.events, e); p.mu.Unlock() }
func (p *orderPlatform) Name() string  { return "order" }
func (p *orderPlatform) Run(ctx context.Context, _ func(context.Context, bot.Message)) error {
	<-ctx.Done()
	p.note("intake stopped")
	return nil
}
func (p *orderPlatform) Send(_ context.Context, out bot.Outgoing) error {
	p.note("sent " + out.Text)
	return nil
}
func (p *orderPlatform) Stop(context.Context) { p.note("senders stopped") }

// TestStopRunsInOrder: at a stop, receiving ends first, then the outbox's
// last delivery sends what is due, then the platform's senders stop; every
// goroutine has returned when run does.
func TestStopRunsInOrder(t *testing.T) {
	cfg, err := loadConfig(filepath.Join(t.TempDir(), "none.yaml"), false)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := bolt.Open(filepath.Join(t.TempDir(), "bangfu.db"), bolt.Options{Calendar: cfg.Calendar})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := &orderPlatform{}
	a := &app{log: log, st: st, platforms: []bot.Platform{p}}
	a.h = newHandler(cfg, st, log)
	a.out = bot.NewOutbox(delivery.OutboxQueue{Store: st, Loc: cfg.Calendar.Loc, Now: st.Now, Log: log}, st.Now, log)
	a.out.Add(p)
	a.router = &bot.Router{Handler: a.h, Out: a.out, Log: log}
	if a.sched, err = reminders.New(st, cfg.Calendar, cfg.School.Name, reminders.Config{}, log); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.run(ctx); close(done) }()
	// Queued while running, due now: the last delivery at the stop sends it.
	if err := st.Enqueue(storage.Meta{}, storage.Queued{Platform: "order", ChatID: "c", Text: "周一小结", NotBefore: time.Now()}); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("run did not return after the stop")
	}
	want := []string{"intake stopped", "sent 周一小结", "senders stopped"}
	if !reflect.DeepEqual(p.events, want) {
		t.Fatalf("stop order %q, want %q", p.events, want)
	}
	if q, _ := st.Queue(time.Time{}, 0); len(q) != 0 {
		t.Fatalf("the due message is still queued: %+v", q)
	}
}

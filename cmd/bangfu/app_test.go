package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
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
	a := &app{log: log, st: fromBolt(st), platforms: []bot.Platform{p}}
	a.h = newHandler(cfg, fromBolt(st), log)
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

// TestConsoleShowsHeldMessagesAtOnceWithTheirDestination: in the terminal
// chat at 22:00, a praise's message to the parent is held for quiet hours;
// it is printed right after the praise's reply (not at the end), labelled
// with its destination and when it would go, and a queued reminder to the
// person typing is labelled too, never mistaken for a reply.
func TestConsoleShowsHeldMessagesAtOnceWithTheirDestination(t *testing.T) {
	dir := t.TempDir()
	cfg, err := loadConfig(writeConfig(t, dir, ""), false)
	if err != nil {
		t.Fatal(err)
	}
	night := time.Date(2026, 11, 25, 22, 0, 0, 0, cfg.Calendar.Loc)
	st, err := bolt.Open(cfg.Storage.Path, bolt.Options{Calendar: cfg.Calendar, Now: func() time.Time { return night }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := storage.Meta{Where: "test", At: night}
	zs, _, err := st.AddStudent(m, 7, 3, storage.Student{Name: "张三", WeeklyTarget: 2})
	if err != nil {
		t.Fatal(err)
	}
	mum, _ := st.EnsurePerson("console", "张三妈妈", "dm:张三妈妈", "张三妈妈")
	if _, err := st.UpdatePerson(m, mum.ID, "test", func(p *storage.Person) error {
		p.Parents = []storage.ParentLink{{StudentID: zs.ID, Relation: "妈妈"}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	morning := time.Date(2026, 11, 26, 7, 30, 0, 0, cfg.Calendar.Loc)
	if err := st.Enqueue(m, storage.Queued{Platform: "console", ChatID: "dm:本机管理员", ChatTitle: "本机管理员", Private: true, Text: "明早提醒", NotBefore: morning}); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	in := strings.NewReader("/praise 张三 今天主动帮同学讲题\n/status 张三\n")
	a, code := wire(context.Background(), cfg, fromBolt(st), slog.New(slog.NewTextHandler(io.Discard, nil)), in, &out, &errb)
	if a == nil {
		t.Fatalf("wire: %d %s", code, errb.String())
	}
	a.run(context.Background())
	text := out.String()
	praised := strings.Index(text, "已记录张三（初一3班）的进步")
	held := strings.Index(text, "→ 张三妈妈（私聊，11-26 07:30 送达）: ")
	next := strings.Index(text, "> /status 张三")
	if praised < 0 || held < praised || next < held {
		t.Fatalf("the held message is not shown right after the praise, with where and when it goes:\n%s", text)
	}
	if !strings.Contains(text, "→ 本机管理员（私聊，11-26 07:30 送达）: 明早提醒") || strings.Contains(text, "bangfu: 明早提醒") {
		t.Fatalf("a queued reminder to the person typing is not labelled:\n%s", text)
	}
}

// The heap's budget grows with the schools a process serves, from 48 MiB
// for one (the district's 20 get 54 MiB: measured in make bench).
func TestTheMemoryBudgetGrowsWithTheSchools(t *testing.T) {
	for _, c := range []struct {
		schools int
		mib     int64
	}{{1, 48}, {16, 48}, {20, 54}, {100, 174}} {
		if got := memoryBudget(c.schools) >> 20; got != c.mib {
			t.Errorf("%d schools: %d MiB, want %d", c.schools, got, c.mib)
		}
	}
}

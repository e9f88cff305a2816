package postgres_test

import (
	"context"
	"fmt"
	"github.com/jackc/pgx/v5"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"bangfu/bot"
	"bangfu/commands/delivery"
	"bangfu/storage"
	"bangfu/storage/postgres"
	"bangfu/storage/postgres/pgtest"
)

// counter is a platform that counts what it is asked to send.
type counter struct {
	mu   sync.Mutex
	sent map[string]int
}

func (c *counter) Name() string { return "t" }
func (c *counter) Run(ctx context.Context, _ func(context.Context, bot.Message)) error {
	<-ctx.Done()
	return nil
}
func (c *counter) Send(_ context.Context, out bot.Outgoing) error {
	c.mu.Lock()
	c.sent[out.Text]++
	c.mu.Unlock()
	return nil
}

// TestTwoProcessesShareTheOutboxAndSendEachMessageOnce: two bangfu
// processes on one PostgreSQL (two pools, two outboxes) deliver the same
// queue at the same time; every message goes out exactly once.
func TestTwoProcessesShareTheOutboxAndSendEachMessageOnce(t *testing.T) {
	url := pgtest.URL(t)
	now := time.Now()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var stores []*postgres.Store
	for i := 0; i < 2; i++ {
		s, err := postgres.Open(context.Background(), url, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores = append(stores, s)
	}
	const n = 300
	var qs []storage.Queued
	for i := 0; i < n; i++ {
		qs = append(qs, storage.Queued{Platform: "t", ChatID: "c", Text: fmt.Sprint("消息", i), NotBefore: now, Key: fmt.Sprint("k", i)})
	}
	if err := stores[0].Enqueue(storage.Meta{}, qs...); err != nil {
		t.Fatal(err)
	}
	c := &counter{sent: map[string]int{}}
	var wg sync.WaitGroup
	for _, s := range stores {
		out := bot.NewOutbox(delivery.OutboxQueue{Store: s, Loc: time.Local, Now: time.Now, Log: log}, time.Now, log)
		out.Add(c)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				out.DeliverDue(context.Background())
				if left, _ := s.Queue(time.Time{}, 1); len(left) == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	if left, _ := stores[0].Queue(time.Time{}, 0); len(left) != 0 {
		t.Fatalf("%d messages left", len(left))
	}
	if len(c.sent) != n {
		t.Fatalf("%d different messages sent, want %d", len(c.sent), n)
	}
	for text, k := range c.sent {
		if k != 1 {
			t.Fatalf("%s went %d times", text, k)
		}
	}
}

// TestASurvivorRecoversOnlyTheRepliesOfAProcessThatIsGone: a process
// starting does not take a running one's waiting replies (that would send
// them twice); once that process is gone, a survivor recovers them.
func TestASurvivorRecoversOnlyTheRepliesOfAProcessThatIsGone(t *testing.T) {
	url := pgtest.URL(t)
	a, err := postgres.Open(context.Background(), url, postgres.Options{Holder: "A"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.JournalReply(storage.Queued{Platform: "t", ChatID: "c", Text: "已记录：张三数学", NotBefore: time.Now()}); err != nil {
		t.Fatal(err)
	}
	b, err := postgres.Open(context.Background(), url, postgres.Options{Holder: "B"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if moved, dropped, err := b.RecoverReplies(); err != nil || moved+dropped != 0 {
		t.Fatalf("a starting process took a running one's replies: %d %d %v", moved, dropped, err)
	}
	a.Close() // gone (a crash leaves its heartbeat to age out; Close removes it at once)
	if moved, _, err := b.RecoverGone(); err != nil || moved != 1 {
		t.Fatalf("the survivor recovered %d of the gone process's replies (%v)", moved, err)
	}
	if q, _ := b.Queue(time.Time{}, 0); len(q) != 1 || q[0].Text != "已记录：张三数学" {
		t.Fatalf("the outbox after recovery: %+v", q)
	}
}

// TestSchoolsInOneDatabaseAreApart: two schools' stores in one database,
// each in its own schema: one school's queries never return the other's
// students or records, and each numbers its records on its own.
func TestSchoolsInOneDatabaseAreApart(t *testing.T) {
	url := pgtest.URL(t)
	open := func(schema string) *postgres.Store {
		s, err := postgres.Open(context.Background(), url, postgres.Options{Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	yizhong, erzhong := open("school_yizhong"), open("school_erzhong")
	now := time.Now()
	st, _, err := yizhong.AddStudent(storage.Meta{ActorID: 1, At: now}, 7, 3, storage.Student{Name: "张三", Categories: []string{"留守儿童"}})
	if err != nil {
		t.Fatal(err)
	}
	se, _, err := yizhong.AddSession(storage.Meta{MsgKey: "m1", ActorID: 1, At: now}, storage.Session{StudentID: st.ID, Subject: "数学", Minutes: 30, At: now})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := erzhong.AllStudents(); len(got) != 0 {
		t.Fatalf("the other school sees %d students", len(got))
	}
	if got, _ := erzhong.StudentsNamed("张三"); len(got) != 0 {
		t.Fatal("the other school finds 张三 by name")
	}
	if got, _ := erzhong.SessionsBetween(now.Add(-time.Hour), now.Add(time.Hour)); len(got) != 0 {
		t.Fatal("the other school reads the first's sessions")
	}
	if _, err := erzhong.RecordByNo(se.No); err == nil {
		t.Fatal("the other school reads a record by the first's number")
	}
	// The same message id in two schools is two messages.
	other, _, err := erzhong.AddStudent(storage.Meta{ActorID: 1, At: now}, 7, 3, storage.Student{Name: "李四"})
	if err != nil {
		t.Fatal(err)
	}
	if se2, _, err := erzhong.AddSession(storage.Meta{MsgKey: "m1", ActorID: 1, At: now}, storage.Session{StudentID: other.ID, Subject: "语文", Minutes: 20, At: now}); err != nil || se2.No != 1 {
		t.Fatalf("the second school's first record: #%d %v", se2.No, err)
	}
}

// The sending mark is the server's as soon as ReplySending returns, and
// its unhurried commit stays with its own transaction: every connection of
// the pool still commits synchronously afterwards. (That the mark's commit
// skips the WAL flush shows only in timing: make bench.)
func TestTheSendingMarksSettingStaysWithItsTransaction(t *testing.T) {
	url := pgtest.URL(t)
	s, err := postgres.Open(context.Background(), url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id, err := s.JournalReply(storage.Queued{Platform: "t", ChatID: "c", Text: "回复", NotBefore: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReplySending(id); err != nil {
		t.Fatal(err)
	}
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	var inFlight bool
	if err := c.QueryRow(context.Background(), "SELECT (doc->>'InFlight')::boolean FROM replies WHERE id = $1", int64(id)).Scan(&inFlight); err != nil || !inFlight {
		t.Fatalf("the mark is not the server's: %v %v", inFlight, err)
	}
	// Every connection of the pool still commits synchronously afterwards.
	for i := 0; i < 8; i++ {
		var setting string
		if err := s.Pool().QueryRow(context.Background(), "SHOW synchronous_commit").Scan(&setting); err != nil || setting != "on" {
			t.Fatalf("a pooled connection commits with synchronous_commit %q (%v)", setting, err)
		}
	}
}

// TestTheJournalKeepsOnlyTheLastMarkedReply: each mark deletes the replies
// this process marked before (they are handed over), by id; one that did
// not go after all (waiting again) and another process's stay.
func TestTheJournalKeepsOnlyTheLastMarkedReply(t *testing.T) {
	url := pgtest.URL(t)
	open := func(holder string) *postgres.Store {
		s, err := postgres.Open(context.Background(), url, postgres.Options{Holder: holder})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open("A"), open("B")
	journal := func(s *postgres.Store, text string) uint64 {
		id, err := s.JournalReply(storage.Queued{Platform: "t", ChatID: "c", Text: text, NotBefore: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	left := func() []string {
		rows, err := a.Pool().Query(context.Background(), "SELECT doc->>'Text' FROM replies ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		texts, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return texts
	}
	first, second, third := journal(a, "一"), journal(a, "二"), journal(a, "三")
	other := journal(b, "别处")
	for _, id := range []uint64{first, second} {
		if err := a.ReplySending(id); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.ReplySending(other); err != nil {
		t.Fatal(err)
	}
	if err := a.ReplyWaiting(second); err != nil { // did not go
		t.Fatal(err)
	}
	if err := a.ReplySending(third); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(left()); got != "[二 三 别处]" {
		t.Fatalf("the journal after three marks: %s", got)
	}
}

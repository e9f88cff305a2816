package postgres_test

import (
	"context"
	"testing"
	"time"

	"bangfu/storage"
	"bangfu/storage/postgres"
	"bangfu/storage/postgres/pgtest"
)

// signals returns a channel told of each forgetting of s's directory cache.
func signals(s *postgres.Store) chan struct{} {
	ch := make(chan struct{}, 1)
	s.OnDirectoryDropped(func(bool) {
		select {
		case ch <- struct{}{}:
		default:
		}
	})
	return ch
}

// eventually waits, up to a deadline, for ok to hold, looking again at
// each forgetting of the cache.
func eventually(t *testing.T, dropped <-chan struct{}, what string, ok func() bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for !ok() {
		select {
		case <-dropped:
		case <-deadline:
			t.Fatalf("never: %s", what)
		}
	}
}

// TestAnotherProcessesChangeReachesTheDirectoryCache: two processes of one
// school (each with its cache); what one changes, the other reads, after
// having read (and kept) the old. Its own change it reads at once.
func TestAnotherProcessesChangeReachesTheDirectoryCache(t *testing.T) {
	url := pgtest.URL(t)
	open := func(holder string) *postgres.Store {
		s, err := postgres.Open(context.Background(), url, postgres.Options{Holder: holder, Schema: "school_yizhong"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open("A"), open("B")
	now := time.Now()
	st, _, err := b.AddStudent(storage.Meta{ActorID: 1, At: now}, 7, 3, storage.Student{Name: "张三", WeeklyTarget: 2})
	if err != nil {
		t.Fatal(err)
	}
	dropped := signals(a)
	eventually(t, dropped, "A finds the student B added", func() bool {
		got, err := a.StudentsNamed("张三")
		return err == nil && len(got) == 1
	})
	if got, err := a.Student(st.ID); err != nil || got.WeeklyTarget != 2 {
		t.Fatalf("A reads %+v, %v", got, err)
	}
	if _, err := b.UpdateStudent(storage.Meta{ActorID: 1, At: now}, st.ID, "student.set", func(s *storage.Student) error {
		s.Name, s.WeeklyTarget = "张三丰", 3
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	eventually(t, dropped, "A reads B's change", func() bool {
		old, _ := a.StudentsNamed("张三")
		renamed, _ := a.StudentsNamed("张三丰")
		got, err := a.Student(st.ID)
		return len(old) == 0 && len(renamed) == 1 && err == nil && got.Name == "张三丰" && got.WeeklyTarget == 3
	})
	// Its own change at once, without waiting for the server's word.
	if _, err := a.UpdateStudent(storage.Meta{ActorID: 1, At: now}, st.ID, "student.set", func(s *storage.Student) error {
		s.WeeklyTarget = 4
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Student(st.ID); got.WeeklyTarget != 4 {
		t.Fatalf("A does not read its own change: %+v", got)
	}
	// A person's new account, from the other process.
	p, err := b.EnsurePerson("telegram", "42", "42", "赵老师")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := a.PersonByAccount("telegram", "42"); !ok {
		t.Fatal("A does not find the account B has just made") // none was kept: an unknown account is read each time until found
	}
	if _, err := b.UpdatePerson(storage.Meta{ActorID: 1, At: now}, p.ID, "person.set", func(p *storage.Person) error {
		p.Name = "赵敏"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	eventually(t, dropped, "A reads the person's new name", func() bool {
		got, ok, err := a.PersonByAccount("telegram", "42")
		return err == nil && ok && got.Name == "赵敏"
	})
	// A group: not registered (kept so), then registered by B, then moved.
	if _, ok, err := a.Group("telegram", "-7"); ok || err != nil {
		t.Fatalf("an unregistered group found: %v", err)
	}
	if err := b.SetGroup(storage.Meta{ActorID: 1, At: now}, storage.Group{Platform: "telegram", ChatID: "-7", Title: "初一3班家长群", Kind: storage.GroupParent, ClassID: st.ClassID}); err != nil {
		t.Fatal(err)
	}
	eventually(t, dropped, "A finds the group B registered", func() bool {
		g, ok, err := a.Group("telegram", "-7")
		return err == nil && ok && g.Kind == storage.GroupParent
	})
	if err := b.MoveGroup("telegram", "-7", "-100"); err != nil {
		t.Fatal(err)
	}
	eventually(t, dropped, "A follows the group to its new id", func() bool {
		_, old, _ := a.Group("telegram", "-7")
		_, moved, _ := a.Group("telegram", "-100")
		return !old && moved
	})
}

// TestALostListenerTurnsTheDirectoryCacheOff: while the connection that
// hears of changes is down, nothing is read from the cache (a change made
// then would never be heard of); it listens again and the cache comes back.
func TestALostListenerTurnsTheDirectoryCacheOff(t *testing.T) {
	postgres.RelistenSoon()
	url := pgtest.URL(t)
	a, err := postgres.Open(context.Background(), url, postgres.Options{Holder: "A"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	now := time.Now()
	st, _, err := a.AddStudent(storage.Meta{ActorID: 1, At: now}, 7, 3, storage.Student{Name: "张三", WeeklyTarget: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Student(st.ID); got.WeeklyTarget != 2 {
		t.Fatal(got)
	}
	dropped := signals(a)
	turned := make(chan bool, 16)
	a.OnDirectoryDropped(func(on bool) {
		select {
		case turned <- on:
		default:
		}
		select {
		case dropped <- struct{}{}:
		default:
		}
	})
	if _, err := a.Pool().Exec(context.Background(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN bangfu_directory' AND datname = current_database()"); err != nil {
		t.Fatal(err)
	}
	// The state after each forgetting: off comes before the next on.
	deadline := time.After(20 * time.Second)
	for off := false; !off; {
		select {
		case on := <-turned:
			off = !on
		case <-deadline:
			t.Fatal("the cache never turned off")
		}
	}
	// Changed behind A's back (by a plain connection: no process told).
	if _, err := a.Pool().Exec(context.Background(), `UPDATE students SET doc = jsonb_set(doc, '{WeeklyTarget}', '5') WHERE id = $1`, int64(st.ID)); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Student(st.ID); got.WeeklyTarget != 5 {
		t.Fatalf("read from the cache while deaf: %+v", got)
	}
	eventually(t, dropped, "listening again", a.DirectoryCacheOn)
	if got, _ := a.Student(st.ID); got.WeeklyTarget != 5 {
		t.Fatalf("after listening again: %+v", got)
	}
}

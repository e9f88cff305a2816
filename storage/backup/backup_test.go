package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"bangfu/storage"
	"bangfu/storage/bolt"
)

func openSchool(t *testing.T) *bolt.Store {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "bangfu.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.AddStudent(storage.Meta{At: time.Now()}, 7, 3, storage.Student{Name: "张三", WeeklyTarget: 2}); err != nil {
		t.Fatal(err)
	}
	return st
}

// Copies open as databases holding the school, the oldest are pruned to
// Keep, and what is due follows the newest copy on disk.
func TestCopiesArePrunedAndDueFollowsTheNewest(t *testing.T) {
	st := openSchool(t)
	now := time.Date(2026, 11, 29, 2, 0, 0, 0, time.Local)
	dir := filepath.Join(t.TempDir(), "backups")
	tm := &Timer{Store: st, Dir: dir, Every: 24 * time.Hour, Keep: 2, Now: func() time.Time { return now }}
	if d := tm.Due(now); d != 0 {
		t.Fatalf("no copy yet, due in %v", d)
	}
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not ours"), 0o600)
	var made []string
	for i := 0; i < 3; i++ {
		p, err := tm.Once()
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, p)
		now = now.Add(24 * time.Hour)
	}
	if _, err := os.Stat(made[0]); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the oldest copy was kept: %v", err)
	}
	for _, p := range made[1:] {
		c, err := bolt.Open(p, bolt.Options{})
		if err != nil {
			t.Fatalf("copy %s does not open: %v", p, err)
		}
		got, _ := c.StudentsNamed("张三")
		c.Close()
		if len(got) != 1 {
			t.Fatalf("copy %s lacks the school", p)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Fatal("a file that is not a backup was removed")
	}
	last := now.Add(-24 * time.Hour) // the newest copy's time
	if d := tm.Due(last.Add(3 * time.Hour)); d != 21*time.Hour {
		t.Fatalf("due in %v three hours after a copy, want 21h", d)
	}
}

// The timer copies when its wait ends; a failure is told once per run of
// failures, and a later success ends the run.
func TestTimerCopiesOnTimeAndTellsFailuresOnce(t *testing.T) {
	st := openSchool(t)
	now := time.Date(2026, 11, 29, 2, 0, 0, 0, time.Local)
	base := t.TempDir()
	dir := filepath.Join(base, "backups")
	os.WriteFile(dir, []byte("a file where the folder should be"), 0o600)
	fire := make(chan time.Time)
	waits := make(chan time.Duration, 10)
	done := make(chan string, 10)
	type failure struct {
		err   error
		first bool
	}
	failed := make(chan failure, 10)
	tm := &Timer{Store: st, Dir: dir, Every: 24 * time.Hour, Keep: 3, Now: func() time.Time { return now },
		After:  func(d time.Duration) <-chan time.Time { waits <- d; return fire },
		Done:   func(p string) { done <- p },
		Failed: func(err error, first bool) { failed <- failure{err, first} }}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { tm.Run(ctx); close(stopped) }()
	deadline := time.After(10 * time.Second)
	next := func() time.Duration {
		select {
		case d := <-waits:
			return d
		case <-deadline:
			t.Fatal("the timer did not wait again")
		}
		return 0
	}
	// No copy yet: the first is attempted at once, without a wait.
	if f := <-failed; !f.first || f.err == nil {
		t.Fatalf("first failure %+v", f)
	}
	if d := next(); d != retryAfter {
		t.Fatalf("after a failure the wait is %v", d)
	}
	fire <- now
	if f := <-failed; f.first {
		t.Fatal("the second failure in a row was told as new")
	}
	next()
	os.Remove(dir) // the IT person fixes it
	fire <- now
	select {
	case p := <-done:
		if _, err := os.Stat(p); err != nil {
			t.Fatal(err)
		}
	case <-deadline:
		t.Fatal("no copy after the fix")
	}
	if d := next(); d != 24*time.Hour {
		t.Fatalf("after a copy the wait is %v, want a day", d)
	}
	cancel()
	<-stopped
}

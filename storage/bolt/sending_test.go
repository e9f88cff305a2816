package bolt

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"bangfu/storage"
)

// crashCopy copies the database and its marks' file as a process killed
// now leaves them: what the kernel holds, fsynced or not.
func crashCopy(t *testing.T, from, to string) {
	t.Helper()
	for _, suffix := range []string{"", sendingSuffix} {
		data, err := os.ReadFile(from + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if err := os.WriteFile(to+suffix, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func journal(t *testing.T, s *Store, text string) uint64 {
	t.Helper()
	id, err := s.JournalReply(storage.Queued{Platform: "t", ChatID: "c", Text: text, NotBefore: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// A reply marked as handed to its platform is never sent again after the
// process dies, though the mark had no commit of its own; one not marked
// is sent after the restart; a mark cut short is no mark.
func TestAReplyHandedOverIsNotSentAgainAfterAKill(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	s, err := Open(live, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	handed := journal(t, s, "已记录：张三 数学辅导 30分钟")
	waiting := journal(t, s, "已记录：李四 英语 20分钟")
	if err := s.ReplySending(handed); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name           string
		tear           bool
		moved, dropped int
	}{{"killed", false, 1, 1}, {"a torn mark", true, 2, 0}} {
		copyPath := filepath.Join(dir, c.name+".db")
		crashCopy(t, live, copyPath)
		if c.tear {
			os.Truncate(copyPath+sendingSuffix, markSize-1)
		}
		after, err := Open(copyPath, Options{})
		if err != nil {
			t.Fatal(err)
		}
		moved, dropped, err := after.RecoverReplies()
		after.Close()
		if err != nil || moved != c.moved || dropped != c.dropped {
			t.Errorf("%s: after the restart %d queued again and %d dropped (%v), want %d and %d", c.name, moved, dropped, err, c.moved, c.dropped)
		}
	}
	// The next commit folds the mark in and empties the file.
	if err := s.ReplyWaiting(waiting); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(live + sendingSuffix); err != nil || fi.Size() != 0 {
		t.Fatalf("the marks' file after a commit: %v %v", fi, err)
	}
	copyPath := filepath.Join(dir, "folded.db")
	crashCopy(t, live, copyPath)
	after, err := Open(copyPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer after.Close()
	if moved, dropped, err := after.RecoverReplies(); err != nil || moved != 1 || dropped != 1 {
		t.Fatalf("after the fold: %d queued again, %d dropped (%v)", moved, dropped, err)
	}
}

// A mark reaches the disk by itself within sendingSyncAfter, once for a
// burst of marks; a clean close leaves no marks' file.
func TestMarksAreSyncedInTheBackgroundAndCleanedUpAtClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	synced := make(chan struct{}, 10)
	s.marks.mu.Lock()
	s.marks.syncFile = func(f *os.File) error { err := f.Sync(); synced <- struct{}{}; return err }
	s.marks.mu.Unlock()
	for i := 0; i < 5; i++ {
		if err := s.ReplySending(journal(t, s, "回复")); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-synced:
	case <-time.After(10 * time.Second):
		t.Fatal("a mark was never fsynced")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + sendingSuffix); !os.IsNotExist(err) {
		t.Fatalf("a clean close left the marks' file: %v", err)
	}
}

// A mark that a commit folded into the database before its fsync was due
// needs no fsync of its own; one still unfolded gets it.
func TestAFoldedMarkIsNotFsyncedAgain(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "s.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var fsyncs atomic.Int32
	s.marks.mu.Lock()
	s.marks.syncAfter = time.Hour // the test runs the fsync itself
	s.marks.syncFile = func(f *os.File) error { fsyncs.Add(1); return f.Sync() }
	s.marks.mu.Unlock()

	if err := s.ReplySending(journal(t, s, "已记录")); err != nil {
		t.Fatal(err)
	}
	journal(t, s, "已记录") // the next /log's commit folds the mark in
	s.marks.sync()
	if n := fsyncs.Load(); n != 0 {
		t.Fatalf("a folded mark was fsynced %d times", n)
	}

	if err := s.ReplySending(journal(t, s, "已记录")); err != nil {
		t.Fatal(err)
	}
	s.marks.sync() // the bot fell quiet: no commit came
	if n := fsyncs.Load(); n != 1 {
		t.Fatalf("an unfolded mark was fsynced %d times, want 1", n)
	}

	// A busy bot: by the time the sync runs, the mark it was armed for is
	// folded and a newer one waits for the next commit; that one gets the
	// next round, and is fsynced then if no commit came.
	if err := s.ReplySending(journal(t, s, "已记录")); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplySending(journal(t, s, "已记录")); err != nil { // its commit folds the mark above
		t.Fatal(err)
	}
	s.marks.sync()
	if n := fsyncs.Load(); n != 1 {
		t.Fatalf("a sync for a folded mark fsynced (%d fsyncs, want 1)", n)
	}
	s.marks.sync()
	if n := fsyncs.Load(); n != 2 {
		t.Fatalf("the newer mark left unfolded a round later: %d fsyncs, want 2", n)
	}
}

// After a clean close the journal holds no reply that went out: the next
// start recovers nothing and commits nothing (no fsync on the way to the
// first reply); a reply still waiting is kept for it.
func TestACleanCloseLeavesOnlyWaitingReplies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := s.ReplySending(journal(t, s, "已记录")); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c0, _ := s.CommitStats()
	if moved, dropped, err := s.RecoverReplies(); err != nil || moved+dropped != 0 {
		t.Fatalf("after a clean close: %d queued again, %d dropped (%v)", moved, dropped, err)
	}
	if c1, _ := s.CommitStats(); c1 != c0 {
		t.Fatalf("recovering an empty journal committed %d times", c1-c0)
	}
	journal(t, s, "还在等") // waiting behind others when the bot stops
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if moved, dropped, err := s.RecoverReplies(); err != nil || moved != 1 || dropped != 0 {
		t.Fatalf("a waiting reply after a clean close: %d queued again, %d dropped (%v)", moved, dropped, err)
	}
}

// The start-up's pruning of old message ids commits only when there is one
// to forget: an empty commit costs two fsyncs and held the first reply
// after a restart behind it.
func TestPruningNothingCommitsNothing(t *testing.T) {
	s, _ := openTemp(t)
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	if err := s.MarkProcessed(storage.Meta{MsgKey: "t:1", At: at}); err != nil {
		t.Fatal(err)
	}
	c0, _ := s.CommitStats()
	if n, err := s.PruneProcessed(at.AddDate(0, 0, -7)); n != 0 || err != nil {
		t.Fatalf("%d pruned (%v)", n, err)
	}
	if c1, _ := s.CommitStats(); c1 != c0 {
		t.Fatalf("pruning nothing committed %d times", c1-c0)
	}
	if n, err := s.PruneProcessed(at.Add(time.Second)); n != 1 || err != nil {
		t.Fatalf("%d pruned (%v)", n, err)
	}
	if c2, _ := s.CommitStats(); c2 != c0+1 {
		t.Fatalf("pruning one id committed %d times", c2-c0)
	}
}

// The journal stays small while replies go out: each reply handed over is
// flagged by the next commit and deleted by the one after; a reply put
// back to wait (ReplyWaiting) is kept, however many commits follow.
func TestTheJournalForgetsHandedOverRepliesButNotWaitingOnes(t *testing.T) {
	s, _ := openTemp(t)
	waiting := journal(t, s, "还在等")
	if err := s.ReplySending(waiting); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkProcessed(storage.Meta{MsgKey: "t:0", At: time.Now()}); err != nil { // folds the mark
		t.Fatal(err)
	}
	if err := s.ReplyWaiting(waiting); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 200; i++ {
		id := journal(t, s, fmt.Sprintf("已记录 %d", i))
		if err := s.ReplySending(id); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MarkProcessed(storage.Meta{MsgKey: "t:1", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkProcessed(storage.Meta{MsgKey: "t:2", At: time.Now()}); err != nil { // nothing marked since: no fold
		t.Fatal(err)
	}
	last := journal(t, s, "最后一条")
	if err := s.ReplySending(last); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkProcessed(storage.Meta{MsgKey: "t:3", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	var left []string
	s.view(func(tx *bbolt.Tx) error {
		return tx.Bucket(bReplies).ForEach(func(_, v []byte) error {
			var q storage.Queued
			decode(v, &q)
			left = append(left, fmt.Sprintf("%s in flight %v", q.Text, q.InFlight))
			return nil
		})
	})
	if want := []string{"还在等 in flight false", "最后一条 in flight true"}; !slices.Equal(left, want) {
		t.Fatalf("the journal holds %q, want %q", left, want)
	}
}

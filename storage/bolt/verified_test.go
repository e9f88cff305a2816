package bolt

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bangfu/storage"
)

// A file closed cleanly opens without a second walk; a file changed since
// (a flipped byte at rest, a crash mid-run, another copy put in its place)
// is walked again, and a damaged record in it is still refused at open.
func TestOnlyAChangedFileIsWalkedAgainAtOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bangfu.db")
	walks := func(open func() (*Store, error)) (*Store, int64, error) {
		before := treeWalks.Load()
		s, err := open()
		return s, treeWalks.Load() - before, err
	}
	openIt := func() (*Store, error) { return Open(path, Options{}) }

	s, n, err := walks(openIt)
	if err != nil || n != 1 {
		t.Fatalf("a new file: walks %d, %v", n, err)
	}
	st := addStudent(t, s, 0, "张三")
	if _, _, err := s.AddSession(meta(1), storage.Session{StudentID: st.ID, Subject: "数学辅导标记", Minutes: 30, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, n, err = walks(openIt)
	if err != nil || n != 0 {
		t.Fatalf("the file as it was closed: walks %d, %v", n, err)
	}
	lastNote, err := os.ReadFile(path + verifiedSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AddSession(meta(2), storage.Session{StudentID: st.ID, Subject: "英语", Minutes: 20, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	// A crash: the process ends without Close, its writes on disk and the
	// note still the one of the last clean close.
	s.Close()
	if err := os.WriteFile(path+verifiedSuffix, lastNote, 0o600); err != nil {
		t.Fatal(err)
	}
	s, n, err = walks(openIt)
	if err != nil || n != 1 {
		t.Fatalf("after a crash: walks %d, %v", n, err)
	}
	s.Close()

	// A byte flipped at rest after a clean close: walked, and refused.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("数学辅导标记"))
	if i < 0 {
		t.Fatal("no record text in the file")
	}
	b[i-1] = 0x01
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, n, err = walks(openIt); err == nil || n != 1 {
		t.Fatalf("a flipped byte after a clean close: walks %d, err %v", n, err)
	}
}

// changedAtRest closes a file with a session in it, then flips a byte of it
// the way a disk would: the file system's identity of the file, which the
// note vouches for, stays as it was closed. It returns the file and its
// student.
func changedAtRest(t *testing.T) (string, storage.Student) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bangfu.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := addStudent(t, s, 0, "张三")
	if _, _, err := s.AddSession(meta(1), storage.Session{StudentID: st.ID, Subject: "数学辅导标记", Minutes: 30, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	note, err := os.ReadFile(path + verifiedSuffix)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	i := bytes.Index(b, []byte("数学辅导标记"))
	b[i-1] = 0x01
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	// The file system saw no change: the note gets the file's identity as
	// it is now, with the checksum of the file as it was closed.
	id, _ := identity(path)
	_, sum, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(string(note)), notePrefix), " | ")
	os.WriteFile(path+verifiedSuffix, []byte(notePrefix+id+" | "+sum+"\n"), 0o600)
	return path, st
}

// A file that the file system says is the one closed, but whose bytes
// changed at rest (a flipped bit on the disk), opens at once; its checksum,
// confirmed in the background, refuses every write, says so, and leaves no
// note, so the next start walks the file and refuses it.
func TestAFileChangedAtRestIsCaughtByItsChecksum(t *testing.T) {
	path, st := changedAtRest(t)
	told := make(chan error, 1)
	before := treeWalks.Load()
	s, err := Open(path, Options{OnDamage: func(err error) { told <- err }, confirmAfter: time.Nanosecond})
	if err != nil || treeWalks.Load() != before {
		t.Fatalf("a file the file system vouches for: %v, walks %d", err, treeWalks.Load()-before)
	}
	select {
	case err := <-told:
		if storage.ErrorCode(err) != storage.ECorrupt {
			t.Fatalf("told %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the checksum's mismatch was never told")
	}
	if _, _, err := s.AddSession(meta(2), storage.Session{StudentID: st.ID, Subject: "英语", Minutes: 20, At: time.Now()}); storage.ErrorCode(err) != storage.ECorrupt {
		t.Fatalf("a write onto the changed file: %v", err)
	}
	s.Close()
	if _, err := os.Stat(path + verifiedSuffix); !os.IsNotExist(err) {
		t.Fatalf("the close vouched for the changed file: %v", err)
	}
	if _, err := Open(path, Options{}); storage.ErrorCode(err) != storage.ECorrupt {
		t.Fatalf("the next start: %v", err)
	}
}

// The checksum keeps off the first replies after a restart (it starts
// confirmDelay after open), but a stop does not wait for that: Close starts
// it at once, and a file changed at rest is still caught before the close
// could vouch for it.
func TestTheChecksumWaitsForTheFirstRepliesButNotTheClose(t *testing.T) {
	path, _ := changedAtRest(t)
	told := make(chan error, 1)
	s, err := Open(path, Options{OnDamage: func(err error) { told <- err }, confirmAfter: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-told:
		t.Fatalf("the checksum ran before its time: %v", err)
	case <-s.confirmed:
		t.Fatal("the checksum ran before its time")
	default:
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case <-closed:
	case <-time.After(5 * time.Minute): // the delay is an hour
		t.Fatal("the close waited for the checksum's delay")
	}
	select {
	case err := <-told:
		if storage.ErrorCode(err) != storage.ECorrupt {
			t.Fatalf("told %v", err)
		}
	default:
		t.Fatal("the close did not confirm the checksum")
	}
	if _, err := os.Stat(path + verifiedSuffix); !os.IsNotExist(err) {
		t.Fatalf("the close vouched for the changed file: %v", err)
	}
}

// The first write after a restart does not wait for the checksum of the
// whole file: while it is held back, hundreds of writes (new records,
// records changed and deleted, so pages are freed and taken again) go
// through, and the checksum then still matches: the pages it reads are
// held as they were closed. A byte flipped at rest is still caught with
// writes going on, and stops the writes after it.
//
// (A write that grows the file past bbolt's map would wait for the
// checksum, which here waits for the test: the map's room to grow is the
// one every open gives, mapHeadroom.)
func TestWritesGoOnWhileTheChecksumIsConfirmed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bangfu.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := addStudent(t, s, 0, "张三")
	for i := 0; i < 300; i++ {
		if _, _, err := s.AddSession(meta(i+1), storage.Session{StudentID: st.ID, Subject: fmt.Sprintf("数学辅导%03d", i), Minutes: 30, At: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	held, release := make(chan struct{}), make(chan struct{})
	told := make(chan error, 1)
	open := func() *Store {
		s, err := Open(path, Options{OnDamage: func(err error) { told <- err }, beforeConfirm: func() { close(held); <-release }, confirmAfter: time.Nanosecond})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s = open()
	<-held
	wrote := make(chan error, 1)
	go func() {
		for i := 0; i < 300; i++ {
			se, _, err := s.AddSession(meta(1000+i), storage.Session{StudentID: st.ID, Subject: fmt.Sprintf("英语%03d", i), Minutes: 20, At: time.Now()})
			if err == nil && i%3 == 0 {
				_, err = s.DeleteRecord(meta(5000+i), se.No)
			}
			if err != nil {
				wrote <- err
				return
			}
		}
		wrote <- nil
	}()
	select {
	case err := <-wrote:
		if err != nil {
			t.Fatalf("a write while the checksum is held back: %v", err)
		}
	case <-time.After(5 * time.Minute): // a deadline for a hang, not a timing: a loaded disk is slow
		close(release)
		t.Fatal("the writes waited for the checksum")
	}
	close(release)
	<-s.confirmed
	select {
	case err := <-told:
		t.Fatalf("writes during the check were taken for damage: %v", err)
	default:
	}
	s.Close()

	// Flipped at rest, the file system none the wiser.
	note, _ := os.ReadFile(path + verifiedSuffix)
	b, _ := os.ReadFile(path)
	i := bytes.Index(b, []byte("数学辅导150"))
	if i < 0 {
		t.Fatal("no record text in the file")
	}
	b[i-1] ^= 0x01
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	id, _ := identity(path)
	_, rest, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(string(note)), notePrefix), " | ")
	os.WriteFile(path+verifiedSuffix, []byte(notePrefix+id+" | "+rest+"\n"), 0o600)
	held, release = make(chan struct{}), make(chan struct{})
	s = open()
	<-held
	if _, _, err := s.AddSession(meta(9000), storage.Session{StudentID: st.ID, Subject: "语文", Minutes: 20, At: time.Now()}); err != nil {
		t.Fatalf("a write before the mismatch is known: %v", err)
	}
	close(release)
	select {
	case err := <-told:
		if storage.ErrorCode(err) != storage.ECorrupt {
			t.Fatalf("told %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the mismatch was never told")
	}
	if _, _, err := s.AddSession(meta(9001), storage.Session{StudentID: st.ID, Subject: "语文", Minutes: 20, At: time.Now()}); storage.ErrorCode(err) != storage.ECorrupt {
		t.Fatalf("a write after the mismatch: %v", err)
	}
	s.Close()
}

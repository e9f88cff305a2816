package bolt

import (
	"bytes"
	"os"
	"path/filepath"
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

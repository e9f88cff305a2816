package bolt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"bangfu/storage/storagetest"

	bbolt "go.etcd.io/bbolt"

	"bangfu/storage"
)

var sh = storage.DefaultCalendar().Loc

func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "bangfu.db")
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, sh)
	s, err := Open(path, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func meta(n int) storage.Meta {
	return storage.Meta{MsgKey: fmt.Sprintf("test:%d", n), ActorID: 1, Where: "test", At: time.Date(2026, 11, 25, 10, 0, 0, 0, sh)}
}

func TestOpenCreatesPrivateFileAndRefusesASecondProcess(t *testing.T) {
	s, path := openTemp(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("database mode %v, want 0600", fi.Mode().Perm())
	}
	start := time.Now()
	_, err = Open(path, Options{Timeout: 200 * time.Millisecond})
	if !errors.Is(err, storage.ErrLocked) || !strings.Contains(err.Error(), path) {
		t.Fatalf("second open: %v, want ErrLocked naming %s", err, path)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("second open took %v", time.Since(start))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("reopen after close: %v", err)
	}
	s2.Close()
}

func TestSchemaVersionIsRecorded(t *testing.T) {
	s, _ := openTemp(t)
	var v uint64
	s.view(func(tx *bbolt.Tx) error {
		v = be(tx.Bucket(bMeta).Get(keySchemaVersion))
		return nil
	})
	if int(v) != SchemaVersion {
		t.Fatalf("schema version %d, want %d", v, SchemaVersion)
	}
}

func addStudent(t testing.TB, s *Store, n int, name string) storage.Student {
	t.Helper()
	st, _, err := s.AddStudent(meta(n), 7, 3, storage.Student{Name: name, WeeklyTarget: 2, Categories: []string{"留守儿童"}})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestAFailingWriteDoesNotSinkItsBatch(t *testing.T) {
	s, _ := openTemp(t)
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = s.update(func(tx *bbolt.Tx) error {
				if i%5 == 0 {
					return &storage.Error{Code: storage.EInvalid, Op: fmt.Sprint("bad ", i)}
				}
				if i == 7 {
					panic("boom")
				}
				return tx.Bucket(bPlatformState).Put([]byte(fmt.Sprint(i)), []byte("x"))
			})
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		want := i%5 != 0 && i != 7
		if (err == nil) != want {
			t.Errorf("write %d: err %v", i, err)
		}
		ok := false
		s.view(func(tx *bbolt.Tx) error { ok = tx.Bucket(bPlatformState).Get([]byte(fmt.Sprint(i))) != nil; return nil })
		if ok != want {
			t.Errorf("write %d stored=%v, want %v", i, ok, want)
		}
	}
}

func TestDeleteStudentLeavesNoBytesBehind(t *testing.T) {
	s, path := openTemp(t)
	st := addStudent(t, s, 0, "欧阳娜娜")
	other := addStudent(t, s, 1, "李四")
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, sh)
	for i := 0; i < 200; i++ { // enough pages that bbolt reuses free ones
		if _, _, err := s.AddSession(meta(10+i), storage.Session{StudentID: st.ID, Subject: "欧阳娜娜的数学", Minutes: 30, At: at, Note: "欧阳娜娜备注"}); err != nil {
			t.Fatal(err)
		}
	}
	s.AddContact(meta(500), storage.Contact{StudentID: st.ID, Method: "电话", Content: "和欧阳娜娜妈妈聊", At: at}, storage.Range{})
	s.AddPraise(meta(501), storage.Praise{StudentID: st.ID, Text: "欧阳娜娜进步", At: at}, []storage.Queued{{Platform: "t", ChatID: "c", Text: "欧阳娜娜进步了", NotBefore: at}})
	s.SetComment(meta(502), storage.Comment{StudentID: st.ID, Semester: "2026-09-01", Text: "欧阳娜娜评语"})
	p, _ := s.EnsurePerson("t", "u1", "c", "欧阳娜娜妈妈")
	inv, _ := s.CreateInvite(meta(503), storage.Invite{Kind: storage.InviteParent, StudentID: st.ID})
	s.UseInvite(meta(504), inv.Code, p.ID)
	s.CreateInvite(meta(505), storage.Invite{Kind: storage.InviteParent, StudentID: st.ID, Relation: "欧阳娜娜爸爸"})
	s.AddSession(meta(506), storage.Session{StudentID: other.ID, Subject: "英语", Minutes: 20, At: at})

	e, err := s.DeleteStudent(meta(600), st.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.Sessions != 200 || e.Contacts != 1 || e.Praise != 1 || e.Comments != 1 || e.Parents != 1 || e.Queued != 1 {
		t.Fatalf("erased %+v", e)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("欧阳娜娜")) {
		t.Fatal("the student's name is still in the database file")
	}
	// The rest is intact and the store still works after the swap.
	if ss, _ := s.Sessions(other.ID, time.Time{}, at.AddDate(1, 0, 0)); len(ss) != 1 {
		t.Fatalf("other student's sessions: %d", len(ss))
	}
	if _, ok, _ := s.PersonByAccount("t", "u1"); ok {
		t.Fatal("the parent bound only to the erased child is still there")
	}
	addStudent(t, s, 700, "王五")
	entries, _ := s.AuditLog(time.Time{}, at.AddDate(1, 0, 0))
	if entries[len(entries)-1].Action != "student.add" || entries[len(entries)-2].Action != "student.delete" {
		t.Fatalf("audit tail: %+v", entries[len(entries)-2:])
	}
}

func TestBackupIsAConsistentCopyWhileWriting(t *testing.T) {
	s, _ := openTemp(t)
	st := addStudent(t, s, 0, "张三")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 50; i++ {
			s.AddSession(meta(100+i), storage.Session{StudentID: st.ID, Minutes: 30, At: time.Date(2026, 11, 24, 10, 0, 0, 0, sh)})
		}
	}()
	dst := filepath.Join(t.TempDir(), "backup.db")
	if _, err := s.Backup(dst); err != nil {
		t.Fatal(err)
	}
	<-done
	b, err := Open(dst, Options{})
	if err != nil {
		t.Fatalf("backup does not open: %v", err)
	}
	defer b.Close()
	got, err := b.StudentsNamed("张三")
	if err != nil || len(got) != 1 {
		t.Fatalf("backup students: %v %v", got, err)
	}
	if fi, _ := os.Stat(dst); fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v", fi.Mode().Perm())
	}
}

func TestMigrationMovesProcessedIDs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Make it look like a schema-2 database with its own processed bucket.
	s.db.Update(func(tx *bbolt.Tx) error {
		b, _ := tx.CreateBucketIfNotExists([]byte("processed"))
		b.Put([]byte("telegram:1:2"), u64(1))
		tx.CreateBucketIfNotExists([]byte("sessions_time"))
		return tx.Bucket(bMeta).Put(keySchemaVersion, u64(2))
	})
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if ok, _ := s.Processed("telegram:1:2"); !ok {
		t.Fatal("processed id lost in the migration")
	}
	s.view(func(tx *bbolt.Tx) error {
		if tx.Bucket([]byte("processed")) != nil || tx.Bucket([]byte("sessions_time")) != nil {
			t.Error("old buckets left behind")
		}
		if v := be(tx.Bucket(bMeta).Get(keySchemaVersion)); int(v) != SchemaVersion {
			t.Errorf("schema %d", v)
		}
		return nil
	})
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, now func() time.Time) storage.Store {
		s, err := Open(filepath.Join(t.TempDir(), "bangfu.db"), Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestADamagedRecordIsAnErrorNotASkip(t *testing.T) {
	s, _ := openTemp(t)
	st := addStudent(t, s, 0, "张三")
	s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bStudents).Put(u64(st.ID), []byte("{not json")) })
	if _, err := s.AllStudents(); storage.ErrorCode(err) != storage.EInternal {
		t.Fatalf("AllStudents over a damaged record: %v", err)
	}
	if _, _, err := s.AddStudent(meta(1), 7, 3, storage.Student{Name: "张三"}); storage.ErrorCode(err) != storage.EInternal {
		t.Fatalf("a write reading a damaged record: %v", err)
	}
}

func TestMigrationNumbersOldRecordsOldestFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, _, _ := s.AddStudent(meta(1), 7, 3, storage.Student{Name: "张三"})
	day := time.Date(2026, 11, 23, 9, 0, 0, 0, sh)
	m := func(n int, at time.Time) storage.Meta { mm := meta(n); mm.At = at; return mm }
	// Stored in this order: a contact, then a session, then a comment.
	s.AddContact(m(2, day), storage.Contact{StudentID: st.ID, Method: "电话", Content: "谈作业", At: day}, storage.Range{})
	s.AddSession(m(3, day.Add(time.Hour)), storage.Session{StudentID: st.ID, Subject: "数学", Minutes: 30, At: day.AddDate(0, 0, -1)})
	s.SetComment(m(4, day.Add(2*time.Hour)), storage.Comment{StudentID: st.ID, Semester: "2026-09-01", Text: "有进步"})
	// Make it look like a schema-4 database: no numbers anywhere.
	s.db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bSessions, bContacts, bComments} {
			b := tx.Bucket(name)
			b.ForEach(func(k, v []byte) error {
				b.Put(k, bytes.Replace(v, []byte(`"No":`), []byte(`"Nx":`), 1))
				return nil
			})
		}
		tx.DeleteBucket(bRecordNos)
		return tx.Bucket(bMeta).Put(keySchemaVersion, u64(4))
	})
	s.Close()
	if s, err = Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := []string{storage.KindContact, storage.KindSession, storage.KindComment}
	for i, kind := range want {
		r, err := s.RecordByNo(uint64(i + 1))
		if err != nil || r.Kind != kind || r.No() != uint64(i+1) {
			t.Fatalf("#%d after the migration: %+v %v, want the %s", i+1, r, err, kind)
		}
	}
	se, _, _ := s.AddSession(meta(5), storage.Session{StudentID: st.ID, Subject: "语文", Minutes: 20, At: day})
	if se.No != 4 {
		t.Fatalf("the first record after the migration got #%d, want #4", se.No)
	}
}

// newestMetaFreelist reads, from the file as it is on disk, the freelist
// page of the newer of bbolt's two meta pages (0xffff… for none synced).
func newestMetaFreelist(t *testing.T, path string) uint64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pageSize := int(binary.LittleEndian.Uint32(data[16+8:]))
	var freelist, txid uint64
	for _, off := range []int{0, pageSize} {
		m := data[off+16:] // after the page header
		if tx := binary.LittleEndian.Uint64(m[48:]); tx >= txid {
			txid, freelist = tx, binary.LittleEndian.Uint64(m[32:])
		}
	}
	return freelist
}

// The freelist is written once, at the clean close, not at every commit:
// a file copied while running (as a kill leaves it) has none and still
// opens, rebuilds it and takes writes; the closed file has it.
func TestTheFreelistIsWrittenAtTheCleanClose(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bangfu.db")
	st, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if _, _, err := st.AddStudent(storage.Meta{ActorID: 1, At: time.Now()}, 7, 3, storage.Student{Name: fmt.Sprintf("学生%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	running, _ := os.ReadFile(path)
	if err := os.WriteFile(filepath.Join(dir, "killed.db"), running, 0o600); err != nil {
		t.Fatal(err)
	}
	if fl := newestMetaFreelist(t, path); fl != math.MaxUint64 {
		t.Fatalf("a commit while running wrote the freelist (page %d)", fl)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if fl := newestMetaFreelist(t, path); fl == math.MaxUint64 {
		t.Fatal("the clean close did not write the freelist")
	}
	for _, p := range []string{path, filepath.Join(dir, "killed.db")} {
		st, err := Open(p, Options{})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if _, _, err := st.AddStudent(storage.Meta{ActorID: 1, At: time.Now()}, 7, 3, storage.Student{Name: "新来的"}); err != nil {
			t.Fatalf("%s: a write after reopening: %v", p, err)
		}
		if all, _ := st.AllStudents(); len(all) != 21 {
			t.Fatalf("%s: %d students", p, len(all))
		}
		st.Close()
	}
}

// A schema-5 file keeps its number index in record_nos: migration 6 moves
// it into the audit bucket, keeps the sequence, and every number still
// finds its record; the next record takes the next number.
func TestMigrationMovesTheNumberIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := addStudent(t, s, 0, "张三")
	var nos []uint64
	for i := 0; i < 5; i++ {
		se, _, err := s.AddSession(meta(i+1), storage.Session{StudentID: st.ID, Subject: fmt.Sprintf("数学%d", i), Minutes: 30, At: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		nos = append(nos, se.No)
	}
	// Back to the schema-5 layout: the index in record_nos.
	s.db.Update(func(tx *bbolt.Tx) error {
		audit, old := tx.Bucket(bAudit), tx.Bucket(bRecordNos)
		c := audit.Cursor()
		var keys [][]byte
		for k, v := c.Seek([]byte{noPrefix}); k != nil && k[0] == noPrefix; k, v = c.Next() {
			old.Put(k[1:], v)
			keys = append(keys, append([]byte(nil), k...))
		}
		for _, k := range keys {
			audit.Delete(k)
		}
		return tx.Bucket(bMeta).Put(keySchemaVersion, u64(5))
	})
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, no := range nos {
		r, err := s.RecordByNo(no)
		if err != nil || r.Session == nil || r.Session.Subject != fmt.Sprintf("数学%d", i) {
			t.Fatalf("#%d after the migration: %+v %v", no, r, err)
		}
	}
	se, _, err := s.AddSession(meta(10), storage.Session{StudentID: st.ID, Subject: "英语", Minutes: 20, At: time.Now()})
	if err != nil || se.No != nos[len(nos)-1]+1 {
		t.Fatalf("the next number: #%d %v", se.No, err)
	}
	s.view(func(tx *bbolt.Tx) error {
		if k, _ := tx.Bucket(bRecordNos).Cursor().First(); k != nil {
			t.Error("record_nos still holds entries")
		}
		if v := be(tx.Bucket(bMeta).Get(keySchemaVersion)); int(v) != SchemaVersion {
			t.Errorf("schema %d", v)
		}
		return nil
	})
	// The audit log reads entries only, not the index.
	entries, err := s.AuditLog(time.Date(2026, 11, 1, 0, 0, 0, 0, sh), time.Date(2027, 1, 1, 0, 0, 0, 0, sh))
	if err != nil || len(entries) != 7 { // the student, six sessions
		t.Fatalf("the audit log: %d entries, %v", len(entries), err)
	}
	for _, e := range entries {
		if e.Action == "" {
			t.Fatalf("an index entry read as an audit entry: %+v", e)
		}
	}
}

// Processed ids keyed by message key (schema 6) are keyed by time after
// the migration: a redelivery is still refused, after a restart too, and
// pruning forgets by time.
func TestMigrationKeysProcessedIDsByTime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	old, recent := time.Date(2026, 11, 1, 9, 0, 0, 0, sh), time.Date(2026, 11, 25, 9, 0, 0, 0, sh)
	s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bAudit)
		b.Put(append([]byte{processedPrefix}, "telegram:1:2"...), u64(unix(old)))
		b.Put(append([]byte{processedPrefix}, "telegram:1:3"...), u64(unix(recent)))
		return tx.Bucket(bMeta).Put(keySchemaVersion, u64(6))
	})
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"telegram:1:2", "telegram:1:3"} {
		if ok, _ := s.Processed(k); !ok {
			t.Fatalf("%s lost in the migration", k)
		}
	}
	if err := s.MarkProcessed(storage.Meta{MsgKey: "telegram:1:3", At: time.Now()}); !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("a redelivery after the migration: %v", err)
	}
	if n, err := s.PruneProcessed(old.Add(time.Hour)); n != 1 || err != nil {
		t.Fatalf("pruned %d (%v), want the old id", n, err)
	}
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if ok, _ := s.Processed("telegram:1:2"); ok {
		t.Error("the pruned id came back")
	}
	if ok, _ := s.Processed("telegram:1:3"); !ok {
		t.Error("the recent id was lost at the restart")
	}
	s.view(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bAudit).Cursor()
		k, _ := c.Seek([]byte{processedPrefix})
		if msgKey, at, ok := processedParts(k); !ok || msgKey != "telegram:1:3" || !at.Equal(recent) {
			t.Errorf("the id is kept as %q", k)
		}
		return nil
	})
}

// A message handled just before the process was killed is refused when the
// platform delivers it again to the restarted bot.
func TestARedeliveryAfterAKillIsRefused(t *testing.T) {
	s, path := openTemp(t)
	st := addStudent(t, s, 0, "张三")
	if _, _, err := s.AddSession(meta(1), storage.Session{StudentID: st.ID, Subject: "数学", Minutes: 30, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	killed := filepath.Join(t.TempDir(), "killed.db")
	crashCopy(t, path, killed)
	s2, err := Open(killed, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, _, err := s2.AddSession(meta(1), storage.Session{StudentID: st.ID, Subject: "数学", Minutes: 30, At: time.Now()}); !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("the redelivery after the kill: %v", err)
	}
}

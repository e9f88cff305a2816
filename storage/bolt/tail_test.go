package bolt

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"bangfu/storage"
)

// logAt stores a session as /log does: its message marked processed, its
// reply journaled with it and then handed to the platform.
func logAt(t *testing.T, s *Store, student uint64, i int, at time.Time) storage.Session {
	t.Helper()
	m := storage.Meta{MsgKey: fmt.Sprintf("chat:%d", i), ActorID: 1, Where: "test", At: at,
		Reply: &storage.Queued{Platform: "t", ChatID: "c", Text: "已记录"}}
	se, _, err := s.AddSession(m, storage.Session{StudentID: student, At: at, Subject: "数学辅导", Minutes: 30})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReplySending(m.Reply.ID); err != nil {
		t.Fatal(err)
	}
	return se
}

// auditKeys counts the audit keys in the audit bucket and in its tail.
func auditKeys(s *Store) (inAudit, inTail int) {
	s.view(func(tx *bbolt.Tx) error {
		inAudit, inTail = tx.Bucket(bAudit).Stats().KeyN, tx.Bucket(bAuditTail).Stats().KeyN
		return nil
	})
	return inAudit, inTail
}

// New audit keys wait in the tail until it is moved into the audit bucket;
// every reader sees both as one: the audit log, record numbers, /undo, the
// processed ids after a restart, their pruning and the snapshot.
func TestTheAuditTailAndTheAuditBucketReadAsOne(t *testing.T) {
	s, path := openTemp(t)
	st := addStudent(t, s, 0, "张三")
	base := time.Date(2026, 11, 20, 8, 0, 0, 0, sh)
	minute := func(i int) time.Time { return base.Add(time.Duration(i) * time.Minute) }
	const n = 40
	for i := 0; i < n; i++ {
		if se := logAt(t, s, st.ID, i, minute(i)); se.No != uint64(i+1) {
			t.Fatalf("log %d got number %d", i, se.No)
		}
	}
	if inAudit, inTail := auditKeys(s); inAudit == 0 || inTail == 0 {
		t.Fatalf("after %d logs: %d keys in the audit bucket, %d in the tail; want some in each", n, inAudit, inTail)
	}

	entries, err := s.AuditLog(base, minute(n))
	if err != nil || len(entries) != n {
		t.Fatalf("audit log: %d entries (%v), want %d", len(entries), err, n)
	}
	for i, e := range entries {
		if !e.At.Equal(minute(i)) || e.Action != "session.add" {
			t.Fatalf("entry %d: %s at %v, want session.add at %v", i, e.Action, e.At, minute(i))
		}
	}
	if mid, _ := s.AuditLog(minute(10), minute(n-3)); len(mid) != n-13 {
		t.Fatalf("audit log of minutes 10 to %d: %d entries, want %d", n-3, len(mid), n-13)
	}
	for no := uint64(1); no <= n; no++ {
		r, err := s.RecordByNo(no)
		if err != nil || r.Session == nil || !r.Session.At.Equal(minute(int(no-1))) {
			t.Fatalf("record #%d: %+v (%v)", no, r, err)
		}
	}
	// The oldest number was moved into the audit bucket, the newest waits in the tail.
	for i, no := range []uint64{1, n} {
		if _, err := s.DeleteRecord(meta(100+i), no); err != nil {
			t.Fatalf("deleting #%d: %v", no, err)
		}
		if _, err := s.RecordByNo(no); err == nil {
			t.Fatalf("#%d is still found after its deletion", no)
		}
	}
	u, err := s.Undo(storage.Meta{MsgKey: "chat:undo", ActorID: 1, At: minute(n)}, base)
	if err != nil || u.Kind != storage.KindSession {
		t.Fatalf("undo: %+v (%v)", u, err)
	}
	if _, err := s.RecordByNo(n - 1); err == nil {
		t.Fatalf("undo left #%d, the newest record", n-1)
	}

	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, k := range []string{"chat:0", fmt.Sprintf("chat:%d", n-1)} {
		if seen, _ := s.Processed(k); !seen {
			t.Fatalf("after a restart %s is not known as processed", k)
		}
	}
	if pruned, err := s.PruneProcessed(minute(n / 2)); err != nil || pruned != n/2 {
		t.Fatalf("pruning the first half: %d ids forgotten (%v), want %d", pruned, err, n/2)
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	// The student, the logs, two deletions and the undo.
	if len(snap.Audit) != 1+n+3 || len(snap.Processed) != n/2+4 {
		t.Fatalf("snapshot: %d audit entries, %d processed ids; want %d and %d", len(snap.Audit), len(snap.Processed), 1+n+3, n/2+4)
	}
}

// A /log on a year.s audit trail (8,000 records: a tree three levels deep) rewrites about
// six pages, as a raw Put into such a tree does (five), not the eleven it
// took when its audit entry, number and message id each rewrote a leaf
// and its branch of the audit bucket.
func TestALogRewritesFewPagesOfAYearsAuditTrail(t *testing.T) {
	s, _ := openTemp(t)
	st := addStudent(t, s, 0, "张三")
	base := time.Date(2025, 9, 1, 8, 0, 0, 0, sh)
	err := s.Bulk(meta(1), func(b storage.Bulk) error {
		for i := 0; i < 8000; i++ {
			at := base.Add(time.Duration(i) * 20 * time.Minute)
			if err := b.Session(storage.Session{StudentID: st.ID, AuthorID: 1, At: at, Subject: "数学辅导", Minutes: 30, CreatedAt: at}); err != nil {
				return err
			}
			if err := b.MarkProcessed(fmt.Sprintf("old:%d", i), at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	now := base.Add(8000 * 20 * time.Minute)
	p0 := s.PagesWritten()
	const logs = 100
	for i := 0; i < logs; i++ {
		logAt(t, s, st.ID, i, now.Add(time.Duration(i)*time.Minute))
	}
	t.Logf("%.2f pages per /log", float64(s.PagesWritten()-p0)/logs)
	if per := float64(s.PagesWritten()-p0) / logs; per > 8 {
		t.Fatalf("a /log wrote %.1f pages, want at most 8", per)
	}
}

// A file from before the tail gets one at its migration, numbered on from
// the audit bucket's sequence: entries of one instant keep distinct keys
// once the tail is moved into the audit bucket.
func TestMigrationAddsTheAuditTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, sh)
	read := func(s *Store, msgKey string) {
		t.Helper()
		if err := s.AuditRead(storage.Meta{MsgKey: msgKey, ActorID: 1, At: at}, "student.read", ""); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3; i++ {
		read(s, fmt.Sprintf("chat:%d", i))
	}
	// Made a schema-7 file: every key in the audit bucket, no tail.
	if err := s.db.Update(func(tx *bbolt.Tx) error {
		if err := moveAuditTail(tx); err != nil {
			return err
		}
		if err := tx.DeleteBucket(bAuditTail); err != nil {
			return err
		}
		if err := tx.Bucket(bAudit).SetSequence(3); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(keySchemaVersion, u64(7))
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	read(s, "chat:3")
	if err := s.update(func(tx *bbolt.Tx) error { return moveAuditTail(tx) }); err != nil {
		t.Fatal(err)
	}
	if entries, err := s.AuditLog(at, at.Add(time.Second)); err != nil || len(entries) != 4 {
		t.Fatalf("after the migration: %d entries of that instant (%v), want 4", len(entries), err)
	}
}

// The merged cursor walks any split of keys between the audit bucket and
// its tail as one sorted sequence, forward from any key and backward from
// any key.
func TestTheAuditCursorMergesAnySplit(t *testing.T) {
	s, _ := openTemp(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 20; round++ {
		var all [][]byte
		err := s.update(func(tx *bbolt.Tx) error {
			for _, name := range [][]byte{bAudit, bAuditTail} {
				if err := tx.DeleteBucket(name); err != nil {
					return err
				}
				if _, err := tx.CreateBucket(name); err != nil {
					return err
				}
			}
			for i := 0; i < rng.IntN(200); i++ {
				k := []byte{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(i)}
				b := tx.Bucket(bAudit)
				if rng.IntN(3) == 0 {
					b = tx.Bucket(bAuditTail)
				}
				if err := b.Put(k, k); err != nil {
					return err
				}
				all = append(all, k)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(all, bytes.Compare)
		probe := []byte{byte(rng.IntN(256)), byte(rng.IntN(256))}
		s.view(func(tx *bbolt.Tx) error {
			var fwd, back [][]byte
			c := newAuditCursor(tx)
			for k, v := c.seek(probe); k != nil; k, v = c.next() {
				if !bytes.Equal(k, v) {
					t.Fatalf("key %x has value %x", k, v)
				}
				fwd = append(fwd, k)
			}
			c = newAuditCursor(tx)
			for k, _ := c.seekBefore(probe); k != nil; k, _ = c.prev() {
				back = append(back, k)
			}
			i := sort.Search(len(all), func(i int) bool { return bytes.Compare(all[i], probe) >= 0 })
			wantBack := slices.Clone(all[:i])
			slices.Reverse(wantBack)
			if !slices.EqualFunc(fwd, all[i:], bytes.Equal) || !slices.EqualFunc(back, wantBack, bytes.Equal) {
				t.Fatalf("round %d from %x: forward %x, want %x; backward %x, want %x", round, probe, fwd, all[i:], back, wantBack)
			}
			return nil
		})
	}
}

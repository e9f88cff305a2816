// Package bolt is bangfu's embedded storage engine: one school's records in
// one bbolt file (students, people, groups, invites, tutoring sessions,
// contacts, praise, comments, meetings, the audit log, processed message ids
// and the durable outbox), behind the storage package's interfaces.
package bolt

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	gojson "github.com/goccy/go-json"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"bangfu/storage"
)

// The services this engine provides.
var (
	_ storage.Store                = (*Store)(nil)
	_ storage.SchoolService        = (*Store)(nil)
	_ storage.PersonService        = (*Store)(nil)
	_ storage.GroupService         = (*Store)(nil)
	_ storage.InviteService        = (*Store)(nil)
	_ storage.RecordService        = (*Store)(nil)
	_ storage.AuditService         = (*Store)(nil)
	_ storage.OutboxService        = (*Store)(nil)
	_ storage.PlatformStateService = (*Store)(nil)
	_ storage.RunService           = (*Store)(nil)
	_ storage.Bulk                 = (*bulk)(nil)
)

// Every bucket, declared in one place.
var (
	bMeta            = []byte("meta")
	bClasses         = []byte("classes")        // id → Class
	bClassByGrade    = []byte("class_by_grade") // [grade 8][number 8] → id
	bStudents        = []byte("students")       // id → Student
	bStudentsByClass = []byte("students_class") // [class 8][student 8] → nil
	bStudentsByName  = []byte("students_name")  // name 0x00 [student 8] → nil
	bPeople          = []byte("people")         // id → Person
	bAccounts        = []byte("accounts")       // platform 0x00 userID → person id
	bGroups          = []byte("groups")         // platform 0x00 chatID → Group
	bInvites         = []byte("invites")        // code → Invite
	bSessions        = []byte("sessions")       // [student 8][unix 8][id 8] → Session
	bContacts        = []byte("contacts")       // as sessions
	bPraise          = []byte("praise")         //
	bComments        = []byte("comments")       // [student 8][author 8] semester 0x00 → Comment
	bMeetings        = []byte("meetings")       // [unix 8][id 8] → Meeting
	bAudit           = []byte("audit")          // [unixnano 8][seq 8] → AuditEntry; 0xfe [no 8] → kind byte, record key (#37 → the record); 0xff [unix 8] msg key → nothing (processed messages, by time: processed.go); the newest keys wait in audit_tail (tail.go)
	bOutbox          = []byte("outbox")         // [notBefore unix 8][id 8] → Queued
	bOutboxKeys      = []byte("outbox_keys")    // dedupe key → unix seconds it was queued
	bPlatformState   = []byte("platform_state") // free-form per-platform values (offsets, sessions)
	bReplies         = []byte("replies")        // [id 8] → Queued: replies waiting for their turn (JournalReply)
	bRecordNos       = []byte("record_nos")     // empty: its sequence numbers the records (#37)
)

var allBuckets = [][]byte{
	bMeta, bClasses, bClassByGrade, bStudents, bStudentsByClass, bStudentsByName,
	bPeople, bAccounts, bGroups, bInvites, bSessions, bContacts, bPraise, bComments,
	bMeetings, bAudit, bOutbox, bOutboxKeys, bPlatformState, bReplies, bRecordNos,
	bAuditTail,
}

var keySchemaVersion = []byte("schema_version")

// migrations run in order, each in its own transaction; the meta bucket
// remembers how many have run.
var migrations = []func(tx *bbolt.Tx) error{
	func(tx *bbolt.Tx) error { // 1: the buckets
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	},
	func(tx *bbolt.Tx) error { // 2: the audit log serves /undo; pruning scans processed ids
		return dropBuckets(tx, "by_author", "processed_time")
	},
	func(tx *bbolt.Tx) error { // 3: no time indexes; processed ids live in the audit bucket
		if old := tx.Bucket([]byte("processed")); old != nil {
			audit := tx.Bucket(bAudit)
			// keyed by message key then (migration 7 keys them by time)
			if err := old.ForEach(func(k, v []byte) error { return audit.Put(append([]byte{processedPrefix}, k...), v) }); err != nil {
				return err
			}
		}
		return dropBuckets(tx, "processed", "sessions_time", "contacts_time", "praise_time")
	},
	func(tx *bbolt.Tx) error { // 4: the journal of replies waiting for their turn
		_, err := tx.CreateBucketIfNotExists(bReplies)
		return err
	},
	numberExistingRecords, // 5: record numbers (#37) for /history, /edit and /delete
	moveNumberIndex,       // 6: the number index into the audit bucket (one tree fewer per /log)
	keyProcessedByTime,    // 7: processed ids appended by time, looked up in memory (processed.go)
	createAuditTail,       // 8: new audit keys gather in a small bucket first (tail.go)
}

func dropBuckets(tx *bbolt.Tx, names ...string) error {
	for _, name := range names {
		if tx.Bucket([]byte(name)) != nil {
			if err := tx.DeleteBucket([]byte(name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// SchemaVersion is the version a freshly opened database is migrated to.
var SchemaVersion = len(migrations)

// Store is the bbolt-backed store. Writes go through a group committer so
// concurrent callers share one fsync while each still waits for its own.
type Store struct {
	path string
	Cal  storage.Calendar
	Now  func() time.Time

	mu sync.RWMutex // held shared by every operation; exclusively to swap the file
	db *bbolt.DB

	// Group commit: the first writer to arrive commits everything pending in
	// one transaction; writers arriving meanwhile wait, and the next of them
	// leads the following commit. A lone writer commits at once, with no
	// hand-off and no delay.
	cmu             sync.Mutex
	pending         []*writeReq
	leading         bool
	commits, writes atomic.Uint64

	// marks are the replies handed to their platform, kept beside the
	// file until a commit folds them in (sending.go).
	marks *sendingMarks
	// seen are the processed message ids (processed.go).
	seen *processedSet
	// flagged are the journal's replies this process's folds flagged in
	// flight and has not deleted yet; only the committer touches it.
	flagged []uint64
	// confirmed closes once the file's checksum is confirmed (or was not
	// needed); damage is set when it did not match (verified.go), perhaps
	// while writes go on.
	confirmed chan struct{}
	damage    atomic.Pointer[error]
	// hurry starts the checksum before its delay is out (awaitConfirmed).
	hurry     chan struct{}
	hurryOnce sync.Once
	// beforeConfirm, set by tests, runs before the checksum is taken.
	beforeConfirm func()
}

// CommitStats reports how many transactions were committed for how many
// writes: writes/commits is the group commit's batching.
func (s *Store) CommitStats() (commits, writes uint64) { return s.commits.Load(), s.writes.Load() }

// PagesWritten counts the page writes of every commit so far (the meta
// page included), what an fsync has to put on the disk.
func (s *Store) PagesWritten() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return 0
	}
	st := s.db.Stats()
	return st.TxStats.GetWrite()
}

type writeReq struct {
	fn   func(tx *bbolt.Tx) error
	done chan error
	lead chan struct{}
}

// Options of Open.
type Options struct {
	Calendar storage.Calendar
	Now      func() time.Time
	Timeout  time.Duration // waiting for the file lock; default 1s
	// OnDamage is told when the checksum confirmed after opening does not
	// match (the file changed at rest); every write is refused from then.
	OnDamage func(error)
	// beforeConfirm (tests) runs in the background before the checksum;
	// mapHeadroom (tests) replaces mapHeadroom.
	beforeConfirm func()
	mapHeadroom   int
	// confirmAfter (tests) replaces confirmDelay.
	confirmAfter time.Duration
}

// Open opens (creating 0600 if needed) the database at path and migrates it.
// A second process on the same file gets ErrLocked naming the file.
func Open(path string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Calendar.Loc == nil {
		opt.Calendar = storage.DefaultCalendar()
	}
	if opt.Timeout == 0 {
		opt.Timeout = time.Second
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("creating the database folder %s: %w", dir, err)
		}
	}
	if err := checkFile(path); err != nil {
		return nil, err
	}
	headroom := mapHeadroom
	if opt.mapHeadroom != 0 {
		headroom = opt.mapHeadroom
	}
	db, err := openBolt(path, opt.Timeout, headroom)
	if err != nil {
		return nil, err
	}
	pages, sum, trusted := unchangedSinceCleanClose(path)
	if !trusted {
		treeWalks.Add(1)
		if err := checkTree(db, path); err != nil {
			db.Close()
			return nil, err
		}
	}
	s := &Store{path: path, Cal: opt.Calendar, Now: opt.Now, db: db, confirmed: make(chan struct{}), hurry: make(chan struct{}), beforeConfirm: opt.beforeConfirm}
	if trusted {
		// The pages as they were closed, held until their checksum is
		// confirmed; begun before any write.
		snapshot, err := db.Begin(false)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("opening database %s: %w", path, err)
		}
		after := confirmDelay
		if opt.confirmAfter != 0 {
			after = opt.confirmAfter
		}
		go s.confirm(snapshot, pages, sum, after, opt.OnDamage)
	} else {
		close(s.confirmed)
	}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	s.seen = newProcessedSet()
	s.seen.loadAtOpen(s.db)
	// Semesters started from chat join the configured one in the calendar
	// every part of bangfu shares.
	terms, err := s.StartedTerms()
	if err != nil {
		db.Close()
		return nil, err
	}
	s.Cal.SetStartedTerms(terms)
	if s.marks, err = openSendingMarks(path + sendingSuffix); err != nil {
		db.Close()
		return nil, err
	}
	// What a crash left marked goes into the database at once, so every
	// reader of the file (a snapshot, a backup) sees it.
	if marked, _ := s.marks.pending(); len(marked) > 0 {
		if err := s.update(func(*bbolt.Tx) error { return nil }); err != nil {
			s.marks.close()
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

func openBolt(path string, timeout time.Duration, headroom int) (db *bbolt.DB, err error) {
	// bbolt panics on a garbage freelist page while opening.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, corrupt(path, DamageTree, fmt.Errorf("%v", r))
		}
	}()
	// The freelist is not written at every commit (on a year's file it is
	// four of the fifteen pages a /log writes); a clean close writes it
	// once (see Close), so the next open reads it from its page. After a
	// crash bbolt rebuilds it by walking the pages, at the first write,
	// after the walk that checks such a file anyway.
	//
	// A write that grows the file past bbolt's map waits for every reader
	// to end, the snapshot the checksum at open reads from among them
	// (verified.go), which lives confirmDelay and the checksum's time: the
	// file is mapped with room to grow by headroom first (address space
	// only: pages not read take no memory).
	var initial int
	if headroom > 0 {
		if fi, err := os.Stat(path); err == nil {
			initial = int(fi.Size()) + headroom
		}
	}
	db, err = bbolt.Open(path, 0o600, &bbolt.Options{Timeout: timeout, FreelistType: bbolt.FreelistMapType, NoFreelistSync: true, InitialMmapSize: initial})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, &storage.Error{Code: storage.ELocked, Op: "Open", Subject: path,
			Err: fmt.Errorf("%s: another bangfu is running on this file; stop it first, or use `bangfu backup` to copy it while it runs", path)}
	}
	if err != nil {
		return nil, fmt.Errorf("opening database %s: %w", path, err)
	}
	return db, nil
}

// mapHeadroom is how much the file may grow after open before bbolt maps it
// anew; a school writes a few megabytes a month.
const mapHeadroom = 32 << 20

// Path is the database file.
func (s *Store) Path() string { return s.path }

func (s *Store) migrate() error {
	for first := true; ; first = false {
		var version int
		if err := s.db.View(func(tx *bbolt.Tx) error {
			if b := tx.Bucket(bMeta); b != nil {
				if v := b.Get(keySchemaVersion); len(v) == 8 {
					version = int(binary.BigEndian.Uint64(v))
				}
			}
			return nil
		}); err != nil {
			return err
		}
		if version > len(migrations) {
			return fmt.Errorf("database %s has schema version %d, newer than this bangfu (%d): update bangfu", s.path, version, len(migrations))
		}
		if version == len(migrations) {
			return nil
		}
		if first {
			// A migration rewrites much of the file: the checksum of the
			// file as it was closed is confirmed first.
			s.awaitConfirmed()
			if err := s.damaged(); err != nil {
				return err
			}
		}
		if err := s.db.Update(func(tx *bbolt.Tx) error {
			if err := migrations[version](tx); err != nil {
				return fmt.Errorf("migration %d: %w", version+1, err)
			}
			meta, err := tx.CreateBucketIfNotExists(bMeta)
			if err != nil {
				return err
			}
			return meta.Put(keySchemaVersion, u64(uint64(version+1)))
		}); err != nil {
			return err
		}
	}
}

// Close waits for writes in flight and closes the file.
func (s *Store) Close() error {
	s.awaitConfirmed()
	s.foldMarks() // the marks go into the file before it is closed
	s.forgetHandedOver()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return nil
	}
	if s.marks.close() == nil {
		if marked, _ := s.marks.pending(); len(marked) == 0 {
			os.Remove(s.path + sendingSuffix)
		}
	}
	// Every write has returned (they hold mu): the file is final and still
	// locked against other processes.
	damaged := s.damaged()
	if damaged == nil {
		s.db.NoFreelistSync = false // one commit writes the freelist for the next open
		damaged = s.db.Update(func(*bbolt.Tx) error { return nil })
	}
	if damaged != nil {
		os.Remove(s.path + verifiedSuffix)
	} else if err := noteCleanClose(s.db, s.path); err != nil {
		os.Remove(s.path + verifiedSuffix)
	}
	err := s.db.Close()
	s.db = nil
	return err
}

// damaged is the damage the checksum at open found, if any.
func (s *Store) damaged() error {
	if p := s.damage.Load(); p != nil {
		return *p
	}
	return nil
}

// update runs fn in a write transaction that is fsynced before it returns.
// Concurrent callers are committed together; fn may run more than once (when
// another caller's fn fails the transaction is redone without it), so it must
// only touch the transaction and its own result variables.
func (s *Store) update(fn func(tx *bbolt.Tx) error) error {
	// Not waiting for the checksum at open: its pages are held as they were.
	if err := s.damaged(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return errors.New("storage: closed")
	}
	req := &writeReq{fn: fn, done: make(chan error, 1), lead: make(chan struct{}, 1)}
	s.cmu.Lock()
	s.pending = append(s.pending, req)
	if s.leading {
		s.cmu.Unlock()
		select {
		case err := <-req.done: // committed by another writer's transaction
			return err
		case <-req.lead: // our turn to commit what is pending
		}
	} else {
		s.leading = true
		s.cmu.Unlock()
	}
	// Lead a few commits in a row while writers keep arriving (waking the
	// next leader costs more than committing on), then hand over so that no
	// writer waits for others for long.
	const maxBatch, maxRounds = 1000, 4
	for round := 0; ; round++ {
		s.cmu.Lock()
		if len(s.pending) == 0 {
			s.leading = false
			s.cmu.Unlock()
			break
		}
		if round == maxRounds {
			s.pending[0].lead <- struct{}{}
			s.cmu.Unlock()
			break
		}
		n := min(len(s.pending), maxBatch)
		batch := append([]*writeReq(nil), s.pending[:n]...)
		s.pending = s.pending[n:]
		s.cmu.Unlock()
		s.commit(batch)
	}
	return <-req.done
}

// foldMarks commits the pending reply marks, when there are any.
func (s *Store) foldMarks() {
	if s.marks == nil {
		return
	}
	if marked, _ := s.marks.pending(); len(marked) > 0 {
		s.update(func(*bbolt.Tx) error { return nil })
	}
}

func (s *Store) commit(batch []*writeReq) {
	s.commits.Add(1)
	s.writes.Add(uint64(len(batch)))
	// Every commit carries the reply marks made since the last one.
	marks, at := s.marks.pending()
	for len(batch) > 0 {
		failed, ferr := -1, error(nil)
		var flagged []uint64
		err := s.db.Update(func(tx *bbolt.Tx) error {
			s.seen.begin()
			var err error
			if flagged, err = foldSending(tx, marks, s.flagged); err != nil {
				return err
			}
			for i, r := range batch {
				if err := callSafely(r.fn, tx); err != nil {
					failed, ferr = i, err
					return err
				}
			}
			return flushAuditTail(tx)
		})
		if failed >= 0 {
			batch[failed].done <- ferr
			batch = append(batch[:failed:failed], batch[failed+1:]...)
			continue
		}
		if err == nil {
			s.seen.commit()
			s.marks.folded(marks, at)
			s.flagged = flagged
		}
		for _, r := range batch {
			r.done <- err
		}
		return
	}
}

// callSafely turns a panic in fn into an error so one bad write cannot stop
// the committer that every other write depends on.
func callSafely(fn func(*bbolt.Tx) error, tx *bbolt.Tx) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if f, ok := r.(decodeFailure); ok {
				err = decodeError(f)
				return
			}
			slog.Error("panic in a storage write", "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("storage: panic: %v", r)
		}
	}()
	return fn(tx)
}

// view runs fn in a read transaction.
func (s *Store) view(fn func(tx *bbolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return errors.New("storage: closed")
	}
	return s.db.View(func(tx *bbolt.Tx) (err error) {
		// A page damaged after start-up faults past the map: a panic the
		// caller recovers, not the death of the process.
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() {
			if r := recover(); r != nil {
				f, ok := r.(decodeFailure)
				if !ok {
					panic(r)
				}
				err = decodeError(f)
			}
		}()
		return fn(tx)
	})
}

// Backup writes a consistent copy of the database to path, fsyncs it and
// renames it into place, so a half-written backup never looks complete.
func (s *Store) Backup(path string) (int64, error) {
	s.foldMarks() // a copy restored later must not send a reply's stand-in again
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.view(func(tx *bbolt.Tx) error {
		var werr error
		n, werr = tx.WriteTo(f)
		return werr
	})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, err
	}
	return n, syncDir(filepath.Dir(path))
}

// compact rewrites the database into a fresh file and swaps it in atomically,
// so the bytes of deleted records (left in bbolt's free pages) are gone.
func (s *Store) compact() error {
	s.awaitConfirmed()
	if err := s.damaged(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return errors.New("storage: closed")
	}
	tmp := s.path + ".compact"
	os.Remove(tmp)
	dst, err := bbolt.Open(tmp, 0o600, &bbolt.Options{Timeout: time.Second, FreelistType: bbolt.FreelistMapType})
	if err != nil {
		return err
	}
	if err := bbolt.Compact(dst, s.db, 4<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		os.Remove(tmp)
		return err
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := s.db.Close(); err != nil {
		return err
	}
	s.db = nil
	renameErr := os.Rename(tmp, s.path)
	if renameErr == nil {
		renameErr = syncDir(filepath.Dir(s.path))
	}
	db, err := openBolt(s.path, time.Second, 0)
	if err != nil {
		return err
	}
	s.db = db
	return renameErr
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// ---- encoding helpers ----

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func key(parts ...uint64) []byte {
	b := make([]byte, 8*len(parts))
	for i, p := range parts {
		binary.BigEndian.PutUint64(b[8*i:], p)
	}
	return b
}

func unix(t time.Time) uint64 {
	if t.Unix() < 0 {
		return 0
	}
	return uint64(t.Unix())
}

// unixNano clamps times outside 1970–2262 so they sort at the ends.
func unixNano(t time.Time) uint64 {
	switch {
	case t.Year() < 1970:
		return 0
	case t.Year() > 2261:
		return 1<<63 - 1
	}
	return uint64(t.UnixNano())
}

func putJSON(b *bbolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

func getJSON(b *bbolt.Bucket, k []byte, v any) bool {
	data := b.Get(k)
	if data == nil {
		return false
	}
	decode(data, v)
	return true
}

// decodeFailure carries a stored value that would not decode out of its
// transaction as a panic, turned into an error at the transaction's boundary
// (view, callSafely): no caller can skip a damaged record silently.
type decodeFailure struct{ err error }

func decode(data []byte, v any) {
	if err := gojson.Unmarshal(data, v); err != nil {
		panic(decodeFailure{err})
	}
}

// decodeError is the error a decodeFailure becomes.
func decodeError(f decodeFailure) error {
	return &storage.Error{Code: storage.EInternal, Op: "decode", Err: f.err}
}

// nextID returns the next sequence number of a bucket.
func nextID(b *bbolt.Bucket) uint64 {
	id, _ := b.NextSequence() // fails only on a read-only tx
	return id
}

func strKey(parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += len(p) + 1
	}
	b := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return b
}

// auditRecord appends the audit entry of an added record, naming it so
// /undo can find the actor's latest record.
func auditRecord(tx *bbolt.Tx, m storage.Meta, action, kind string, ref []byte, student uint64) error {
	e := storage.AuditEntry{At: m.At, ActorID: m.ActorID, Action: action, Where: m.Where, Kind: kind, Ref: ref}
	if student != 0 {
		e.StudentIDs = []uint64{student}
	}
	return putAudit(tx, e)
}

// audit appends an audit entry inside a write.
func audit(tx *bbolt.Tx, m storage.Meta, action string, detail string, students ...uint64) error {
	return putAudit(tx, storage.AuditEntry{At: m.At, ActorID: m.ActorID, Action: action, StudentIDs: students, Where: m.Where, Detail: detail})
}

// putAudit appends e to the audit tail. The sequence that tells entries of
// one instant apart is the tail's: taking the audit bucket's would make
// bbolt rewrite that bucket's root page at every commit.
func putAudit(tx *bbolt.Tx, e storage.AuditEntry) error {
	b := auditAppend(tx)
	return putJSON(b, key(unixNano(e.At), nextID(b)), e)
}

func be(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// notFound is a missing student (studentID) or class (classID).
func notFound(op string, studentID, classID uint64) error {
	return &storage.Error{Code: storage.ENotFound, Op: op, StudentID: studentID, ClassID: classID}
}

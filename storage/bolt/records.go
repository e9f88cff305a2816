package bolt

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
	"time"

	bbolt "go.etcd.io/bbolt"

	"bangfu/storage"
)

// recordBuckets describes a kind of dated record kept per student, keyed
// [student][unix][id]: "this student this week" is one range scan, "the
// whole school last week" one per student (600 seeks take about a
// millisecond). A separate time index would cost every /log a bucket more,
// about 8 % of the commit rate.
type recordBuckets struct {
	kind string
	main []byte
}

var (
	sessionRecords = recordBuckets{storage.KindSession, bSessions}
	contactRecords = recordBuckets{storage.KindContact, bContacts}
	praiseRecords  = recordBuckets{storage.KindPraise, bPraise}
)

// studentLives refuses a record for a student who is not (or no longer)
// on the register: one erased between the command's read and its write
// leaves no record behind.
func studentLives(tx *bbolt.Tx, op string, id uint64) error {
	if tx.Bucket(bStudents).Get(u64(id)) == nil {
		return notFound(op, id, 0)
	}
	return nil
}

func putRecord(tx *bbolt.Tx, rb recordBuckets, student uint64, at time.Time, id uint64, v any) ([]byte, error) {
	k := key(student, unix(at), id)
	if err := putJSON(tx.Bucket(rb.main), k, v); err != nil {
		return nil, err
	}
	return k, nil
}

func deleteRecord(tx *bbolt.Tx, rb recordBuckets, k []byte) error {
	if len(k) != 24 {
		return nil
	}
	return tx.Bucket(rb.main).Delete(k)
}

// scanStudent decodes a student's records with from <= time < to, oldest first.
func scanStudent[T any](tx *bbolt.Tx, rb recordBuckets, student uint64, from, to time.Time) []T {
	var out []T
	c := tx.Bucket(rb.main).Cursor()
	start, end := key(student, unix(from)), key(student, unix(to))
	for k, v := c.Seek(start); k != nil && bytes.Compare(k[:16], end) < 0 && be(k) == student; k, v = c.Next() {
		var r T
		decode(v, &r)
		out = append(out, r)
	}
	return out
}

// countStudent counts without decoding.
func countStudent(tx *bbolt.Tx, rb recordBuckets, student uint64, from, to time.Time) int {
	n := 0
	c := tx.Bucket(rb.main).Cursor()
	start, end := key(student, unix(from)), key(student, unix(to))
	for k, _ := c.Seek(start); k != nil && bytes.Compare(k[:16], end) < 0 && be(k) == student; k, _ = c.Next() {
		n++
	}
	return n
}

// countContacts counts the contacts the school made with a student's family
// in [from, to) (Contact.WithFamily). A month holds a handful, so reading
// each is cheap.
func countContacts(tx *bbolt.Tx, student uint64, from, to time.Time) int {
	n := 0
	for _, c := range scanStudent[storage.Contact](tx, contactRecords, student, from, to) {
		if c.WithFamily() {
			n++
		}
	}
	return n
}

// latestStudent returns up to n of a student's records, newest first.
func latestStudent[T any](tx *bbolt.Tx, rb recordBuckets, student uint64, n int) []T {
	var out []T
	c := tx.Bucket(rb.main).Cursor()
	k, v := c.Seek(u64(student + 1))
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil && be(k) == student && len(out) < n; k, v = c.Prev() {
		var r T
		decode(v, &r)
		out = append(out, r)
	}
	return out
}

// scanTime decodes every student's records with from <= time < to, student
// by student.
func scanTime[T any](tx *bbolt.Tx, rb recordBuckets, from, to time.Time) []T {
	var out []T
	c := tx.Bucket(bStudents).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		out = append(out, scanStudent[T](tx, rb, be(k), from, to)...)
	}
	return out
}

// AddSession stores a tutoring session and returns how many sessions the
// student has in each of the given ranges afterwards (this one included),
// counted in the same transaction.
func (s *Store) AddSession(m storage.Meta, se storage.Session, count ...storage.Range) (storage.Session, []int, error) {
	var counts []int
	err := s.update(func(tx *bbolt.Tx) error {
		if err := studentLives(tx, "AddSession", se.StudentID); err != nil {
			return err
		}
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		var err error
		if se, err = putSession(tx, m, se); err != nil {
			return err
		}
		counts = counts[:0]
		for _, r := range count {
			counts = append(counts, countStudent(tx, sessionRecords, se.StudentID, r.From, r.To))
		}
		return nil
	})
	return se, counts, err
}

// putSession numbers a new session, stores and indexes it, and audits it.
func putSession(tx *bbolt.Tx, m storage.Meta, se storage.Session) (storage.Session, error) {
	se.ID, se.No = nextID(tx.Bucket(bSessions)), nextNo(tx)
	se.AuthorID, se.CreatedAt = m.ActorID, m.At
	k, err := putRecord(tx, sessionRecords, se.StudentID, se.At, se.ID, se)
	if err != nil {
		return se, err
	}
	if err := indexNo(tx, se.No, storage.KindSession, k); err != nil {
		return se, err
	}
	return se, auditRecord(tx, m, "session.add", storage.KindSession, k, se.StudentID)
}

// AddSessions stores several students' sessions in one transaction.
func (s *Store) AddSessions(m storage.Meta, ses []storage.Session, count ...storage.Range) ([]storage.Session, [][]int, error) {
	var out []storage.Session
	var counts [][]int
	err := s.update(func(tx *bbolt.Tx) error {
		out, counts = out[:0], counts[:0]
		for _, se := range ses {
			if err := studentLives(tx, "AddSessions", se.StudentID); err != nil {
				return err
			}
		}
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		for _, se := range ses {
			se, err := putSession(tx, m, se)
			if err != nil {
				return err
			}
			out = append(out, se)
		}
		for _, se := range out {
			var c []int
			for _, r := range count {
				c = append(c, countStudent(tx, sessionRecords, se.StudentID, r.From, r.To))
			}
			counts = append(counts, c)
		}
		return nil
	})
	return out, counts, err
}

// AddContact stores a home contact and returns how many contacts the student
// has in the given range afterwards.
func (s *Store) AddContact(m storage.Meta, c storage.Contact, count storage.Range, notify ...storage.Queued) (storage.Contact, int, error) {
	var n int
	err := s.update(func(tx *bbolt.Tx) error {
		if err := studentLives(tx, "AddContact", c.StudentID); err != nil {
			return err
		}
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		var err error
		if c, err = putContact(tx, m, c, notify); err != nil {
			return err
		}
		n = countContacts(tx, c.StudentID, count.From, count.To)
		return nil
	})
	return c, n, err
}

// AddContacts stores several students' contacts in one transaction.
func (s *Store) AddContacts(m storage.Meta, cs []storage.Contact, notify [][]storage.Queued) ([]storage.Contact, error) {
	var out []storage.Contact
	err := s.update(func(tx *bbolt.Tx) error {
		out = out[:0]
		for _, c := range cs {
			if err := studentLives(tx, "AddContacts", c.StudentID); err != nil {
				return err
			}
		}
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		for i, c := range cs {
			c, err := putContact(tx, m, c, storage.NoticesAt(notify, i))
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// putContact numbers a new contact, stores, indexes and audits it, and
// queues its messages keyed under it.
func putContact(tx *bbolt.Tx, m storage.Meta, c storage.Contact, notify []storage.Queued) (storage.Contact, error) {
	c.ID, c.No = nextID(tx.Bucket(bContacts)), nextNo(tx)
	c.AuthorID, c.CreatedAt = m.ActorID, m.At
	k, err := putRecord(tx, contactRecords, c.StudentID, c.At, c.ID, c)
	if err != nil {
		return c, err
	}
	if err := indexNo(tx, c.No, storage.KindContact, k); err != nil {
		return c, err
	}
	for _, q := range c.Notices(notify) {
		if err := enqueue(tx, q); err != nil {
			return c, err
		}
	}
	return c, auditRecord(tx, m, "contact.add", storage.KindContact, k, c.StudentID)
}

// AddPraise stores a step forward and queues the messages to the parents in
// the same transaction, so they are sent exactly when the praise exists.
func (s *Store) AddPraise(m storage.Meta, p storage.Praise, notify []storage.Queued) (storage.Praise, error) {
	err := s.update(func(tx *bbolt.Tx) error {
		if err := studentLives(tx, "AddPraise", p.StudentID); err != nil {
			return err
		}
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		var err error
		p, err = putPraise(tx, m, p, notify)
		return err
	})
	return p, err
}

// AddPraises stores several students' praise in one transaction.
func (s *Store) AddPraises(m storage.Meta, ps []storage.Praise, notify [][]storage.Queued) ([]storage.Praise, error) {
	var out []storage.Praise
	err := s.update(func(tx *bbolt.Tx) error {
		out = out[:0]
		for _, p := range ps {
			if err := studentLives(tx, "AddPraises", p.StudentID); err != nil {
				return err
			}
		}
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		for i, p := range ps {
			p, err := putPraise(tx, m, p, storage.NoticesAt(notify, i))
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// putPraise numbers a new praise, stores, indexes and audits it, and
// queues its parents' messages keyed under it.
func putPraise(tx *bbolt.Tx, m storage.Meta, p storage.Praise, notify []storage.Queued) (storage.Praise, error) {
	p.ID, p.No = nextID(tx.Bucket(bPraise)), nextNo(tx)
	p.AuthorID, p.CreatedAt = m.ActorID, m.At
	k, err := putRecord(tx, praiseRecords, p.StudentID, p.At, p.ID, p)
	if err != nil {
		return p, err
	}
	if err := indexNo(tx, p.No, storage.KindPraise, k); err != nil {
		return p, err
	}
	if err := auditRecord(tx, m, "praise.add", storage.KindPraise, k, p.StudentID); err != nil {
		return p, err
	}
	for _, q := range p.Notices(notify) {
		if err := enqueue(tx, q); err != nil {
			return p, err
		}
	}
	return p, nil
}

func commentKey(student, author uint64, semester string) []byte {
	return append(key(student, author), semester...)
}

// SetComment stores the author's comment on the student for the semester,
// replacing an earlier one; replaced says whether there was one.
func (s *Store) SetComment(m storage.Meta, c storage.Comment) (storage.Comment, bool, error) {
	var replaced bool
	err := s.update(func(tx *bbolt.Tx) error {
		if err := studentLives(tx, "SetComment", c.StudentID); err != nil {
			return err
		}
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		b := tx.Bucket(bComments)
		k := commentKey(c.StudentID, m.ActorID, c.Semester)
		var earlier storage.Comment
		if replaced = getJSON(b, k, &earlier); replaced && earlier.No != 0 {
			c.No = earlier.No // a rewritten comment keeps its number
		} else {
			c.No = nextNo(tx)
			if err := indexNo(tx, c.No, storage.KindComment, k); err != nil {
				return err
			}
		}
		c.ID = nextID(b)
		c.AuthorID, c.CreatedAt = m.ActorID, m.At
		if c.At.IsZero() {
			c.At = m.At
		}
		if err := putJSON(b, k, c); err != nil {
			return err
		}
		return auditRecord(tx, m, "comment.set", storage.KindComment, k, c.StudentID)
	})
	return c, replaced, err
}

// Comments returns a student's comments of a semester ("" for all).
func (s *Store) Comments(student uint64, semester string) ([]storage.Comment, error) {
	var out []storage.Comment
	err := s.view(func(tx *bbolt.Tx) error {
		out = commentsOf(tx, student, semester)
		return nil
	})
	return out, err
}

func commentsOf(tx *bbolt.Tx, student uint64, semester string) []storage.Comment {
	var out []storage.Comment
	prefix := u64(student)
	c := tx.Bucket(bComments).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var cm storage.Comment
		decode(v, &cm)
		if semester == "" || cm.Semester == semester {
			out = append(out, cm)
		}
	}
	return out
}

// AllComments returns every comment of a semester ("" for all).
func (s *Store) AllComments(semester string) ([]storage.Comment, error) {
	var out []storage.Comment
	err := s.view(func(tx *bbolt.Tx) error {
		return tx.Bucket(bComments).ForEach(func(_, v []byte) error {
			var cm storage.Comment
			decode(v, &cm)
			if semester == "" || cm.Semester == semester {
				out = append(out, cm)
			}
			return nil
		})
	})
	return out, err
}

// AddMeeting stores a parents' meeting.
func (s *Store) AddMeeting(m storage.Meta, mt storage.Meeting) (storage.Meeting, error) {
	err := s.update(func(tx *bbolt.Tx) error {
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		b := tx.Bucket(bMeetings)
		mt.ID = nextID(b)
		mt.AuthorID, mt.CreatedAt = m.ActorID, m.At
		k := key(unix(mt.At), mt.ID)
		if err := putJSON(b, k, mt); err != nil {
			return err
		}
		return auditRecord(tx, m, "meeting.add", storage.KindMeeting, k, 0)
	})
	return mt, err
}

// findMeeting finds a meeting's key by id (a school has a few a term).
func findMeeting(tx *bbolt.Tx, id uint64) ([]byte, storage.Meeting, bool) {
	c := tx.Bucket(bMeetings).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var mt storage.Meeting
		decode(v, &mt)
		if mt.ID == id {
			return append([]byte(nil), k...), mt, true
		}
	}
	return nil, storage.Meeting{}, false
}

// Meeting returns one meeting.
func (s *Store) Meeting(id uint64) (storage.Meeting, error) {
	var mt storage.Meeting
	err := s.view(func(tx *bbolt.Tx) error {
		var ok bool
		if _, mt, ok = findMeeting(tx, id); !ok {
			return &storage.Error{Code: storage.ENotFound, Op: "Meeting", Subject: strconv.FormatUint(id, 10)}
		}
		return nil
	})
	return mt, err
}

// CancelMeeting removes a meeting and queues the notices, in one transaction.
func (s *Store) CancelMeeting(m storage.Meta, id uint64, notify []storage.Queued) (storage.Meeting, error) {
	return s.changeMeeting(m, id, "meeting.cancel", nil, notify)
}

// MoveMeeting sets a meeting's time and queues the notices, in one transaction.
func (s *Store) MoveMeeting(m storage.Meta, id uint64, at time.Time, notify []storage.Queued) (storage.Meeting, error) {
	return s.changeMeeting(m, id, "meeting.move", &at, notify)
}

// changeMeeting deletes a meeting and, for a move, puts it back at its new
// time (the key holds the time).
func (s *Store) changeMeeting(m storage.Meta, id uint64, action string, at *time.Time, notify []storage.Queued) (storage.Meeting, error) {
	var mt storage.Meeting
	err := s.update(func(tx *bbolt.Tx) error {
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		k, found, ok := findMeeting(tx, id)
		if !ok {
			return &storage.Error{Code: storage.ENotFound, Op: action, Subject: strconv.FormatUint(id, 10)}
		}
		b := tx.Bucket(bMeetings)
		if err := b.Delete(k); err != nil {
			return err
		}
		mt = found
		detail := found.At.UTC().Format(time.RFC3339)
		if at != nil {
			mt.At = *at
			if err := putJSON(b, key(unix(mt.At), mt.ID), mt); err != nil {
				return err
			}
			detail += "→" + mt.At.UTC().Format(time.RFC3339)
		}
		for _, q := range notify {
			if err := enqueue(tx, q); err != nil {
				return err
			}
		}
		return audit(tx, m, action, "meeting:"+strconv.FormatUint(id, 10)+" "+detail, 0)
	})
	return mt, err
}

// Meetings returns the meetings with from <= time < to.
func (s *Store) Meetings(from, to time.Time) ([]storage.Meeting, error) {
	var out []storage.Meeting
	err := s.view(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bMeetings).Cursor()
		end := u64(unix(to))
		for k, v := c.Seek(u64(unix(from))); k != nil && bytes.Compare(k[:8], end) < 0; k, v = c.Next() {
			var mt storage.Meeting
			decode(v, &mt)
			out = append(out, mt)
		}
		return nil
	})
	return out, err
}

// Sessions returns a student's sessions with from <= At < to, oldest first.
func (s *Store) Sessions(student uint64, from, to time.Time) ([]storage.Session, error) {
	var out []storage.Session
	err := s.view(func(tx *bbolt.Tx) error {
		out = scanStudent[storage.Session](tx, sessionRecords, student, from, to)
		return nil
	})
	return out, err
}

// Contacts returns a student's contacts with from <= At < to, oldest first.
func (s *Store) Contacts(student uint64, from, to time.Time) ([]storage.Contact, error) {
	var out []storage.Contact
	err := s.view(func(tx *bbolt.Tx) error {
		out = scanStudent[storage.Contact](tx, contactRecords, student, from, to)
		return nil
	})
	return out, err
}

// PraiseOf returns a student's praise with from <= At < to, oldest first.
func (s *Store) PraiseOf(student uint64, from, to time.Time) ([]storage.Praise, error) {
	var out []storage.Praise
	err := s.view(func(tx *bbolt.Tx) error {
		out = scanStudent[storage.Praise](tx, praiseRecords, student, from, to)
		return nil
	})
	return out, err
}

// SessionsBetween returns every session of the school with from <= At < to.
func (s *Store) SessionsBetween(from, to time.Time) ([]storage.Session, error) {
	var out []storage.Session
	err := s.view(func(tx *bbolt.Tx) error {
		out = scanTime[storage.Session](tx, sessionRecords, from, to)
		return nil
	})
	return out, err
}

// ContactsBetween returns every contact of the school with from <= At < to.
func (s *Store) ContactsBetween(from, to time.Time) ([]storage.Contact, error) {
	var out []storage.Contact
	err := s.view(func(tx *bbolt.Tx) error {
		out = scanTime[storage.Contact](tx, contactRecords, from, to)
		return nil
	})
	return out, err
}

// PraiseBetween returns every praise of the school with from <= At < to.
func (s *Store) PraiseBetween(from, to time.Time) ([]storage.Praise, error) {
	var out []storage.Praise
	err := s.view(func(tx *bbolt.Tx) error {
		out = scanTime[storage.Praise](tx, praiseRecords, from, to)
		return nil
	})
	return out, err
}

// CountFor counts a student's sessions (and minutes), contacts and praise in
// [from, to), and finds the last session before to.
func (s *Store) CountFor(student uint64, from, to time.Time) (storage.StudentCounts, error) {
	var sc storage.StudentCounts
	err := s.view(func(tx *bbolt.Tx) error {
		for _, se := range scanStudent[storage.Session](tx, sessionRecords, student, from, to) {
			sc.Sessions++
			sc.Minutes += se.Minutes
		}
		sc.Contacts = countContacts(tx, student, from, to)
		sc.Praise = countStudent(tx, praiseRecords, student, from, to)
		sc.LastSession = lastBefore(tx, sessionRecords, student, to)
		return nil
	})
	return sc, err
}

// lastBefore returns the time of the student's last record before t.
func lastBefore(tx *bbolt.Tx, rb recordBuckets, student uint64, t time.Time) time.Time {
	c := tx.Bucket(rb.main).Cursor()
	k, _ := c.Seek(key(student, unix(t)))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k == nil || be(k) != student {
		return time.Time{}
	}
	return time.Unix(int64(be(k[8:16])), 0)
}

// LastContact returns the time of the student's last contact before t.
func (s *Store) LastContact(student uint64, t time.Time) (time.Time, error) {
	var at time.Time
	err := s.view(func(tx *bbolt.Tx) error {
		at = lastBefore(tx, contactRecords, student, t)
		return nil
	})
	return at, err
}

// History returns the student's latest n records of every kind, newest first.
func (s *Store) History(student uint64, n int) ([]storage.Record, error) {
	var out []storage.Record
	err := s.view(func(tx *bbolt.Tx) error {
		for _, se := range latestStudent[storage.Session](tx, sessionRecords, student, n) {
			se := se
			out = append(out, storage.Record{Kind: storage.KindSession, At: se.At, Session: &se})
		}
		for _, c := range latestStudent[storage.Contact](tx, contactRecords, student, n) {
			c := c
			out = append(out, storage.Record{Kind: storage.KindContact, At: c.At, Contact: &c})
		}
		for _, p := range latestStudent[storage.Praise](tx, praiseRecords, student, n) {
			p := p
			out = append(out, storage.Record{Kind: storage.KindPraise, At: p.At, Praise: &p})
		}
		for _, c := range commentsOf(tx, student, "") {
			c := c
			out = append(out, storage.Record{Kind: storage.KindComment, At: c.At, Comment: &c})
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	if len(out) > n {
		out = out[:n]
	}
	return out, err
}

// Undo removes the author's most recent record created at or after since.
func (s *Store) Undo(m storage.Meta, since time.Time) (storage.Undone, error) {
	var u storage.Undone
	err := s.update(func(tx *bbolt.Tx) error {
		u = storage.Undone{}
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		// The audit log remembers who added which record: walk it back from
		// now to since and take the actor's latest record that still exists.
		c := newAuditCursor(tx)
		// The entries end where the number index begins.
		for k, v := c.seekBefore([]byte{noPrefix}); k != nil; k, v = c.prev() {
			var e storage.AuditEntry
			decode(v, &e)
			if e.At.Before(since) {
				break
			}
			if e.ActorID != m.ActorID || e.Kind == "" {
				continue
			}
			if err := undoOne(tx, e, &u); err != nil {
				return err
			}
			if u.Kind == "" { // already undone or erased: look further back
				continue
			}
			return audit(tx, m, "undo."+u.Kind, "", u.StudentID)
		}
		return &storage.Error{Code: storage.ENotFound, Op: "Undo", At: since}
	})
	return u, err
}

func undoOne(tx *bbolt.Tx, a storage.AuditEntry, u *storage.Undone) error {
	studentID := uint64(0)
	if len(a.StudentIDs) > 0 {
		studentID = a.StudentIDs[0]
	}
	if a.Kind != storage.KindMeeting {
		ref, ok := currentRef(tx, a.Kind, a.Ref)
		if !ok {
			return nil // undone, deleted or erased already
		}
		if err := unindexValue(tx, tx.Bucket(bucketOf(a.Kind)).Get(ref)); err != nil {
			return err
		}
		a.Ref = ref
	}
	var rb recordBuckets
	switch a.Kind {
	case storage.KindSession:
		rb = sessionRecords
		var v storage.Session
		if !getJSON(tx.Bucket(rb.main), a.Ref, &v) {
			return nil
		}
		u.Session = &v
	case storage.KindContact:
		rb = contactRecords
		var v storage.Contact
		if !getJSON(tx.Bucket(rb.main), a.Ref, &v) {
			return nil
		}
		u.Contact = &v
		n, err := dropQueued(tx, v.WaitingFor)
		if err != nil {
			return err
		}
		u.UnsentDropped = n
	case storage.KindPraise:
		rb = praiseRecords
		var v storage.Praise
		if !getJSON(tx.Bucket(rb.main), a.Ref, &v) {
			return nil
		}
		u.Praise = &v
		n, err := dropQueued(tx, func(q storage.Queued) bool { return strings.HasPrefix(q.Key, storage.PraiseKeyPrefix(v.ID)) })
		if err != nil {
			return err
		}
		u.UnsentDropped = n
	case storage.KindComment:
		var v storage.Comment
		if !getJSON(tx.Bucket(bComments), a.Ref, &v) || v.AuthorID == 0 {
			return nil
		}
		u.Comment = &v
		u.Kind, u.StudentID = a.Kind, studentID
		return tx.Bucket(bComments).Delete(a.Ref)
	case storage.KindMeeting:
		var v storage.Meeting
		if !getJSON(tx.Bucket(bMeetings), a.Ref, &v) {
			return nil
		}
		u.Meeting = &v
		u.Kind = a.Kind
		return tx.Bucket(bMeetings).Delete(a.Ref)
	default:
		return nil
	}
	u.Kind, u.StudentID = a.Kind, studentID
	return deleteRecord(tx, rb, a.Ref)
}

// Bulk writes many records in one transaction, for loading a whole school
// (imports, benchmarks, tests). It skips the per-message bookkeeping.
type bulk struct {
	s  *Store
	tx *bbolt.Tx
	m  storage.Meta
}

// Bulk runs fn in one write transaction.
func (s *Store) Bulk(m storage.Meta, fn func(b storage.Bulk) error) error {
	return s.update(func(tx *bbolt.Tx) error { return fn(&bulk{s: s, tx: tx, m: m}) })
}

// Student adds a student to a class.
func (b *bulk) Student(grade, number int, st storage.Student) (storage.Student, error) {
	c, err := ensureClass(b.tx, grade, number)
	if err != nil {
		return st, err
	}
	st.ID = nextID(b.tx.Bucket(bStudents))
	st.ClassID = c.ID
	if st.CreatedAt.IsZero() {
		st.CreatedAt = b.m.At
	}
	return st, putStudent(b.tx, st)
}

// Person adds a person.
func (b *bulk) Person(p storage.Person) (storage.Person, error) {
	p.ID = nextID(b.tx.Bucket(bPeople))
	return p, putPerson(b.tx, p)
}

// Session adds a tutoring session with the audit entry its /log writes.
func (b *bulk) Session(se storage.Session) error {
	se.ID, se.No = nextID(b.tx.Bucket(bSessions)), nextNo(b.tx)
	return b.record(sessionRecords, "session.add", se.StudentID, se.AuthorID, se.At, se.ID, se.No, se)
}

// Contact adds a home contact with its audit entry.
func (b *bulk) Contact(c storage.Contact) error {
	c.ID, c.No = nextID(b.tx.Bucket(bContacts)), nextNo(b.tx)
	return b.record(contactRecords, "contact.add", c.StudentID, c.AuthorID, c.At, c.ID, c.No, c)
}

// Praise adds a step forward with its audit entry.
func (b *bulk) Praise(p storage.Praise) error {
	p.ID, p.No = nextID(b.tx.Bucket(bPraise)), nextNo(b.tx)
	return b.record(praiseRecords, "praise.add", p.StudentID, p.AuthorID, p.At, p.ID, p.No, p)
}

func (b *bulk) record(rb recordBuckets, action string, student, author uint64, at time.Time, id, no uint64, v any) error {
	k, err := putRecord(b.tx, rb, student, at, id, v)
	if err != nil {
		return err
	}
	if err := indexNo(b.tx, no, rb.kind, k); err != nil {
		return err
	}
	return auditRecord(b.tx, storage.Meta{ActorID: author, Where: b.m.Where, At: at}, action, rb.kind, k, student)
}

// Audit appends an audit entry (a read, say) as it was written then.
func (b *bulk) Audit(e storage.AuditEntry) error {
	return audit(b.tx, storage.Meta{ActorID: e.ActorID, Where: e.Where, At: e.At}, e.Action, e.Detail, e.StudentIDs...)
}

// MarkProcessed remembers a chat message as handled at its time.
func (b *bulk) MarkProcessed(msgKey string, at time.Time) error {
	return b.s.markProcessed(b.tx, storage.Meta{MsgKey: msgKey, At: at})
}

// Enqueue puts a message in the outbox (once per key).
func (b *bulk) Enqueue(q storage.Queued) error { return enqueue(b.tx, q) }

// Delivered remembers a scheduled message's key as sent at its time.
func (b *bulk) Delivered(key string, at time.Time) error {
	return b.tx.Bucket(bOutboxKeys).Put([]byte(key), u64(unix(at)))
}

// Group registers a group chat.
func (b *bulk) Group(g storage.Group) error {
	return putJSON(b.tx.Bucket(bGroups), strKey(g.Platform, g.ChatID), g)
}

package postgres

import (
	"encoding/binary"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"bangfu/storage"
)

// Sessions, contacts, praise and comments are rows of one table, numbered
// by one sequence: the number is the record's #37 and its id.

func refOf(no uint64) []byte { return binary.BigEndian.AppendUint64(nil, no) }

func noOf(ref []byte) uint64 {
	if len(ref) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(ref)
}

// lockStudent serialises the writes that count a student's records, and
// each of them with the student's erasure.
func lockStudent(tx pgx.Tx, id uint64) error {
	_, err := tx.Exec(bg, "SELECT pg_advisory_xact_lock(3, $1::int)", int32(id))
	return err
}

// lockLiveSQL takes the student's lock, then checks (student_lives) that
// the student is still on the register: one erased between the command's
// read and its write (DeleteStudent holds the same lock) leaves no record.
// One statement, one round trip: the lock is taken in the subquery, before
// the check runs on its row.
const lockLiveSQL = "SELECT student_lives($1) FROM (SELECT pg_advisory_xact_lock(3, $1::int)) AS locked"

// lockLiveStudent runs lockLiveSQL in a transaction; op names the write.
func lockLiveStudent(tx pgx.Tx, op string, id uint64) error {
	_, err := tx.Exec(bg, lockLiveSQL, int64(id))
	return liveStudentErr(err, op, id)
}

// lockLiveStudents locks several students, in the order of their ids so
// that two such writes cannot wait on each other.
func lockLiveStudents(tx pgx.Tx, op string, ids []uint64) error {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		if err := lockLiveStudent(tx, op, id); err != nil {
			return err
		}
	}
	return nil
}

// liveStudentErr turns student_lives' error into not found.
func liveStudentErr(err error, op string, id uint64) error {
	if isNoData(err) {
		return &storage.Error{Code: storage.ENotFound, Op: op, StudentID: id}
	}
	return err
}

func nextNo(tx pgx.Tx) (uint64, error) { return insertReturningID(tx, "SELECT nextval('record_no')") }

func putRecord(tx pgx.Tx, r storage.Record) error {
	no, student, author := r.No(), r.StudentID(), r.AuthorID()
	semester := ""
	if r.Comment != nil {
		semester = r.Comment.Semester
	}
	_, err := tx.Exec(bg, `INSERT INTO records (no, kind, student_id, author_id, at, semester, doc) VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), $7)
		ON CONFLICT (no) DO UPDATE SET at = EXCLUDED.at, doc = EXCLUDED.doc`,
		int64(no), r.Kind, int64(student), int64(author), r.At, semester, doc(recordValue(r)))
	return err
}

func recordValue(r storage.Record) any {
	switch {
	case r.Session != nil:
		return r.Session
	case r.Contact != nil:
		return r.Contact
	case r.Praise != nil:
		return r.Praise
	}
	return r.Comment
}

// decodeRecord makes a Record of a row's kind and document.
func decodeRecord(kind string, data []byte) (storage.Record, error) {
	r, err := storage.DecodeRecord(kind, data)
	if err != nil {
		return r, &storage.Error{Code: storage.EInternal, Op: "decode", Err: err}
	}
	return r, nil
}

func recordByNo(q querier, no uint64, lock bool) (storage.Record, bool, error) {
	sql := "SELECT kind, doc FROM records WHERE no = $1"
	if lock {
		sql += " FOR UPDATE"
	}
	var kind string
	var data []byte
	if err := q.QueryRow(bg, sql, int64(no)).Scan(&kind, &data); err != nil {
		return storage.Record{}, false, noRows(err, nil)
	}
	r, err := decodeRecord(kind, data)
	return r, err == nil, err
}

func auditRecord(tx pgx.Tx, m storage.Meta, action, kind string, no, student uint64) error {
	e := storage.AuditEntry{At: m.At, ActorID: m.ActorID, Action: action, Where: m.Where, Kind: kind, Ref: refOf(no)}
	if student != 0 {
		e.StudentIDs = []uint64{student}
	}
	return auditEntry(tx, e)
}

// withFamily is true of a contact row the school made with the family
// (storage.Contact.WithFamily): not a parent's own message, not a talk
// with the child.
const withFamily = `(NOT coalesce((doc->>'FromParent')::bool, false) AND coalesce(doc->>'Whom', '') <> '` + storage.WhomStudent + `')`

// countContacts counts the contacts the school made with the family in r
// (storage.StudentCounts).
func countContacts(tx pgx.Tx, student uint64, r storage.Range) (int, error) {
	var n int
	err := tx.QueryRow(bg, "SELECT count(*) FROM records WHERE student_id = $1 AND kind = 'contact' AND at >= $2 AND at < $3 AND "+withFamily, int64(student), r.From, r.To).Scan(&n)
	return n, err
}

// AddSession stores a session and counts the student's sessions in each
// range afterwards, in the same transaction. It is the hot path (every
// /log): its statements go to the server as one batch, one round trip
// between BEGIN and COMMIT.
func (s *Store) AddSession(m storage.Meta, se storage.Session, ranges ...storage.Range) (storage.Session, []int, error) {
	var counts []int
	se.AuthorID, se.CreatedAt = m.ActorID, m.At
	processed := m.MsgKey != ""
	// The whole transaction is one round trip, the commit included: the
	// hottest write (/log) waits for the network once, not three times. A
	// redelivered message fails the processed id's unique key, which
	// aborts the transaction there, so nothing after it is kept.
	err := s.oneTrip(func(b *pgx.Batch) {
		if processed {
			b.Queue("INSERT INTO processed (msg_key, at) VALUES ($1, $2)", m.MsgKey, m.At)
		}
		if processed && m.Reply != nil {
			q := *m.Reply
			q.InFlight = false
			// The sequence by its name (a bigserial's, in the school's
			// schema): pg_get_serial_sequence looked it up in the catalog at
			// every call, a third of this statement's time.
			b.Queue(`INSERT INTO replies (id, doc, holder) SELECT n, jsonb_set($1::jsonb, '{ID}', to_jsonb(n)), $2
				FROM nextval('replies_id_seq') AS n RETURNING id`, doc(q), s.holder)
		}
		// Fails the batch (and so its commit) for a student erased since
		// the command read it.
		b.Queue(lockLiveSQL, int64(se.StudentID))
		e := storage.AuditEntry{At: m.At, ActorID: m.ActorID, Action: "session.add", Where: m.Where, Kind: storage.KindSession, StudentIDs: []uint64{se.StudentID}}
		// The number is taken, written into the session and into the audit
		// entry that names it (Ref: 8 bytes, base64 as encoding/json has it).
		b.Queue(`WITH r AS (
				INSERT INTO records (no, kind, student_id, author_id, at, doc)
				SELECT n, 'session', $1, $2, $3, jsonb_set(jsonb_set($4::jsonb, '{No}', to_jsonb(n)), '{ID}', to_jsonb(n))
				FROM nextval('record_no') AS n RETURNING no)
			INSERT INTO audit (at, actor_id, kind, doc)
			SELECT $5, $2, 'session', jsonb_set($6::jsonb, '{Ref}', to_jsonb(encode(int8send(r.no), 'base64'))) FROM r
			RETURNING (SELECT no FROM r)`,
			int64(se.StudentID), int64(m.ActorID), se.At, doc(se), m.At, doc(e))
		for _, r := range ranges {
			b.Queue("SELECT count(*) FROM records WHERE student_id = $1 AND kind = 'session' AND at >= $2 AND at < $3", int64(se.StudentID), r.From, r.To)
		}
	}, func(br pgx.BatchResults) error {
		if processed {
			if _, err := br.Exec(); err != nil {
				if isUniqueViolation(err) {
					return storage.ErrDuplicate
				}
				return err
			}
		}
		if processed && m.Reply != nil {
			var id int64
			if err := br.QueryRow().Scan(&id); err != nil {
				return err
			}
			m.Reply.ID = uint64(id)
		}
		if _, err := br.Exec(); err != nil {
			return liveStudentErr(err, "AddSession", se.StudentID)
		}
		var no int64
		if err := br.QueryRow().Scan(&no); err != nil {
			return err
		}
		se.ID, se.No = uint64(no), uint64(no)
		counts = counts[:0]
		for range ranges {
			var n int
			if err := br.QueryRow().Scan(&n); err != nil {
				return err
			}
			counts = append(counts, n)
		}
		return nil
	})
	return se, counts, err
}

// AddSessions stores several students' sessions in one transaction.
func (s *Store) AddSessions(m storage.Meta, ses []storage.Session, ranges ...storage.Range) ([]storage.Session, [][]int, error) {
	var out []storage.Session
	var counts [][]int
	err := s.write(m, func(tx pgx.Tx) error {
		out, counts = out[:0], counts[:0]
		ids := make([]uint64, 0, len(ses))
		for _, se := range ses {
			ids = append(ids, se.StudentID)
		}
		if err := lockLiveStudents(tx, "AddSessions", ids); err != nil {
			return err
		}
		for _, se := range ses {
			no, err := nextNo(tx)
			if err != nil {
				return err
			}
			se.ID, se.No, se.AuthorID, se.CreatedAt = no, no, m.ActorID, m.At
			if err := putRecord(tx, storage.Record{Kind: storage.KindSession, At: se.At, Session: &se}); err != nil {
				return err
			}
			if err := auditRecord(tx, m, "session.add", storage.KindSession, no, se.StudentID); err != nil {
				return err
			}
			out = append(out, se)
		}
		for _, se := range out {
			var c []int
			for _, r := range ranges {
				var n int
				if err := tx.QueryRow(bg, "SELECT count(*) FROM records WHERE student_id = $1 AND kind = 'session' AND at >= $2 AND at < $3", int64(se.StudentID), r.From, r.To).Scan(&n); err != nil {
					return err
				}
				c = append(c, n)
			}
			counts = append(counts, c)
		}
		return nil
	})
	return out, counts, err
}

// AddContact stores a home contact and counts the student's in the range.
func (s *Store) AddContact(m storage.Meta, c storage.Contact, r storage.Range, notify ...storage.Queued) (storage.Contact, int, error) {
	var n int
	err := s.write(m, func(tx pgx.Tx) error {
		if err := lockLiveStudent(tx, "AddContact", c.StudentID); err != nil {
			return err
		}
		var err error
		if c, err = putContact(tx, m, c, notify); err != nil {
			return err
		}
		n, err = countContacts(tx, c.StudentID, r)
		return err
	})
	return c, n, err
}

// AddContacts stores several students' contacts in one transaction.
func (s *Store) AddContacts(m storage.Meta, cs []storage.Contact, notify [][]storage.Queued) ([]storage.Contact, error) {
	var out []storage.Contact
	err := s.write(m, func(tx pgx.Tx) error {
		out = out[:0]
		ids := make([]uint64, 0, len(cs))
		for _, c := range cs {
			ids = append(ids, c.StudentID)
		}
		if err := lockLiveStudents(tx, "AddContacts", ids); err != nil {
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

// putContact numbers a new contact, stores and audits it, and queues its
// messages keyed under it.
func putContact(tx pgx.Tx, m storage.Meta, c storage.Contact, notify []storage.Queued) (storage.Contact, error) {
	no, err := nextNo(tx)
	if err != nil {
		return c, err
	}
	c.ID, c.No, c.AuthorID, c.CreatedAt = no, no, m.ActorID, m.At
	if err := putRecord(tx, storage.Record{Kind: storage.KindContact, At: c.At, Contact: &c}); err != nil {
		return c, err
	}
	for _, q := range c.Notices(notify) {
		if err := enqueue(tx, q); err != nil {
			return c, err
		}
	}
	return c, auditRecord(tx, m, "contact.add", storage.KindContact, no, c.StudentID)
}

// AddPraise stores a praise and queues the parents' messages with it.
func (s *Store) AddPraise(m storage.Meta, p storage.Praise, notify []storage.Queued) (storage.Praise, error) {
	err := s.write(m, func(tx pgx.Tx) error {
		if err := lockLiveStudent(tx, "AddPraise", p.StudentID); err != nil {
			return err
		}
		var err error
		p, err = putPraise(tx, m, p, notify)
		return err
	})
	return p, err
}

// AddPraises stores several students' praise in one transaction, the
// students locked in the order of their ids (as AddSessions).
func (s *Store) AddPraises(m storage.Meta, ps []storage.Praise, notify [][]storage.Queued) ([]storage.Praise, error) {
	var out []storage.Praise
	err := s.write(m, func(tx pgx.Tx) error {
		out = out[:0]
		ids := make([]uint64, 0, len(ps))
		for _, p := range ps {
			ids = append(ids, p.StudentID)
		}
		if err := lockLiveStudents(tx, "AddPraises", ids); err != nil {
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

// putPraise numbers a new praise, stores and audits it, and queues its
// parents' messages keyed under it.
func putPraise(tx pgx.Tx, m storage.Meta, p storage.Praise, notify []storage.Queued) (storage.Praise, error) {
	no, err := nextNo(tx)
	if err != nil {
		return p, err
	}
	p.ID, p.No, p.AuthorID, p.CreatedAt = no, no, m.ActorID, m.At
	if err := putRecord(tx, storage.Record{Kind: storage.KindPraise, At: p.At, Praise: &p}); err != nil {
		return p, err
	}
	if err := auditRecord(tx, m, "praise.add", storage.KindPraise, no, p.StudentID); err != nil {
		return p, err
	}
	for _, q := range p.Notices(notify) {
		if err := enqueue(tx, q); err != nil {
			return p, err
		}
	}
	return p, nil
}

// SetComment stores or replaces the author's comment of the semester; a
// rewritten comment keeps its number.
func (s *Store) SetComment(m storage.Meta, c storage.Comment) (storage.Comment, bool, error) {
	var replaced bool
	err := s.write(m, func(tx pgx.Tx) error {
		if err := lockLiveStudent(tx, "SetComment", c.StudentID); err != nil {
			return err
		}
		var old int64
		err := tx.QueryRow(bg, "SELECT no FROM records WHERE kind = 'comment' AND student_id = $1 AND author_id = $2 AND semester = $3",
			int64(c.StudentID), int64(m.ActorID), c.Semester).Scan(&old)
		if err := noRows(err, nil); err != nil {
			return err
		}
		replaced = old != 0
		no := uint64(old)
		if !replaced {
			if no, err = nextNo(tx); err != nil {
				return err
			}
		}
		c.ID, c.No, c.AuthorID, c.CreatedAt = no, no, m.ActorID, m.At
		if c.At.IsZero() {
			c.At = m.At
		}
		if err := putRecord(tx, storage.Record{Kind: storage.KindComment, At: c.At, Comment: &c}); err != nil {
			return err
		}
		return auditRecord(tx, m, "comment.set", storage.KindComment, no, c.StudentID)
	})
	return c, replaced, err
}

func recordsOf[T any](q querier, kind string, where string, args ...any) ([]T, error) {
	return collect[T](q, "SELECT doc FROM records WHERE kind = '"+kind+"' AND "+where, args...)
}

// Comments returns a student's comments of a semester ("" for all).
func (s *Store) Comments(student uint64, semester string) ([]storage.Comment, error) {
	return recordsOf[storage.Comment](s.pool, storage.KindComment, "student_id = $1 AND ($2 = '' OR semester = $2) ORDER BY author_id, semester", int64(student), semester)
}

// AllComments returns every comment of a semester ("" for all).
func (s *Store) AllComments(semester string) ([]storage.Comment, error) {
	return recordsOf[storage.Comment](s.pool, storage.KindComment, "($1 = '' OR semester = $1) ORDER BY student_id, author_id", semester)
}

// Sessions returns a student's sessions with from <= At < to, oldest first.
func (s *Store) Sessions(student uint64, from, to time.Time) ([]storage.Session, error) {
	return recordsOf[storage.Session](s.pool, storage.KindSession, "student_id = $1 AND at >= $2 AND at < $3 ORDER BY at, no", int64(student), from, to)
}

// Contacts returns a student's contacts with from <= At < to, oldest first.
func (s *Store) Contacts(student uint64, from, to time.Time) ([]storage.Contact, error) {
	return recordsOf[storage.Contact](s.pool, storage.KindContact, "student_id = $1 AND at >= $2 AND at < $3 ORDER BY at, no", int64(student), from, to)
}

// PraiseOf returns a student's praise with from <= At < to, oldest first.
func (s *Store) PraiseOf(student uint64, from, to time.Time) ([]storage.Praise, error) {
	return recordsOf[storage.Praise](s.pool, storage.KindPraise, "student_id = $1 AND at >= $2 AND at < $3 ORDER BY at, no", int64(student), from, to)
}

// SessionsBetween returns the school's sessions in the window, student by
// student (as the bbolt engine), oldest first within each.
func (s *Store) SessionsBetween(from, to time.Time) ([]storage.Session, error) {
	return recordsOf[storage.Session](s.pool, storage.KindSession, "at >= $1 AND at < $2 ORDER BY student_id, at, no", from, to)
}

// ContactsBetween returns the school's contacts in the window.
func (s *Store) ContactsBetween(from, to time.Time) ([]storage.Contact, error) {
	return recordsOf[storage.Contact](s.pool, storage.KindContact, "at >= $1 AND at < $2 ORDER BY student_id, at, no", from, to)
}

// PraiseBetween returns the school's praise in the window.
func (s *Store) PraiseBetween(from, to time.Time) ([]storage.Praise, error) {
	return recordsOf[storage.Praise](s.pool, storage.KindPraise, "at >= $1 AND at < $2 ORDER BY student_id, at, no", from, to)
}

// CountFor counts a student's records in [from, to) and finds the last
// session before to.
func (s *Store) CountFor(student uint64, from, to time.Time) (storage.StudentCounts, error) {
	var sc storage.StudentCounts
	var last *time.Time
	err := s.pool.QueryRow(bg, `SELECT
			count(*) FILTER (WHERE kind = 'session' AND at >= $2),
			coalesce(sum((doc->>'Minutes')::int) FILTER (WHERE kind = 'session' AND at >= $2), 0),
			count(*) FILTER (WHERE kind = 'contact' AND at >= $2 AND `+withFamily+`),
			count(*) FILTER (WHERE kind = 'praise' AND at >= $2),
			max(at) FILTER (WHERE kind = 'session')
		FROM records WHERE student_id = $1 AND at < $3 AND kind <> 'comment'`, int64(student), from, to).
		Scan(&sc.Sessions, &sc.Minutes, &sc.Contacts, &sc.Praise, &last)
	if last != nil {
		sc.LastSession = time.Unix(last.Unix(), 0)
	}
	return sc, err
}

// LastContact returns the time of the student's last contact before t.
func (s *Store) LastContact(student uint64, t time.Time) (time.Time, error) {
	var last *time.Time
	err := s.pool.QueryRow(bg, "SELECT max(at) FROM records WHERE student_id = $1 AND kind = 'contact' AND at < $2", int64(student), t).Scan(&last)
	if last == nil {
		return time.Time{}, err
	}
	return time.Unix(last.Unix(), 0), err
}

// History returns the student's latest n records of every kind, newest first.
func (s *Store) History(student uint64, n int) ([]storage.Record, error) {
	rows, err := s.pool.Query(bg, `SELECT kind, doc FROM (
			SELECT kind, doc, at, no, row_number() OVER (PARTITION BY kind ORDER BY at DESC, no DESC) AS k
			FROM records WHERE student_id = $1) r
		WHERE kind = 'comment' OR k <= $2 ORDER BY at DESC, no DESC`, int64(student), n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storage.Record
	for rows.Next() {
		var kind string
		var data []byte
		if err := rows.Scan(&kind, &data); err != nil {
			return nil, err
		}
		r, err := decodeRecord(kind, data)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	if len(out) > n {
		out = out[:n]
	}
	return out, rows.Err()
}

// ---- meetings ----

// AddMeeting stores a parents' meeting.
func (s *Store) AddMeeting(m storage.Meta, mt storage.Meeting) (storage.Meeting, error) {
	err := s.write(m, func(tx pgx.Tx) error {
		id, err := insertReturningID(tx, "SELECT nextval('meetings_id_seq')")
		if err != nil {
			return err
		}
		mt.ID, mt.AuthorID, mt.CreatedAt = id, m.ActorID, m.At
		if _, err := tx.Exec(bg, "INSERT INTO meetings (id, at, doc) VALUES ($1, $2, $3)", int64(id), mt.At, doc(mt)); err != nil {
			return err
		}
		return auditEntry(tx, storage.AuditEntry{At: m.At, ActorID: m.ActorID, Action: "meeting.add", Where: m.Where, Kind: storage.KindMeeting, Ref: refOf(id)})
	})
	return mt, err
}

// Meetings returns the meetings with from <= time < to.
func (s *Store) Meetings(from, to time.Time) ([]storage.Meeting, error) {
	return collect[storage.Meeting](s.pool, "SELECT doc FROM meetings WHERE at >= $1 AND at < $2 ORDER BY at, id", from, to)
}

// Meeting returns one meeting.
func (s *Store) Meeting(id uint64) (storage.Meeting, error) {
	mt, ok, err := one[storage.Meeting](s.pool, "SELECT doc FROM meetings WHERE id = $1", int64(id))
	if err == nil && !ok {
		err = &storage.Error{Code: storage.ENotFound, Op: "Meeting", Subject: strconv.FormatUint(id, 10)}
	}
	return mt, err
}

// CancelMeeting removes a meeting and queues the notices.
func (s *Store) CancelMeeting(m storage.Meta, id uint64, notify []storage.Queued) (storage.Meeting, error) {
	return s.changeMeeting(m, id, "meeting.cancel", nil, notify)
}

// MoveMeeting sets a meeting's time and queues the notices.
func (s *Store) MoveMeeting(m storage.Meta, id uint64, at time.Time, notify []storage.Queued) (storage.Meeting, error) {
	return s.changeMeeting(m, id, "meeting.move", &at, notify)
}

func (s *Store) changeMeeting(m storage.Meta, id uint64, action string, at *time.Time, notify []storage.Queued) (storage.Meeting, error) {
	var mt storage.Meeting
	err := s.write(m, func(tx pgx.Tx) error {
		found, ok, err := one[storage.Meeting](tx, "SELECT doc FROM meetings WHERE id = $1 FOR UPDATE", int64(id))
		if err != nil {
			return err
		}
		if !ok {
			return &storage.Error{Code: storage.ENotFound, Op: action, Subject: strconv.FormatUint(id, 10)}
		}
		mt = found
		detail := found.At.UTC().Format(time.RFC3339)
		if at != nil {
			mt.At = *at
			if _, err := tx.Exec(bg, "UPDATE meetings SET at = $2, doc = $3 WHERE id = $1", int64(id), mt.At, doc(mt)); err != nil {
				return err
			}
			detail += "→" + mt.At.UTC().Format(time.RFC3339)
		} else if _, err := tx.Exec(bg, "DELETE FROM meetings WHERE id = $1", int64(id)); err != nil {
			return err
		}
		for _, q := range notify {
			if err := enqueue(tx, q); err != nil {
				return err
			}
		}
		return audit(tx, m, action, "meeting:"+strconv.FormatUint(id, 10)+" "+detail)
	})
	return mt, err
}

// ---- undo, numbers, corrections ----

// Undo removes the actor's most recent record created at or after since.
func (s *Store) Undo(m storage.Meta, since time.Time) (storage.Undone, error) {
	var u storage.Undone
	err := s.write(m, func(tx pgx.Tx) error {
		u = storage.Undone{}
		entries, err := collect[storage.AuditEntry](tx, "SELECT doc FROM audit WHERE actor_id = $1 AND kind <> '' AND at >= $2 ORDER BY seq DESC", int64(m.ActorID), since)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := undoOne(tx, e, &u); err != nil {
				return err
			}
			if u.Kind != "" {
				return audit(tx, m, "undo."+u.Kind, "", u.StudentID)
			}
		}
		return &storage.Error{Code: storage.ENotFound, Op: "Undo", At: since}
	})
	return u, err
}

// undoOne removes the record an "add" entry names, if it is still there.
func undoOne(tx pgx.Tx, e storage.AuditEntry, u *storage.Undone) error {
	id := noOf(e.Ref)
	if e.Kind == storage.KindMeeting {
		mt, ok, err := one[storage.Meeting](tx, "DELETE FROM meetings WHERE id = $1 RETURNING doc", int64(id))
		if err != nil || !ok {
			return err
		}
		u.Meeting, u.Kind = &mt, e.Kind
		return nil
	}
	var kind string
	var data []byte
	if err := tx.QueryRow(bg, "DELETE FROM records WHERE no = $1 RETURNING kind, doc", int64(id)).Scan(&kind, &data); err != nil {
		return noRows(err, nil)
	}
	r, err := decodeRecord(kind, data)
	if err != nil {
		return err
	}
	u.Kind, u.StudentID = kind, r.StudentID()
	u.Session, u.Contact, u.Praise, u.Comment = r.Session, r.Contact, r.Praise, r.Comment
	if r.Praise != nil {
		n, err := dropQueued(tx, func(q storage.Queued) bool { return strings.HasPrefix(q.Key, storage.PraiseKeyPrefix(r.Praise.ID)) })
		if err != nil {
			return err
		}
		u.UnsentDropped = n
	}
	if r.Contact != nil {
		n, err := dropQueued(tx, r.Contact.WaitingFor)
		if err != nil {
			return err
		}
		u.UnsentDropped = n
	}
	return nil
}

func recordNotFound(op string, no uint64) error {
	return &storage.Error{Code: storage.ENotFound, Op: op, Subject: "#" + strconv.FormatUint(no, 10)}
}

// RecordByNo returns the record numbered no.
func (s *Store) RecordByNo(no uint64) (storage.Record, error) {
	r, ok, err := recordByNo(s.pool, no, false)
	if err == nil && !ok {
		err = recordNotFound("RecordByNo", no)
	}
	return r, err
}

// EditRecord changes record no in place (its number, kind, student and
// author kept); a praise's unsent messages are replaced.
func (s *Store) EditRecord(m storage.Meta, no uint64, fn func(*storage.Record) error, notify []storage.Queued) (storage.Edited, error) {
	var ed storage.Edited
	err := s.write(m, func(tx pgx.Tx) error {
		ed = storage.Edited{}
		before, ok, err := recordByNo(tx, no, true)
		if err != nil {
			return err
		}
		if !ok {
			return recordNotFound("EditRecord", no)
		}
		after := before.Clone()
		if err := fn(&after); err != nil {
			return err
		}
		after = storage.KeepIdentity(before, after)
		if err := putRecord(tx, after); err != nil {
			return err
		}
		if after.Praise != nil {
			if ed.UnsentReplaced, err = replaceUnsentPraise(tx, m, after.Praise, notify); err != nil {
				return err
			}
		}
		ed.Before, ed.After = before, after
		return audit(tx, m, before.Kind+".edit", "#"+strconv.FormatUint(no, 10), after.StudentID())
	})
	return ed, err
}

// replaceUnsentPraise swaps a praise's messages still waiting for ones with
// the new words; a parent who got the first words gets nothing more.
func replaceUnsentPraise(tx pgx.Tx, m storage.Meta, p *storage.Praise, notify []storage.Queued) (int, error) {
	waiting := map[uint64]bool{}
	n, err := dropQueued(tx, func(q storage.Queued) bool {
		waiting[q.PersonID] = waiting[q.PersonID] || storage.Unsent(q, p.ID)
		return storage.Unsent(q, p.ID)
	})
	if err != nil || n == 0 {
		return 0, err
	}
	again := storage.Renotified(*p, waiting, notify, m.At)
	for _, q := range again {
		if err := enqueue(tx, q); err != nil {
			return 0, err
		}
	}
	return len(again), nil
}

// DeleteRecord removes record no as /undo would.
func (s *Store) DeleteRecord(m storage.Meta, no uint64) (storage.Undone, error) {
	var u storage.Undone
	err := s.write(m, func(tx pgx.Tx) error {
		u = storage.Undone{}
		var kind string
		if err := tx.QueryRow(bg, "SELECT kind FROM records WHERE no = $1", int64(no)).Scan(&kind); err != nil {
			return noRows(err, recordNotFound("DeleteRecord", no))
		}
		if err := undoOne(tx, storage.AuditEntry{Kind: kind, Ref: refOf(no)}, &u); err != nil {
			return err
		}
		if u.Kind == "" {
			return recordNotFound("DeleteRecord", no)
		}
		return audit(tx, m, kind+".delete", "#"+strconv.FormatUint(no, 10), u.StudentID)
	})
	return u, err
}

package postgres

import (
	"time"

	"github.com/jackc/pgx/v5"

	"bangfu/storage"
)

// DeleteStudent erases a student and every record of them in one
// transaction, then rewrites the tables they were in (VACUUM FULL) so that
// the table files no longer hold the deleted rows. What stays in the WAL and
// in base backups until they rotate is the operator's to know: the reply to
// the admin names backups, as for bbolt.
func (s *Store) DeleteStudent(m storage.Meta, id uint64, mentions []string) (storage.Erased, error) {
	var e storage.Erased
	err := s.writeDirectory(m, func(tx pgx.Tx) error {
		e = storage.Erased{}
		// The lock every record's write takes: none is added while the
		// child is erased, and none after (they find no student).
		if err := lockStudent(tx, id); err != nil {
			return err
		}
		st, ok, err := one[storage.Student](tx, "SELECT doc FROM students WHERE id = $1 FOR UPDATE", int64(id))
		if err != nil {
			return err
		}
		if !ok {
			return &storage.Error{Code: storage.ENotFound, Op: "DeleteStudent", StudentID: id}
		}
		rows, err := tx.Query(bg, "DELETE FROM records WHERE student_id = $1 RETURNING kind", int64(id))
		if err != nil {
			return err
		}
		for rows.Next() {
			var kind string
			if err := rows.Scan(&kind); err != nil {
				rows.Close()
				return err
			}
			switch kind {
			case storage.KindSession:
				e.Sessions++
			case storage.KindContact:
				e.Contacts++
			case storage.KindPraise:
				e.Praise++
			case storage.KindComment:
				e.Comments++
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		tag, err := tx.Exec(bg, "DELETE FROM invites WHERE (doc->>'StudentID')::bigint = $1", int64(id))
		if err != nil {
			return err
		}
		e.Invites = int(tag.RowsAffected())
		if e.Queued, err = dropQueued(tx, func(q storage.Queued) bool { return q.StudentID == id || storage.MentionsAny(q.Text, mentions) }); err != nil {
			return err
		}
		if e.Parents, err = unlinkParents(tx, id); err != nil {
			return err
		}
		if e.Renamed, err = unnameChild(tx, mentions); err != nil {
			return err
		}
		if err := untitleQueued(tx, mentions); err != nil {
			return err
		}
		if _, err := tx.Exec(bg, "DELETE FROM students WHERE id = $1", int64(st.ID)); err != nil {
			return err
		}
		return audit(tx, m, "student.delete", "", id)
	})
	if err != nil {
		return e, err
	}
	// Outside the transaction (VACUUM cannot run in one): the tables the
	// child was in are rewritten without the deleted rows.
	for _, table := range []string{"records", "students", "people", "accounts", "invites", "outbox", "replies"} {
		if _, err := s.pool.Exec(bg, "VACUUM FULL "+table); err != nil {
			return e, err
		}
	}
	return e, nil
}

func unlinkParents(tx pgx.Tx, student uint64) (int, error) {
	people, err := collect[storage.Person](tx, "SELECT doc FROM people ORDER BY id FOR UPDATE")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range people {
		if !p.IsParentOf(student) {
			continue
		}
		n++
		if p.Unlink(student) {
			if _, err := tx.Exec(bg, "DELETE FROM accounts WHERE person_id = $1", int64(p.ID)); err != nil {
				return 0, err
			}
			if _, err := tx.Exec(bg, "DELETE FROM people WHERE id = $1", int64(p.ID)); err != nil {
				return 0, err
			}
			continue
		}
		if err := putPerson(tx, p); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func unnameChild(tx pgx.Tx, mentions []string) (int, error) {
	people, err := collect[storage.Person](tx, "SELECT doc FROM people ORDER BY id")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range people {
		if !p.Unname(mentions) {
			continue
		}
		n++
		if err := putPerson(tx, p); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func untitleQueued(tx pgx.Tx, mentions []string) error {
	qs, err := collect[storage.Queued](tx, "SELECT doc FROM outbox ORDER BY id")
	if err != nil {
		return err
	}
	for _, q := range qs {
		if storage.MentionsAny(q.ChatTitle, mentions) {
			q.ChatTitle = storage.WithoutMentions(q.ChatTitle, mentions)
			if _, err := tx.Exec(bg, "UPDATE outbox SET doc = $2 WHERE id = $1", int64(q.ID), doc(q)); err != nil {
				return err
			}
		}
	}
	return nil
}

// ---- bulk loading ----

type bulk struct {
	tx pgx.Tx
	m  storage.Meta
}

// Bulk runs fn in one write transaction.
func (s *Store) Bulk(m storage.Meta, fn func(b storage.Bulk) error) error {
	defer s.dir.drop()
	return pgx.BeginFunc(bg, s.pool, func(tx pgx.Tx) error { return fn(&bulk{tx: tx, m: m}) })
}

func (b *bulk) Student(grade, number int, st storage.Student) (storage.Student, error) {
	c, err := ensureClass(b.tx, grade, number)
	if err != nil {
		return st, err
	}
	if st.ID, err = newStudentID(b.tx); err != nil {
		return st, err
	}
	st.ClassID = c.ID
	if st.CreatedAt.IsZero() {
		st.CreatedAt = b.m.At
	}
	return st, putStudent(b.tx, st)
}

func (b *bulk) Person(p storage.Person) (storage.Person, error) {
	id, err := insertReturningID(b.tx, "SELECT nextval('people_id_seq')")
	if err != nil {
		return p, err
	}
	p.ID = id
	return p, putPerson(b.tx, p)
}

func (b *bulk) record(r storage.Record, action string) error {
	if err := putRecord(b.tx, r); err != nil {
		return err
	}
	return auditRecord(b.tx, storage.Meta{ActorID: r.AuthorID(), Where: b.m.Where, At: r.At}, action, r.Kind, r.No(), r.StudentID())
}

func (b *bulk) Session(se storage.Session) error {
	no, err := nextNo(b.tx)
	if err != nil {
		return err
	}
	se.ID, se.No = no, no
	return b.record(storage.Record{Kind: storage.KindSession, At: se.At, Session: &se}, "session.add")
}

func (b *bulk) Contact(c storage.Contact) error {
	no, err := nextNo(b.tx)
	if err != nil {
		return err
	}
	c.ID, c.No = no, no
	return b.record(storage.Record{Kind: storage.KindContact, At: c.At, Contact: &c}, "contact.add")
}

func (b *bulk) Praise(p storage.Praise) error {
	no, err := nextNo(b.tx)
	if err != nil {
		return err
	}
	p.ID, p.No = no, no
	return b.record(storage.Record{Kind: storage.KindPraise, At: p.At, Praise: &p}, "praise.add")
}

func (b *bulk) Audit(e storage.AuditEntry) error {
	return audit(b.tx, storage.Meta{ActorID: e.ActorID, Where: e.Where, At: e.At}, e.Action, e.Detail, e.StudentIDs...)
}

func (b *bulk) MarkProcessed(msgKey string, at time.Time) error {
	return markProcessed(b.tx, storage.Meta{MsgKey: msgKey, At: at}, "")
}

func (b *bulk) Enqueue(q storage.Queued) error { return enqueue(b.tx, q) }

func (b *bulk) Delivered(key string, at time.Time) error {
	_, err := b.tx.Exec(bg, "INSERT INTO outbox_keys (key, at) VALUES ($1, $2) ON CONFLICT DO NOTHING", key, at)
	return err
}

func (b *bulk) Group(g storage.Group) error {
	_, err := b.tx.Exec(bg, "INSERT INTO groups (platform, chat_id, doc) VALUES ($1, $2, $3) ON CONFLICT (platform, chat_id) DO UPDATE SET doc = EXCLUDED.doc", g.Platform, g.ChatID, doc(g))
	return err
}

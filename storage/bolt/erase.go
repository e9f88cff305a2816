package bolt

import (
	"bytes"

	bbolt "go.etcd.io/bbolt"

	"bangfu/storage"
)

// DeleteStudent erases a student and every record of them (a privacy
// request), then compacts the database into a fresh file so that the deleted
// bytes, which bbolt leaves in free pages, are gone from disk too. Parents
// whose only role was this child are erased with it (their display names
// often carry the child's name); the audit log keeps only ids. Every step is
// in one transaction, in order, so an erasure is all or nothing.
func (s *Store) DeleteStudent(m storage.Meta, id uint64, mentions []string) (storage.Erased, error) {
	var e storage.Erased
	err := s.update(func(tx *bbolt.Tx) error {
		e = storage.Erased{}
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		st, ok := getStudent(tx, id)
		if !ok {
			return notFound("DeleteStudent", id, 0)
		}
		prefix := u64(id)
		for _, rb := range []recordBuckets{sessionRecords, contactRecords, praiseRecords} {
			b := tx.Bucket(rb.main)
			n, err := deletePrefix(b, prefix, func(k []byte) error { return unindexValue(tx, b.Get(k)) })
			if err != nil {
				return err
			}
			switch rb.kind {
			case storage.KindSession:
				e.Sessions = n
			case storage.KindContact:
				e.Contacts = n
			case storage.KindPraise:
				e.Praise = n
			}
		}
		var err error
		comments := tx.Bucket(bComments)
		if e.Comments, err = deletePrefix(comments, prefix, func(k []byte) error { return unindexValue(tx, comments.Get(k)) }); err != nil {
			return err
		}
		var dead [][]byte
		// Invites for the student's parents.
		if err := tx.Bucket(bInvites).ForEach(func(k, v []byte) error {
			var inv storage.Invite
			decode(v, &inv)
			if inv.StudentID == id {
				dead = append(dead, append([]byte(nil), k...))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, k := range dead {
			if err := tx.Bucket(bInvites).Delete(k); err != nil {
				return err
			}
		}
		e.Invites = len(dead)
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
		if err := tx.Bucket(bStudents).Delete(u64(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bStudentsByClass).Delete(key(st.ClassID, id)); err != nil {
			return err
		}
		if err := tx.Bucket(bStudentsByName).Delete(append(strKey(st.Name, ""), u64(id)...)); err != nil {
			return err
		}
		return audit(tx, m, "student.delete", "", id)
	})
	if err != nil {
		return e, err
	}
	return e, s.compact()
}

// unlinkParents removes the child from every parent; a person left with no
// role at all is erased with their accounts.
func unlinkParents(tx *bbolt.Tx, student uint64) (int, error) {
	var people []storage.Person
	if err := tx.Bucket(bPeople).ForEach(func(_, v []byte) error {
		var p storage.Person
		decode(v, &p)
		if p.IsParentOf(student) {
			people = append(people, p)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	for _, p := range people {
		if p.Unlink(student) {
			for _, a := range p.Accounts {
				if err := tx.Bucket(bAccounts).Delete(strKey(a.Platform, a.UserID)); err != nil {
					return 0, err
				}
			}
			if err := tx.Bucket(bPeople).Delete(u64(p.ID)); err != nil {
				return 0, err
			}
			continue
		}
		if err := putPerson(tx, p); err != nil {
			return 0, err
		}
	}
	return len(people), nil
}

// unnameChild takes the child's name out of the people who stay (张三妈妈,
// still a parent of a sibling, becomes 妈妈 or the sibling's relation).
func unnameChild(tx *bbolt.Tx, mentions []string) (int, error) {
	var renamed []storage.Person
	if err := tx.Bucket(bPeople).ForEach(func(_, v []byte) error {
		var p storage.Person
		decode(v, &p)
		if p.Unname(mentions) {
			renamed = append(renamed, p)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	for _, p := range renamed {
		if err := putPerson(tx, p); err != nil {
			return 0, err
		}
	}
	return len(renamed), nil
}

// untitleQueued takes the child's name out of the titles of messages still
// queued for the people who stay.
func untitleQueued(tx *bbolt.Tx, mentions []string) error {
	b := tx.Bucket(bOutbox)
	type retitled struct {
		k []byte
		q storage.Queued
	}
	var todo []retitled
	if err := b.ForEach(func(k, v []byte) error {
		var q storage.Queued
		decode(v, &q)
		if storage.MentionsAny(q.ChatTitle, mentions) {
			q.ChatTitle = storage.WithoutMentions(q.ChatTitle, mentions)
			todo = append(todo, retitled{append([]byte(nil), k...), q})
		}
		return nil
	}); err != nil {
		return err
	}
	for _, t := range todo {
		if err := putJSON(b, t.k, t.q); err != nil {
			return err
		}
	}
	return nil
}

func deletePrefix(b *bbolt.Bucket, prefix []byte, also func(k []byte) error) (int, error) {
	var dead [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		dead = append(dead, append([]byte(nil), k...))
	}
	for _, k := range dead {
		if also != nil {
			if err := also(k); err != nil {
				return 0, err
			}
		}
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(dead), nil
}

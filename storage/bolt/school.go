package bolt

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"

	bbolt "go.etcd.io/bbolt"

	"bangfu/storage"
)

// ---- classes ----

func ensureClass(tx *bbolt.Tx, grade, number int) (storage.Class, error) {
	idx := tx.Bucket(bClassByGrade)
	k := key(uint64(grade), uint64(number))
	if v := idx.Get(k); v != nil {
		var c storage.Class
		getJSON(tx.Bucket(bClasses), v, &c)
		return c, nil
	}
	b := tx.Bucket(bClasses)
	c := storage.Class{ID: nextID(b), Grade: grade, Number: number}
	if err := putJSON(b, u64(c.ID), c); err != nil {
		return c, err
	}
	return c, idx.Put(k, u64(c.ID))
}

// EnsureClass returns the class, creating it if new.
func (s *Store) EnsureClass(grade, number int) (storage.Class, error) {
	var c storage.Class
	err := s.update(func(tx *bbolt.Tx) error {
		var err error
		c, err = ensureClass(tx, grade, number)
		return err
	})
	return c, err
}

// ClassByGrade finds a class by grade and number.
func (s *Store) ClassByGrade(grade, number int) (storage.Class, bool, error) {
	var c storage.Class
	var ok bool
	err := s.view(func(tx *bbolt.Tx) error {
		if v := tx.Bucket(bClassByGrade).Get(key(uint64(grade), uint64(number))); v != nil {
			ok = getJSON(tx.Bucket(bClasses), v, &c)
		}
		return nil
	})
	return c, ok, err
}

// Class returns a class by id.
func (s *Store) Class(id uint64) (storage.Class, error) {
	var c storage.Class
	err := s.view(func(tx *bbolt.Tx) error {
		if !getJSON(tx.Bucket(bClasses), u64(id), &c) {
			return notFound("Class", 0, id)
		}
		return nil
	})
	return c, err
}

// Classes lists every class in grade and number order.
func (s *Store) Classes() ([]storage.Class, error) {
	var out []storage.Class
	err := s.view(func(tx *bbolt.Tx) error {
		cls := tx.Bucket(bClasses)
		return tx.Bucket(bClassByGrade).ForEach(func(_, v []byte) error {
			var c storage.Class
			if getJSON(cls, v, &c) {
				out = append(out, c)
			}
			return nil
		})
	})
	return out, err
}

// ---- students ----

func getStudent(tx *bbolt.Tx, id uint64) (storage.Student, bool) {
	var st storage.Student
	ok := getJSON(tx.Bucket(bStudents), u64(id), &st)
	return st, ok
}

func putStudent(tx *bbolt.Tx, st storage.Student) error {
	if err := putJSON(tx.Bucket(bStudents), u64(st.ID), st); err != nil {
		return err
	}
	if err := tx.Bucket(bStudentsByClass).Put(key(st.ClassID, st.ID), nil); err != nil {
		return err
	}
	return tx.Bucket(bStudentsByName).Put(append(strKey(st.Name, ""), u64(st.ID)...), nil)
}

// AddStudent puts a student under support in the class (created if new). A
// closed student of the same name in that class is reopened with the new
// details; an active one is refused.
func (s *Store) AddStudent(m storage.Meta, grade, number int, st storage.Student) (storage.Student, bool, error) {
	out, reopened, err := s.AddStudents(m, grade, number, []storage.Student{st})
	if err != nil {
		return storage.Student{}, false, err
	}
	return out[0], reopened[0], nil
}

// AddStudents adds (or reopens) several students of one class in one write.
func (s *Store) AddStudents(m storage.Meta, grade, number int, sts []storage.Student) ([]storage.Student, []bool, error) {
	var out []storage.Student
	var reopened []bool
	err := s.update(func(tx *bbolt.Tx) error {
		out, reopened = out[:0], reopened[:0]
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		c, err := ensureClass(tx, grade, number)
		if err != nil {
			return err
		}
		for _, st := range sts {
			added, again, err := putNewStudent(tx, m, c, st)
			if err != nil {
				return err
			}
			out, reopened = append(out, added), append(reopened, again)
		}
		return nil
	})
	return out, reopened, err
}

// putNewStudent adds st to class c, or reopens a closed student of that name
// there; an active one of that name is a conflict.
func putNewStudent(tx *bbolt.Tx, m storage.Meta, c storage.Class, st storage.Student) (storage.Student, bool, error) {
	for _, id := range studentIDsNamed(tx, st.Name) {
		old, ok := getStudent(tx, id)
		if !ok || old.ClassID != c.ID {
			continue
		}
		if !old.Closed {
			return st, false, &storage.Error{Code: storage.EConflict, Op: "AddStudent", ClassID: c.ID, StudentID: old.ID, Student: st.Name}
		}
		out := storage.Reopen(old, st)
		if err := putStudent(tx, out); err != nil {
			return st, false, err
		}
		return out, true, audit(tx, m, "student.reopen", "", out.ID)
	}
	out := st
	out.ID = nextID(tx.Bucket(bStudents))
	out.ClassID = c.ID
	out.CreatedAt = m.At
	if err := putStudent(tx, out); err != nil {
		return st, false, err
	}
	return out, false, audit(tx, m, "student.add", "", out.ID)
}

func studentIDsNamed(tx *bbolt.Tx, name string) []uint64 {
	prefix := strKey(name, "")
	var ids []uint64
	c := tx.Bucket(bStudentsByName).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) == len(prefix)+8 {
			ids = append(ids, be(k[len(prefix):]))
		}
	}
	return ids
}

// StudentsNamed returns every student (active or closed) with that name.
func (s *Store) StudentsNamed(name string) ([]storage.Student, error) {
	var out []storage.Student
	err := s.view(func(tx *bbolt.Tx) error {
		for _, id := range studentIDsNamed(tx, name) {
			if st, ok := getStudent(tx, id); ok {
				out = append(out, st)
			}
		}
		return nil
	})
	return out, err
}

// Student returns one student.
func (s *Store) Student(id uint64) (storage.Student, error) {
	var st storage.Student
	err := s.view(func(tx *bbolt.Tx) error {
		var ok bool
		if st, ok = getStudent(tx, id); !ok {
			return notFound("Student", id, 0)
		}
		return nil
	})
	return st, err
}

// StudentsInClass lists a class's students (active and closed) by id.
func (s *Store) StudentsInClass(classID uint64) ([]storage.Student, error) {
	var out []storage.Student
	err := s.view(func(tx *bbolt.Tx) error {
		out = studentsInClass(tx, classID)
		return nil
	})
	return out, err
}

func studentsInClass(tx *bbolt.Tx, classID uint64) []storage.Student {
	var out []storage.Student
	prefix := u64(classID)
	c := tx.Bucket(bStudentsByClass).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if st, ok := getStudent(tx, be(k[8:])); ok {
			out = append(out, st)
		}
	}
	return out
}

// AllStudents lists every student.
func (s *Store) AllStudents() ([]storage.Student, error) {
	var out []storage.Student
	err := s.view(func(tx *bbolt.Tx) error {
		return tx.Bucket(bStudents).ForEach(func(_, v []byte) error {
			var st storage.Student
			decode(v, &st)
			out = append(out, st)
			return nil
		})
	})
	return out, err
}

// UpdateStudent changes a student in one audited transaction.
func (s *Store) UpdateStudent(m storage.Meta, id uint64, action string, fn func(*storage.Student) error) (storage.Student, error) {
	out, err := s.UpdateStudents(m, []uint64{id}, action, fn)
	if err != nil {
		return storage.Student{}, err
	}
	return out[0], nil
}

// MoveStudent moves a student to the class grade/number (created if new).
func (s *Store) MoveStudent(m storage.Meta, id uint64, grade, number int) (storage.Student, storage.Class, error) {
	var st storage.Student
	var c storage.Class
	err := s.update(func(tx *bbolt.Tx) error {
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		var ok bool
		if st, ok = getStudent(tx, id); !ok {
			return notFound("MoveStudent", id, 0)
		}
		var err error
		if c, err = ensureClass(tx, grade, number); err != nil {
			return err
		}
		for _, other := range studentIDsNamed(tx, st.Name) {
			if o, ok := getStudent(tx, other); ok && o.ID != id && o.ClassID == c.ID && !o.Closed {
				return &storage.Error{Code: storage.EConflict, Op: "MoveStudent", ClassID: c.ID, StudentID: o.ID, Student: st.Name}
			}
		}
		if err := tx.Bucket(bStudentsByClass).Delete(key(st.ClassID, id)); err != nil {
			return err
		}
		st.ClassID = c.ID
		if err := putStudent(tx, st); err != nil {
			return err
		}
		return audit(tx, m, "student.move", "", id)
	})
	return st, c, err
}

// UpdateStudents applies fn to each student in one write, all or none.
func (s *Store) UpdateStudents(m storage.Meta, ids []uint64, action string, fn func(*storage.Student) error) ([]storage.Student, error) {
	var out []storage.Student
	err := s.update(func(tx *bbolt.Tx) error {
		out = out[:0]
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		for _, id := range ids {
			st, ok := getStudent(tx, id)
			if !ok {
				return notFound("UpdateStudent", id, 0)
			}
			if err := fn(&st); err != nil {
				return err
			}
			out = append(out, st)
			if err := putStudent(tx, st); err != nil {
				return err
			}
		}
		return audit(tx, m, action, "", ids...)
	})
	return out, err
}

// ---- people ----

func getPerson(tx *bbolt.Tx, id uint64) (storage.Person, bool) {
	var p storage.Person
	ok := getJSON(tx.Bucket(bPeople), u64(id), &p)
	return p, ok
}

func putPerson(tx *bbolt.Tx, p storage.Person) error {
	if err := putJSON(tx.Bucket(bPeople), u64(p.ID), p); err != nil {
		return err
	}
	acc := tx.Bucket(bAccounts)
	for _, a := range p.Accounts {
		if err := acc.Put(strKey(a.Platform, a.UserID), u64(p.ID)); err != nil {
			return err
		}
	}
	return nil
}

// PersonByAccount finds the person behind a platform user id.
func (s *Store) PersonByAccount(platform, userID string) (storage.Person, bool, error) {
	var p storage.Person
	var ok bool
	err := s.view(func(tx *bbolt.Tx) error {
		if v := tx.Bucket(bAccounts).Get(strKey(platform, userID)); v != nil {
			p, ok = getPerson(tx, be(v))
		}
		return nil
	})
	return p, ok, err
}

// EnsurePerson returns the person behind a platform account, creating them
// (with no role) on first contact and keeping their name and private chat up
// to date. It writes only when something changed.
func (s *Store) EnsurePerson(platform, userID, privateChat, name string) (storage.Person, error) {
	p, ok, err := s.PersonByAccount(platform, userID)
	if err != nil {
		return p, err
	}
	if ok && p.Shows(platform, userID, privateChat, name) {
		return p, nil
	}
	err = s.update(func(tx *bbolt.Tx) error {
		if v := tx.Bucket(bAccounts).Get(strKey(platform, userID)); v != nil {
			p, _ = getPerson(tx, be(v))
		} else {
			p = storage.Person{ID: nextID(tx.Bucket(bPeople)), CreatedAt: s.Now(),
				Accounts: []storage.Account{{Platform: platform, UserID: userID}}}
		}
		p.Identify(platform, userID, privateChat, name)
		return putPerson(tx, p)
	})
	return p, err
}

// Person returns one person.
func (s *Store) Person(id uint64) (storage.Person, error) {
	var p storage.Person
	err := s.view(func(tx *bbolt.Tx) error {
		var ok bool
		if p, ok = getPerson(tx, id); !ok {
			return &storage.Error{Code: storage.ENotFound, Op: "Person", Subject: strconv.FormatUint(id, 10)}
		}
		return nil
	})
	return p, err
}

// People lists everyone, by id.
func (s *Store) People() ([]storage.Person, error) {
	var out []storage.Person
	err := s.view(func(tx *bbolt.Tx) error {
		return tx.Bucket(bPeople).ForEach(func(_, v []byte) error {
			var p storage.Person
			decode(v, &p)
			out = append(out, p)
			return nil
		})
	})
	return out, err
}

// UpdatePerson changes a person in one audited transaction.
func (s *Store) UpdatePerson(m storage.Meta, id uint64, action string, fn func(*storage.Person) error) (storage.Person, error) {
	var out storage.Person
	err := s.update(func(tx *bbolt.Tx) error {
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		p, ok := getPerson(tx, id)
		if !ok {
			return &storage.Error{Code: storage.ENotFound, Op: "UpdatePerson", Subject: strconv.FormatUint(id, 10)}
		}
		if err := fn(&p); err != nil {
			return err
		}
		out = p
		if err := putPerson(tx, p); err != nil {
			return err
		}
		// A message about a child waits only for that child's parent: one
		// unbound (or a teacher removed) no longer gets what was queued.
		if _, err := dropQueued(tx, func(q storage.Queued) bool {
			return q.PersonID == p.ID && q.StudentID != 0 && !p.IsParentOf(q.StudentID) && !p.IsStaff()
		}); err != nil {
			return err
		}
		return audit(tx, m, action, "person:"+strconv.FormatUint(id, 10), 0)
	})
	return out, err
}

// ---- groups ----

// Group returns the registration of a group chat.
func (s *Store) Group(platform, chatID string) (storage.Group, bool, error) {
	var g storage.Group
	var ok bool
	err := s.view(func(tx *bbolt.Tx) error {
		ok = getJSON(tx.Bucket(bGroups), strKey(platform, chatID), &g)
		return nil
	})
	return g, ok, err
}

// SetGroup registers (or re-registers) a group chat.
func (s *Store) SetGroup(m storage.Meta, g storage.Group) error {
	return s.update(func(tx *bbolt.Tx) error {
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		b := tx.Bucket(bGroups)
		var old storage.Group
		changed := getJSON(b, strKey(g.Platform, g.ChatID), &old) && (old.Kind != g.Kind || old.ClassID != g.ClassID)
		if err := putJSON(b, strKey(g.Platform, g.ChatID), g); err != nil {
			return err
		}
		if changed { // who turned which group into what: a takeover would show here
			return audit(tx, m, "group.change", fmt.Sprintf("%s:%d→%s:%d", old.Kind, old.ClassID, g.Kind, g.ClassID), 0)
		}
		return audit(tx, m, "group.register", g.Kind, 0)
	})
}

// MoveGroup keeps a group's registration when its chat id changes (a
// Telegram group upgraded to a supergroup).
func (s *Store) MoveGroup(platform, oldID, newID string) error {
	return s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bGroups)
		var g storage.Group
		if !getJSON(b, strKey(platform, oldID), &g) {
			return nil
		}
		g.ChatID = newID
		if err := putJSON(b, strKey(platform, newID), g); err != nil {
			return err
		}
		return b.Delete(strKey(platform, oldID))
	})
}

// Groups lists every registered group.
func (s *Store) Groups() ([]storage.Group, error) {
	var out []storage.Group
	err := s.view(func(tx *bbolt.Tx) error {
		return tx.Bucket(bGroups).ForEach(func(_, v []byte) error {
			var g storage.Group
			decode(v, &g)
			out = append(out, g)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Title < out[j].Title })
	return out, err
}

// ---- invites ----

// CreateInvite stores a new one-time code valid for seven days.
func (s *Store) CreateInvite(m storage.Meta, inv storage.Invite) (storage.Invite, error) {
	err := s.update(func(tx *bbolt.Tx) error {
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		b := tx.Bucket(bInvites)
		for {
			code, err := storage.NewInviteCode()
			if err != nil {
				return err
			}
			if b.Get([]byte(code)) == nil {
				inv.Code = code
				break
			}
		}
		inv.CreatedBy = m.ActorID
		inv.CreatedAt = m.At
		inv.Expires = m.At.Add(storage.InviteValidity)
		if err := putJSON(b, []byte(inv.Code), inv); err != nil {
			return err
		}
		return audit(tx, m, "invite."+inv.Kind, "", inv.StudentID)
	})
	return inv, err
}

// InviteExists reports whether the code was issued here.
func (s *Store) InviteExists(code string) (bool, error) {
	var ok bool
	err := s.view(func(tx *bbolt.Tx) error {
		ok = tx.Bucket(bInvites).Get([]byte(code)) != nil
		return nil
	})
	return ok, err
}

// UseInvite spends a code for the person and grants what it carries, in one
// transaction so a code can never be used twice.
func (s *Store) UseInvite(m storage.Meta, code string, personID uint64) (storage.Invite, storage.Person, error) {
	var inv storage.Invite
	var p storage.Person
	err := s.update(func(tx *bbolt.Tx) error {
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		b := tx.Bucket(bInvites)
		if !getJSON(b, []byte(code), &inv) {
			return &storage.Error{Code: storage.ENotFound, Op: "UseInvite", Subject: code}
		}
		if inv.UsedBy != 0 {
			return &storage.Error{Code: storage.EConflict, Op: "UseInvite", Subject: code, Reason: "used", At: inv.UsedAt}
		}
		if inv.Revoked {
			return &storage.Error{Code: storage.EConflict, Op: "UseInvite", Subject: code, Reason: "revoked"}
		}
		if !m.At.Before(inv.Expires) {
			return &storage.Error{Code: storage.EExpired, Op: "UseInvite", Subject: code, At: inv.Expires}
		}
		var ok bool
		if p, ok = getPerson(tx, personID); !ok {
			return &storage.Error{Code: storage.ENotFound, Op: "UseInvite", Reason: "person", Subject: code}
		}
		if _, ok := getStudent(tx, inv.StudentID); inv.Kind == storage.InviteParent && !ok {
			return &storage.Error{Code: storage.ENotFound, Op: "UseInvite", Subject: code, Reason: "student", StudentID: inv.StudentID}
		}
		if inv.HandsOverHead() {
			// One head teacher a class: the one until now hands over,
			// and stays one of its teachers.
			var heads []storage.Person
			tx.Bucket(bPeople).ForEach(func(_, v []byte) error {
				var other storage.Person
				decode(v, &other)
				if other.ID != personID && other.HandOver(inv.ClassID) {
					heads = append(heads, other)
				}
				return nil
			})
			for _, other := range heads { // written after the walk: a bucket is not changed while walked
				if err := putJSON(tx.Bucket(bPeople), u64(other.ID), other); err != nil {
					return err
				}
				if err := audit(tx, m, "headteacher.handover", strconv.FormatUint(other.ID, 10)); err != nil {
					return err
				}
			}
		}
		p.Grant(inv)
		inv.UsedBy, inv.UsedAt = personID, m.At
		if err := putJSON(b, []byte(code), inv); err != nil {
			return err
		}
		if err := putPerson(tx, p); err != nil {
			return err
		}
		return audit(tx, m, "invite.use."+inv.Kind, "", inv.StudentID)
	})
	return inv, p, err
}

// RevokeInvite voids an unused code.
func (s *Store) RevokeInvite(m storage.Meta, code string) (bool, error) {
	revoked := false
	err := s.update(func(tx *bbolt.Tx) error {
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		b := tx.Bucket(bInvites)
		var inv storage.Invite
		if !getJSON(b, []byte(code), &inv) || inv.UsedBy != 0 || inv.Revoked {
			return nil
		}
		inv.Revoked, revoked = true, true
		if err := putJSON(b, []byte(code), inv); err != nil {
			return err
		}
		return audit(tx, m, "invite.revoke", "", inv.StudentID)
	})
	return revoked, err
}

// ImportStudents adds or updates every row in one transaction: all or
// nothing. A student already there with the same details is left alone, so
// importing the same file again changes nothing.
func (s *Store) ImportStudents(m storage.Meta, rows []storage.ImportRow) (added, updated, unchanged int, err error) {
	err = s.update(func(tx *bbolt.Tx) error {
		added, updated, unchanged = 0, 0, 0
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		for _, r := range rows {
			c, err := ensureClass(tx, r.Grade, r.Number)
			if err != nil {
				return err
			}
			var existing *storage.Student
			for _, id := range studentIDsNamed(tx, r.Student.Name) {
				if st, ok := getStudent(tx, id); ok && st.ClassID == c.ID {
					existing = &st
					break
				}
			}
			if existing == nil {
				st := r.Student
				st.ID = nextID(tx.Bucket(bStudents))
				st.ClassID, st.CreatedAt = c.ID, m.At
				if err := putStudent(tx, st); err != nil {
					return err
				}
				if err := audit(tx, m, "student.import.add", "", st.ID); err != nil {
					return err
				}
				added++
				continue
			}
			st, changed := r.Applied(*existing)
			if !changed {
				unchanged++
				continue
			}
			if err := putStudent(tx, st); err != nil {
				return err
			}
			if err := audit(tx, m, "student.import.update", "", st.ID); err != nil {
				return err
			}
			updated++
		}
		return nil
	})
	return added, updated, unchanged, err
}

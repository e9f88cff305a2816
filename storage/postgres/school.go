package postgres

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"bangfu/storage"
)

// ---- classes ----

func ensureClass(tx pgx.Tx, grade, number int) (storage.Class, error) {
	if _, err := tx.Exec(bg, "INSERT INTO classes (grade, number) VALUES ($1, $2) ON CONFLICT (grade, number) WHERE graduated = 0 DO NOTHING", grade, number); err != nil {
		return storage.Class{}, err
	}
	c := storage.Class{Grade: grade, Number: number}
	var id int64
	err := tx.QueryRow(bg, "SELECT id FROM classes WHERE grade = $1 AND number = $2 AND graduated = 0", grade, number).Scan(&id)
	c.ID = uint64(id)
	return c, err
}

// EnsureClass returns the class, creating it if new.
func (s *Store) EnsureClass(grade, number int) (storage.Class, error) {
	defer s.dir.drop()
	var c storage.Class
	err := pgx.BeginFunc(bg, s.pool, func(tx pgx.Tx) error {
		var err error
		c, err = ensureClass(tx, grade, number)
		return err
	})
	return c, err
}

func scanClasses(rows pgx.Rows, err error) ([]storage.Class, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storage.Class
	for rows.Next() {
		var id int64
		var c storage.Class
		if err := rows.Scan(&id, &c.Grade, &c.Number, &c.Graduated); err != nil {
			return nil, err
		}
		c.ID = uint64(id)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ClassByGrade finds a current class by grade and number.
func (s *Store) ClassByGrade(grade, number int) (storage.Class, bool, error) {
	cs, err := scanClasses(s.pool.Query(bg, "SELECT id, grade, number, graduated FROM classes WHERE grade = $1 AND number = $2 AND graduated = 0", grade, number))
	if err != nil || len(cs) == 0 {
		return storage.Class{}, false, err
	}
	return cs[0], true, nil
}

// Class returns a class by id, graduated or not.
func (s *Store) Class(id uint64) (storage.Class, error) {
	c, ok, err := cachedOne[storage.Class](s, dirKey{"class", strconv.FormatUint(id, 10)},
		"SELECT jsonb_build_object('ID', id, 'Grade', grade, 'Number', number, 'Graduated', graduated) FROM classes WHERE id = $1", int64(id))
	if err == nil && !ok {
		err = &storage.Error{Code: storage.ENotFound, Op: "Class", ClassID: id}
	}
	return c, err
}

// Classes lists the current classes in grade and number order.
func (s *Store) Classes() ([]storage.Class, error) {
	return scanClasses(s.pool.Query(bg, "SELECT id, grade, number, graduated FROM classes WHERE graduated = 0 ORDER BY grade, number"))
}

// ---- students ----

func putStudent(tx pgx.Tx, st storage.Student) error {
	_, err := tx.Exec(bg, `INSERT INTO students (id, class_id, name, doc) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET class_id = EXCLUDED.class_id, name = EXCLUDED.name, doc = EXCLUDED.doc`,
		int64(st.ID), int64(st.ClassID), st.Name, doc(st))
	return err
}

func newStudentID(tx pgx.Tx) (uint64, error) {
	return insertReturningID(tx, "SELECT nextval('students_id_seq')")
}

func getStudent(q querier, id uint64) (storage.Student, bool, error) {
	return one[storage.Student](q, "SELECT doc FROM students WHERE id = $1", int64(id))
}

// lockClass serialises the writes that check a class's names.
func lockClass(tx pgx.Tx, classID uint64) error {
	_, err := tx.Exec(bg, "SELECT pg_advisory_xact_lock(1, $1::int)", int32(classID))
	return err
}

// AddStudent puts a student under support, or reopens a closed one of the
// same name in the class; an active one is a conflict.
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
	err := s.writeDirectory(m, func(tx pgx.Tx) error {
		out, reopened = out[:0], reopened[:0]
		c, err := ensureClass(tx, grade, number)
		if err != nil {
			return err
		}
		if err := lockClass(tx, c.ID); err != nil {
			return err
		}
		for _, st := range sts {
			added, again, err := addStudent(tx, m, c, st)
			if err != nil {
				return err
			}
			out, reopened = append(out, added), append(reopened, again)
		}
		return nil
	})
	return out, reopened, err
}

// addStudent adds st to class c (locked), or reopens a closed student of
// that name there; an active one of that name is a conflict.
func addStudent(tx pgx.Tx, m storage.Meta, c storage.Class, st storage.Student) (storage.Student, bool, error) {
	same, err := collect[storage.Student](tx, "SELECT doc FROM students WHERE class_id = $1 AND name = $2 ORDER BY id", int64(c.ID), st.Name)
	if err != nil {
		return st, false, err
	}
	for _, old := range same {
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
	if out.ID, err = newStudentID(tx); err != nil {
		return st, false, err
	}
	out.ClassID, out.CreatedAt = c.ID, m.At
	if err := putStudent(tx, out); err != nil {
		return st, false, err
	}
	return out, false, audit(tx, m, "student.add", "", out.ID)
}

// StudentsNamed returns every student with that name.
func (s *Store) StudentsNamed(name string) ([]storage.Student, error) {
	return cachedAll[storage.Student](s, dirKey{"named", name}, "SELECT doc FROM students WHERE name = $1 ORDER BY id", name)
}

// Student returns one student.
func (s *Store) Student(id uint64) (storage.Student, error) {
	st, ok, err := cachedOne[storage.Student](s, dirKey{"student", strconv.FormatUint(id, 10)}, "SELECT doc FROM students WHERE id = $1", int64(id))
	if err == nil && !ok {
		err = &storage.Error{Code: storage.ENotFound, Op: "Student", StudentID: id}
	}
	return st, err
}

// StudentsInClass lists a class's students by id.
func (s *Store) StudentsInClass(classID uint64) ([]storage.Student, error) {
	return collect[storage.Student](s.pool, "SELECT doc FROM students WHERE class_id = $1 ORDER BY id", int64(classID))
}

// AllStudents lists every student by id.
func (s *Store) AllStudents() ([]storage.Student, error) {
	return collect[storage.Student](s.pool, "SELECT doc FROM students ORDER BY id")
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
	err := s.writeDirectory(m, func(tx pgx.Tx) error {
		var ok bool
		var err error
		if st, ok, err = one[storage.Student](tx, "SELECT doc FROM students WHERE id = $1 FOR UPDATE", int64(id)); err != nil {
			return err
		}
		if !ok {
			return &storage.Error{Code: storage.ENotFound, Op: "MoveStudent", StudentID: id}
		}
		if c, err = ensureClass(tx, grade, number); err != nil {
			return err
		}
		same, err := collect[storage.Student](tx, "SELECT doc FROM students WHERE class_id = $1 AND name = $2 AND id <> $3 ORDER BY id", int64(c.ID), st.Name, int64(id))
		if err != nil {
			return err
		}
		for _, o := range same {
			if !o.Closed {
				return &storage.Error{Code: storage.EConflict, Op: "MoveStudent", ClassID: c.ID, StudentID: o.ID, Student: st.Name}
			}
		}
		st.ClassID = c.ID
		if err := putStudent(tx, st); err != nil {
			return err
		}
		return audit(tx, m, "student.move", "", id)
	})
	return st, c, err
}

// UpdateStudents applies fn to each student in one transaction, all or
// none; the rows are locked in id order, as every writer locks them, so
// two such writes never wait on each other in a circle.
func (s *Store) UpdateStudents(m storage.Meta, ids []uint64, action string, fn func(*storage.Student) error) ([]storage.Student, error) {
	var out []storage.Student
	err := s.writeDirectory(m, func(tx pgx.Tx) error {
		out = out[:0]
		keys := make([]int64, len(ids))
		for i, id := range ids {
			keys[i] = int64(id)
		}
		locked, err := collect[storage.Student](tx, "SELECT doc FROM students WHERE id = ANY($1) ORDER BY id FOR UPDATE", keys)
		if err != nil {
			return err
		}
		byID := make(map[uint64]storage.Student, len(locked))
		for _, st := range locked {
			byID[st.ID] = st
		}
		for _, id := range ids {
			st, ok := byID[id]
			if !ok {
				return &storage.Error{Code: storage.ENotFound, Op: "UpdateStudent", StudentID: id}
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

// ImportStudents adds or updates every row: all or nothing, idempotent.
func (s *Store) ImportStudents(m storage.Meta, rows []storage.ImportRow) (added, updated, unchanged int, err error) {
	err = s.writeDirectory(m, func(tx pgx.Tx) error {
		added, updated, unchanged = 0, 0, 0
		for _, r := range rows {
			c, err := ensureClass(tx, r.Grade, r.Number)
			if err != nil {
				return err
			}
			same, err := collect[storage.Student](tx, "SELECT doc FROM students WHERE class_id = $1 AND name = $2 ORDER BY id LIMIT 1", int64(c.ID), r.Student.Name)
			if err != nil {
				return err
			}
			if len(same) == 0 {
				st := r.Student
				if st.ID, err = newStudentID(tx); err != nil {
					return err
				}
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
			st, changed := r.Applied(same[0])
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

// ---- people ----

func putPerson(tx pgx.Tx, p storage.Person) error {
	if _, err := tx.Exec(bg, "INSERT INTO people (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc", int64(p.ID), doc(p)); err != nil {
		return err
	}
	for _, a := range p.Accounts {
		if _, err := tx.Exec(bg, "INSERT INTO accounts (platform, user_id, person_id) VALUES ($1, $2, $3) ON CONFLICT (platform, user_id) DO UPDATE SET person_id = EXCLUDED.person_id",
			a.Platform, a.UserID, int64(p.ID)); err != nil {
			return err
		}
	}
	return nil
}

// PersonByAccount finds the person behind a platform user id.
func (s *Store) PersonByAccount(platform, userID string) (storage.Person, bool, error) {
	return cachedOne[storage.Person](s, dirKey{"account", platform + "\x00" + userID},
		"SELECT p.doc FROM accounts a JOIN people p ON p.id = a.person_id WHERE a.platform = $1 AND a.user_id = $2", platform, userID)
}

// EnsurePerson returns the person behind an account, creating them on first
// contact and keeping their name and private chat up to date.
func (s *Store) EnsurePerson(platform, userID, privateChat, name string) (storage.Person, error) {
	p, ok, err := s.PersonByAccount(platform, userID)
	if err != nil {
		return p, err
	}
	if ok && p.Shows(platform, userID, privateChat, name) {
		return p, nil
	}
	defer s.dir.drop()
	err = pgx.BeginFunc(bg, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(bg, "SELECT pg_advisory_xact_lock(2, hashtext($1 || '/' || $2))", platform, userID); err != nil {
			return err
		}
		found, ok, err := one[storage.Person](tx, "SELECT p.doc FROM accounts a JOIN people p ON p.id = a.person_id WHERE a.platform = $1 AND a.user_id = $2", platform, userID)
		if err != nil {
			return err
		}
		p = found
		if !ok {
			id, err := insertReturningID(tx, "SELECT nextval('people_id_seq')")
			if err != nil {
				return err
			}
			p = storage.Person{ID: id, CreatedAt: s.Now(), Accounts: []storage.Account{{Platform: platform, UserID: userID}}}
		}
		p.Identify(platform, userID, privateChat, name)
		return putPerson(tx, p)
	})
	return p, err
}

// Person returns one person.
func (s *Store) Person(id uint64) (storage.Person, error) {
	p, ok, err := one[storage.Person](s.pool, "SELECT doc FROM people WHERE id = $1", int64(id))
	if err == nil && !ok {
		err = &storage.Error{Code: storage.ENotFound, Op: "Person", Subject: strconv.FormatUint(id, 10)}
	}
	return p, err
}

// People lists everyone by id.
func (s *Store) People() ([]storage.Person, error) {
	return collect[storage.Person](s.pool, "SELECT doc FROM people ORDER BY id")
}

// UpdatePerson changes a person in one audited transaction; what was
// queued for a child a person is no longer the parent of is dropped.
func (s *Store) UpdatePerson(m storage.Meta, id uint64, action string, fn func(*storage.Person) error) (storage.Person, error) {
	var out storage.Person
	err := s.writeDirectory(m, func(tx pgx.Tx) error {
		p, ok, err := one[storage.Person](tx, "SELECT doc FROM people WHERE id = $1 FOR UPDATE", int64(id))
		if err != nil {
			return err
		}
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
		if _, err := dropQueued(tx, func(q storage.Queued) bool {
			return q.PersonID == p.ID && q.StudentID != 0 && !p.IsParentOf(q.StudentID) && !p.IsStaff()
		}); err != nil {
			return err
		}
		return audit(tx, m, action, "person:"+strconv.FormatUint(id, 10))
	})
	return out, err
}

// ---- groups ----

// Group returns the registration of a group chat.
func (s *Store) Group(platform, chatID string) (storage.Group, bool, error) {
	return cachedOne[storage.Group](s, dirKey{"group", platform + "\x00" + chatID}, "SELECT doc FROM groups WHERE platform = $1 AND chat_id = $2", platform, chatID)
}

// SetGroup registers (or re-registers) a group chat; a change of kind or
// class is audited with before and after.
func (s *Store) SetGroup(m storage.Meta, g storage.Group) error {
	return s.writeDirectory(m, func(tx pgx.Tx) error {
		old, had, err := one[storage.Group](tx, "SELECT doc FROM groups WHERE platform = $1 AND chat_id = $2 FOR UPDATE", g.Platform, g.ChatID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(bg, "INSERT INTO groups (platform, chat_id, doc) VALUES ($1, $2, $3) ON CONFLICT (platform, chat_id) DO UPDATE SET doc = EXCLUDED.doc",
			g.Platform, g.ChatID, doc(g)); err != nil {
			return err
		}
		if had && (old.Kind != g.Kind || old.ClassID != g.ClassID) {
			return audit(tx, m, "group.change", fmt.Sprintf("%s:%d→%s:%d", old.Kind, old.ClassID, g.Kind, g.ClassID))
		}
		return audit(tx, m, "group.register", g.Kind)
	})
}

// MoveGroup keeps a group's registration when its chat id changes.
func (s *Store) MoveGroup(platform, oldID, newID string) error {
	defer s.dir.drop()
	return pgx.BeginFunc(bg, s.pool, func(tx pgx.Tx) error {
		g, ok, err := one[storage.Group](tx, "DELETE FROM groups WHERE platform = $1 AND chat_id = $2 RETURNING doc", platform, oldID)
		if err != nil || !ok {
			return err
		}
		g.ChatID = newID
		_, err = tx.Exec(bg, "INSERT INTO groups (platform, chat_id, doc) VALUES ($1, $2, $3) ON CONFLICT (platform, chat_id) DO UPDATE SET doc = EXCLUDED.doc", platform, newID, doc(g))
		return err
	})
}

// Groups lists every registered group, by title.
func (s *Store) Groups() ([]storage.Group, error) {
	out, err := collect[storage.Group](s.pool, "SELECT doc FROM groups")
	sort.Slice(out, func(i, j int) bool { return out[i].Title < out[j].Title })
	return out, err
}

// ---- invites ----

// CreateInvite stores a new one-time code valid for seven days.
func (s *Store) CreateInvite(m storage.Meta, inv storage.Invite) (storage.Invite, error) {
	err := s.write(m, func(tx pgx.Tx) error {
		for {
			code, err := storage.NewInviteCode()
			if err != nil {
				return err
			}
			inv.Code, inv.CreatedBy, inv.CreatedAt, inv.Expires = code, m.ActorID, m.At, m.At.Add(storage.InviteValidity)
			tag, err := tx.Exec(bg, "INSERT INTO invites (code, doc) VALUES ($1, $2) ON CONFLICT DO NOTHING", code, doc(inv))
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 1 {
				break
			}
		}
		return audit(tx, m, "invite."+inv.Kind, "", inv.StudentID)
	})
	return inv, err
}

// InviteExists reports whether the code was issued here.
func (s *Store) InviteExists(code string) (bool, error) {
	if strings.ContainsRune(code, 0) {
		return false, nil
	}
	var ok bool
	err := s.pool.QueryRow(bg, "SELECT EXISTS (SELECT 1 FROM invites WHERE code = $1)", code).Scan(&ok)
	return ok, err
}

// UseInvite spends a code and grants what it carries, in one transaction.
func (s *Store) UseInvite(m storage.Meta, code string, personID uint64) (storage.Invite, storage.Person, error) {
	var inv storage.Invite
	var p storage.Person
	if strings.ContainsRune(code, 0) { // text in PostgreSQL holds no NUL: no code has one
		return inv, p, &storage.Error{Code: storage.ENotFound, Op: "UseInvite", Subject: strings.ReplaceAll(code, "\x00", "")}
	}
	err := s.writeDirectory(m, func(tx pgx.Tx) error {
		var ok bool
		var err error
		if inv, ok, err = one[storage.Invite](tx, "SELECT doc FROM invites WHERE code = $1 FOR UPDATE", code); err != nil {
			return err
		}
		if !ok {
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
		if p, ok, err = one[storage.Person](tx, "SELECT doc FROM people WHERE id = $1 FOR UPDATE", int64(personID)); err != nil {
			return err
		}
		if !ok {
			return &storage.Error{Code: storage.ENotFound, Op: "UseInvite", Reason: "person", Subject: code}
		}
		if inv.Kind == storage.InviteParent {
			if _, ok, err := getStudent(tx, inv.StudentID); err != nil || !ok {
				if err != nil {
					return err
				}
				return &storage.Error{Code: storage.ENotFound, Op: "UseInvite", Subject: code, Reason: "student", StudentID: inv.StudentID}
			}
		}
		if inv.HandsOverHead() {
			// One head teacher a class: the one until now hands over,
			// and stays one of its teachers.
			heads, err := collect[storage.Person](tx, "SELECT doc FROM people WHERE id <> $1 AND doc->'HeadOf' @> to_jsonb($2::bigint) FOR UPDATE", int64(personID), int64(inv.ClassID))
			if err != nil {
				return err
			}
			for _, other := range heads {
				other.HandOver(inv.ClassID)
				if _, err := tx.Exec(bg, "UPDATE people SET doc = $2 WHERE id = $1", int64(other.ID), doc(other)); err != nil {
					return err
				}
				if err := audit(tx, m, "headteacher.handover", strconv.FormatUint(other.ID, 10)); err != nil {
					return err
				}
			}
		}
		p.Grant(inv)
		inv.UsedBy, inv.UsedAt = personID, m.At
		if _, err := tx.Exec(bg, "UPDATE invites SET doc = $2 WHERE code = $1", code, doc(inv)); err != nil {
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
	if strings.ContainsRune(code, 0) {
		return false, nil
	}
	err := s.write(m, func(tx pgx.Tx) error {
		inv, ok, err := one[storage.Invite](tx, "SELECT doc FROM invites WHERE code = $1 FOR UPDATE", code)
		if err != nil || !ok || inv.UsedBy != 0 || inv.Revoked {
			return err
		}
		inv.Revoked, revoked = true, true
		if _, err := tx.Exec(bg, "UPDATE invites SET doc = $2 WHERE code = $1", code, doc(inv)); err != nil {
			return err
		}
		return audit(tx, m, "invite.revoke", "", inv.StudentID)
	})
	return revoked, err
}

// ---- the school year ----

// StartedTerms returns the semesters started from chat, by first day.
func (s *Store) StartedTerms() ([]storage.Term, error) {
	var data []byte
	err := s.pool.QueryRow(bg, "SELECT value FROM meta WHERE key = 'terms'").Scan(&data)
	if err != nil {
		return nil, noRows(err, nil)
	}
	var terms []storage.Term
	return terms, json.Unmarshal(data, &terms)
}

// StartTerm records a semester, replacing one that starts the same day.
func (s *Store) StartTerm(m storage.Meta, t storage.Term) error {
	return s.write(m, func(tx pgx.Tx) error {
		var data []byte
		if err := noRows(tx.QueryRow(bg, "SELECT value FROM meta WHERE key = 'terms' FOR UPDATE").Scan(&data), nil); err != nil {
			return err
		}
		var terms, kept []storage.Term
		if data != nil {
			if err := json.Unmarshal(data, &terms); err != nil {
				return err
			}
		}
		for _, old := range terms {
			if !old.Start.Equal(t.Start) {
				kept = append(kept, old)
			}
		}
		kept = append(kept, t)
		sort.Slice(kept, func(i, j int) bool { return kept[i].Start.Before(kept[j].Start) })
		if _, err := tx.Exec(bg, "INSERT INTO meta (key, value) VALUES ('terms', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", doc(kept)); err != nil {
			return err
		}
		return audit(tx, m, "semester.start", t.Key()+"→"+t.End.Format("2006-01-02"))
	})
}

// PromoteClasses moves every class up a grade in one transaction; graduating
// grades leave with their students' support closed and head teachers freed.
func (s *Store) PromoteClasses(m storage.Meta, graduating []int, reason string, minGap time.Duration) (storage.Promotion, error) {
	var p storage.Promotion
	err := s.writeDirectory(m, func(tx pgx.Tx) error {
		p = storage.Promotion{}
		var last []byte
		if err := noRows(tx.QueryRow(bg, "SELECT value FROM meta WHERE key = 'last_promotion' FOR UPDATE").Scan(&last), nil); err != nil {
			return err
		}
		if last != nil {
			var at time.Time
			if err := json.Unmarshal(last, &at); err == nil && m.At.Sub(at) < minGap {
				return &storage.Error{Code: storage.EConflict, Op: "PromoteClasses", At: at}
			}
		}
		leaves := map[int]bool{12: true}
		for _, g := range graduating {
			leaves[g] = true
		}
		classes, err := scanClasses(tx.Query(bg, "SELECT id, grade, number, graduated FROM classes WHERE graduated = 0 ORDER BY grade DESC, number"))
		if err != nil {
			return err
		}
		graduated := map[uint64]bool{}
		for _, c := range classes {
			if leaves[c.Grade] {
				c.Graduated = m.At.Year()
				if _, err := tx.Exec(bg, "UPDATE classes SET graduated = $2 WHERE id = $1", int64(c.ID), c.Graduated); err != nil {
					return err
				}
				graduated[c.ID] = true
				p.Graduated = append(p.Graduated, c)
				sts, err := collect[storage.Student](tx, "SELECT doc FROM students WHERE class_id = $1 ORDER BY id", int64(c.ID))
				if err != nil {
					return err
				}
				for _, st := range sts {
					if st.Closed {
						continue
					}
					st.Close(reason, m.At)
					if err := putStudent(tx, st); err != nil {
						return err
					}
					p.StudentsClosed++
				}
				continue
			}
			from := c
			c.Grade++
			if _, err := tx.Exec(bg, "UPDATE classes SET grade = $2 WHERE id = $1", int64(c.ID), c.Grade); err != nil {
				return err
			}
			p.Moved = append(p.Moved, storage.ClassMove{From: from, To: c})
		}
		people, err := collect[storage.Person](tx, "SELECT doc FROM people ORDER BY id FOR UPDATE")
		if err != nil {
			return err
		}
		for _, person := range people {
			changed, head := person.FreeClasses(graduated)
			if head {
				p.HeadsFreed = append(p.HeadsFreed, person.ID)
			}
			if changed {
				if err := putPerson(tx, person); err != nil {
					return err
				}
			}
		}
		if _, err := tx.Exec(bg, "INSERT INTO meta (key, value) VALUES ('last_promotion', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", doc(m.At)); err != nil {
			return err
		}
		return audit(tx, m, "classes.promote", strconv.Itoa(len(p.Moved))+" moved, "+strconv.Itoa(len(p.Graduated))+" graduated")
	})
	return p, err
}

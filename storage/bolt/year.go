package bolt

import (
	"encoding/json"
	"sort"
	"strconv"
	"time"

	bbolt "go.etcd.io/bbolt"

	"bangfu/storage"
)

// The school year's turns, kept in the meta bucket: the semesters started
// from chat (a JSON list) and the time of the last promotion.
var (
	keyTerms         = []byte("terms")
	keyLastPromotion = []byte("last_promotion")
)

func readTerms(tx *bbolt.Tx) []storage.Term {
	var terms []storage.Term
	if v := tx.Bucket(bMeta).Get(keyTerms); v != nil {
		decode(v, &terms)
	}
	return terms
}

// StartedTerms returns the semesters started from chat, by first day.
func (s *Store) StartedTerms() ([]storage.Term, error) {
	var terms []storage.Term
	err := s.view(func(tx *bbolt.Tx) error {
		terms = readTerms(tx)
		return nil
	})
	return terms, err
}

// StartTerm records a semester, replacing one that starts the same day.
func (s *Store) StartTerm(m storage.Meta, t storage.Term) error {
	return s.update(func(tx *bbolt.Tx) error {
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		var kept []storage.Term
		for _, old := range readTerms(tx) {
			if !old.Start.Equal(t.Start) {
				kept = append(kept, old)
			}
		}
		kept = append(kept, t)
		sort.Slice(kept, func(i, j int) bool { return kept[i].Start.Before(kept[j].Start) })
		data, err := json.Marshal(kept)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bMeta).Put(keyTerms, data); err != nil {
			return err
		}
		return audit(tx, m, "semester.start", t.Key()+"→"+t.End.Format("2006-01-02"))
	})
}

// PromoteClasses moves every class up a grade in one transaction: the
// graduating ones first leave the grade index (so the class below can take
// their place), their students' support is closed and their head teachers
// freed; then the others move up, highest grade first.
func (s *Store) PromoteClasses(m storage.Meta, graduating []int, reason string, minGap time.Duration) (storage.Promotion, error) {
	var p storage.Promotion
	err := s.update(func(tx *bbolt.Tx) error {
		p = storage.Promotion{}
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		meta := tx.Bucket(bMeta)
		if v := meta.Get(keyLastPromotion); len(v) == 8 {
			last := time.Unix(int64(be(v)), 0)
			if m.At.Sub(last) < minGap {
				return &storage.Error{Code: storage.EConflict, Op: "PromoteClasses", At: last}
			}
		}
		leaves := map[int]bool{12: true} // nobody moves past 高三
		for _, g := range graduating {
			leaves[g] = true
		}
		var classes []storage.Class
		cls, idx := tx.Bucket(bClasses), tx.Bucket(bClassByGrade)
		if err := idx.ForEach(func(_, v []byte) error {
			var c storage.Class
			if getJSON(cls, v, &c) {
				classes = append(classes, c)
			}
			return nil
		}); err != nil {
			return err
		}
		sort.Slice(classes, func(i, j int) bool {
			if classes[i].Grade != classes[j].Grade {
				return classes[i].Grade > classes[j].Grade
			}
			return classes[i].Number < classes[j].Number
		})
		year := m.At.Year()
		graduated := map[uint64]bool{}
		for _, c := range classes {
			if err := idx.Delete(key(uint64(c.Grade), uint64(c.Number))); err != nil {
				return err
			}
			if leaves[c.Grade] {
				c.Graduated = year
				graduated[c.ID] = true
				p.Graduated = append(p.Graduated, c)
				n, err := closeClass(tx, c.ID, reason, m.At)
				if err != nil {
					return err
				}
				p.StudentsClosed += n
			} else {
				from := c
				c.Grade++
				if err := idx.Put(key(uint64(c.Grade), uint64(c.Number)), u64(c.ID)); err != nil {
					return err
				}
				p.Moved = append(p.Moved, storage.ClassMove{From: from, To: c})
			}
			if err := putJSON(cls, u64(c.ID), c); err != nil {
				return err
			}
		}
		freed, err := freeHeads(tx, graduated)
		if err != nil {
			return err
		}
		p.HeadsFreed = freed
		if err := meta.Put(keyLastPromotion, u64(unix(m.At))); err != nil {
			return err
		}
		return audit(tx, m, "classes.promote", strconv.Itoa(len(p.Moved))+" moved, "+strconv.Itoa(len(p.Graduated))+" graduated")
	})
	return p, err
}

// closeClass closes the support of a class's students still under support.
func closeClass(tx *bbolt.Tx, classID uint64, reason string, at time.Time) (int, error) {
	var ids []uint64
	c := tx.Bucket(bStudentsByClass).Cursor()
	prefix := u64(classID)
	for k, _ := c.Seek(prefix); k != nil && be(k) == classID; k, _ = c.Next() {
		ids = append(ids, be(k[8:]))
	}
	n := 0
	for _, id := range ids {
		st, ok := getStudent(tx, id)
		if !ok || st.Closed {
			continue
		}
		st.Close(reason, at)
		if err := putStudent(tx, st); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// freeHeads takes graduated classes out of people's head-teacher and
// teaching lists and returns the head teachers who had one.
func freeHeads(tx *bbolt.Tx, graduated map[uint64]bool) ([]uint64, error) {
	var changed []storage.Person
	var freed []uint64
	if err := tx.Bucket(bPeople).ForEach(func(_, v []byte) error {
		var p storage.Person
		decode(v, &p)
		moved, head := p.FreeClasses(graduated)
		if head {
			freed = append(freed, p.ID)
		}
		if moved {
			changed = append(changed, p)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	for _, p := range changed {
		if err := putPerson(tx, p); err != nil {
			return nil, err
		}
	}
	return freed, nil
}
